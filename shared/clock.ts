/** Time as a port, so backtest can run on a virtual clock. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: backtest sets it to each event's time. */
export class VirtualClock implements Clock {
  constructor(private current = 0) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    if (ms > this.current) this.current = ms;
  }
}
