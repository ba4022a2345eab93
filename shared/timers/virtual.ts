/**
 * Timers on a virtual clock, for backtest: checks and approval expiries wait in a queue ordered by due time (then by
 * the order they were scheduled) and the backtest takes them out as its clock passes them. Memory
 * follows the checks pending (at most one per open ladder), not the length of the run.
 */
import type { ScheduledTimer, Timers } from './timers.js';

interface Entry {
  timer: ScheduledTimer;
  seq: number;
}

export class VirtualTimers implements Timers {
  private readonly heap: Entry[] = [];
  /** The live timer of each name: a cancelled or replaced entry stays in the heap until it surfaces. */
  private readonly pending = new Map<string, Entry>();
  private seq = 0;

  async schedule(timer: ScheduledTimer): Promise<void> {
    if (this.pending.has(timer.name)) return; // the same timer again: one timer, as in AWS
    const entry = { timer, seq: this.seq++ };
    this.pending.set(timer.name, entry);
    this.push(entry);
  }

  async cancel(name: string): Promise<void> {
    this.pending.delete(name);
  }

  get size(): number {
    return this.pending.size;
  }

  /** The earliest timer due at or before `until` (any, when omitted), taken out of the queue. */
  takeDue(until = Number.POSITIVE_INFINITY): ScheduledTimer | undefined {
    for (;;) {
      const top = this.heap[0];
      if (!top) return undefined;
      if (this.pending.get(top.timer.name) !== top) {
        this.pop(); // cancelled
        continue;
      }
      if (top.timer.at > until) return undefined;
      this.pop();
      this.pending.delete(top.timer.name);
      return top.timer;
    }
  }

  private before(a: Entry, b: Entry): boolean {
    return a.timer.at < b.timer.at || (a.timer.at === b.timer.at && a.seq < b.seq);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i] as Entry, heap[parent] as Entry)) break;
      [heap[i], heap[parent]] = [heap[parent] as Entry, heap[i] as Entry];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < heap.length && this.before(heap[l] as Entry, heap[smallest] as Entry)) smallest = l;
      if (r < heap.length && this.before(heap[r] as Entry, heap[smallest] as Entry)) smallest = r;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest] as Entry, heap[i] as Entry];
      i = smallest;
    }
  }
}

/** Replay's timers: nothing fires; the engine reports what it scheduled (`scheduled` in the JSON). */
export const notFiringTimers: Timers = {
  async schedule() {},
  async cancel() {},
};
