/** Builds the real engine around a recording writer, for tests of guards and execution. */
import type { AwsCall, AwsReader, AwsWriter } from '../../shared/aws/ports.js';
import { VirtualClock } from '../../shared/clock.js';
import type { EngineDeps } from '../../shared/engine.js';
import { compileRunbook } from '../../shared/runbook/index.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import type { StateStore } from '../../shared/state/store.js';
import { recordedReader } from './samples.js';

/** Records every call; `fail` decides per call whether (and how) it throws. */
export class RecordingWriter implements AwsWriter {
  readonly calls: AwsCall[] = [];
  fail: (call: AwsCall, attempt: number) => Error | undefined = () => undefined;
  private attempts = new Map<string, number>();

  async send(call: AwsCall): Promise<unknown> {
    const key = `${call.service}:${call.operation}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const error = this.fail(call, attempt);
    if (error) throw error;
    this.calls.push(call);
    return {};
  }

  operations(): string[] {
    return this.calls.map((c) => `${c.service}:${c.operation}`);
  }
}

export const START = Date.parse('2026-11-23T04:00:00Z');

export interface TestEngine {
  deps: EngineDeps;
  writer: RecordingWriter;
  clock: VirtualClock;
  store: StateStore;
}

export async function testEngine(
  runbookYaml: string,
  options: { store?: StateStore; reader?: AwsReader; allowWrites?: boolean; owner?: string } = {},
): Promise<TestEngine> {
  const writer = new RecordingWriter();
  const clock = new VirtualClock(START);
  const reader = options.reader ?? recordedReader();
  const store = options.store ?? new MemoryStateStore();
  for (const [endpoint, configs] of Object.entries(recordedReader().endpointConfigHistory)) {
    for (const c of configs) await store.recordEndpointConfig(endpoint, c, 0);
  }
  const deps: EngineDeps = {
    runbook: compileRunbook(loadRunbook(runbookYaml, 'test-runbook.yml', {})),
    reader,
    writer,
    store,
    clock,
    allowWrites: options.allowWrites ?? true,
    owner: options.owner ?? 'test-owner',
    lockWaitMs: 0,
    sleep: async () => {},
  };
  return { deps, writer, clock, store };
}

/** A sample alarm event with a fresh state timestamp (a new occurrence, not a duplicate). */
export function occurrence(event: Record<string, unknown>, at: number, id = `evt-${at}`): Record<string, unknown> {
  const copy = structuredClone(event);
  copy.id = id;
  copy.time = new Date(at).toISOString();
  const detail = copy.detail as { state?: { timestamp?: string } };
  if (detail.state) detail.state.timestamp = new Date(at).toISOString();
  return copy;
}

/** The ops topic of the engine tests' small runbooks. */
export const TOPIC = 'arn:aws:sns:us-east-1:111122223333:ops';

/** One rule that scales fraud-prod out on its CPU alarm (sample 02) and tells ops: the guards' test subject. */
export const SCALE_RUNBOOK = `
version: 1
defaults: { cooldown: 10m, scale: { max: 8 }, maxRemediationsPerHour: 3 }
topics: { ops: ${TOPIC} }
rules:
  - id: scale-out
    match: { kind: alarm, state: ALARM, metric: CPUUtilization }
    actions:
      - scale: { by: 1 }
      - notify: { topic: ops }
`;
