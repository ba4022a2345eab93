/** The guards' decision as a pure function of the snapshot read under the lock: no store, no clock. */
import { describe, expect, it } from 'vitest';
import type { GuardSnapshot } from '../../shared/guards/snapshot.js';
import { decideUnderLock } from '../../shared/guards.js';
import { compileRunbook } from '../../shared/runbook/index.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import { normalizeEvent } from '../../shared/signals/normalize.js';
import type { Signal } from '../../shared/signals/types.js';
import { occurrence, START } from '../support/engine.js';
import { recordedReader, sample } from '../support/samples.js';

const runbook = compileRunbook(
  loadRunbook(
    `
version: 1
defaults: { cooldown: 10m, scale: { max: 8 }, maxRemediationsPerHour: 3 }
topics: { ops: arn:aws:sns:us-east-1:111122223333:ops }
rules:
  - id: scale-out
    match: { kind: alarm, state: ALARM, metric: CPUUtilization }
    actions: [ { scale: { by: 1 } }, { notify: { topic: ops } } ]
`,
    'decide.yml',
    {},
  ),
).runbook;
const rule = runbook.rules[0] as (typeof runbook.rules)[number];
const MINUTE = 60_000;

async function cpuSignal(): Promise<Signal> {
  const normalized = await normalizeEvent(occurrence(sample('02-'), START), recordedReader());
  if (normalized.type !== 'signal') throw new Error('sample 02 is a signal');
  return normalized.signal;
}

const snapshot = (over: Partial<GuardSnapshot> = {}): GuardSnapshot => ({
  silences: [],
  endpoint: { cooldowns: [] },
  remediations: 0,
  ...over,
});

/** What the decision holds, for a change and for a notify. */
function holds(decision: ReturnType<typeof decideUnderLock>): [string | undefined, string | undefined] {
  return [decision.holdBack(true, 'scale')?.suppressedBy, decision.holdBack(false, 'notify')?.suppressedBy];
}

describe('decideUnderLock (pure)', () => {
  it('nothing in the snapshot: everything goes, nothing asked of the store', async () => {
    const decision = decideUnderLock(rule, await cpuSignal(), runbook, snapshot(), START, false, 'fraud-prod');
    expect(holds(decision)).toEqual([undefined, undefined]);
    expect(decision.asks).toBeUndefined();
  });

  it('a cooldown holds everything, unless this very signal started it or the rule resumes; an ended one holds nothing', async () => {
    const signal = await cpuSignal();
    const cooling = (by: string, until = START + 5 * MINUTE) => snapshot({ endpoint: { cooldowns: [{ rule: 'scale-out', until, by }] } });
    expect(holds(decideUnderLock(rule, signal, runbook, cooling('another signal'), START, false, 'fraud-prod'))).toEqual([
      'cooldown',
      'cooldown',
    ]);
    expect(holds(decideUnderLock(rule, signal, runbook, cooling(signal.key), START, false, 'fraud-prod'))).toEqual([undefined, undefined]);
    expect(holds(decideUnderLock(rule, signal, runbook, cooling('another signal'), START, true, 'fraud-prod'))).toEqual([
      undefined,
      undefined,
    ]);
    expect(holds(decideUnderLock(rule, signal, runbook, cooling('another signal', START), START, false, 'fraud-prod'))).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('the circuit, the limit and a busy endpoint hold changes only, and only for a rule that holds the lock', async () => {
    const signal = await cpuSignal();
    const open = snapshot({
      endpoint: { cooldowns: [], circuit: { openedAt: START - MINUTE, until: START + MINUTE, reason: 'too many' } },
    });
    const circuit = decideUnderLock(rule, signal, runbook, open, START, false, 'fraud-prod');
    expect(holds(circuit)).toEqual(['circuit', undefined]);
    expect(circuit.asks).toEqual({ kind: 'tell-human', openedAt: START - MINUTE, reason: 'too many' });

    const limit = decideUnderLock(rule, signal, runbook, snapshot({ remediations: 3 }), START, false, 'fraud-prod');
    expect(holds(limit)).toEqual(['limit', undefined]);
    expect(limit.asks).toEqual({
      kind: 'open-circuit',
      reason: '3 automatic changes to fraud-prod in the last hour reached the limit of 3',
    });

    const busy = snapshot({ endpoint: { cooldowns: [], status: { status: 'Updating', at: START - MINUTE } } });
    expect(holds(decideUnderLock(rule, signal, runbook, busy, START, false, 'fraud-prod'))).toEqual(['endpoint-busy', undefined]);

    for (const s of [open, snapshot({ remediations: 3 }), busy]) {
      expect(holds(decideUnderLock(rule, signal, runbook, s, START, false, undefined))).toEqual([undefined, undefined]);
    }
  });

  it('a silence comes first: it holds the change, and notify too when quiet', async () => {
    const signal = await cpuSignal();
    const silence = {
      silence: 'sil-1',
      endpoint: 'fraud-*',
      startsAt: START - MINUTE,
      endsAt: START + MINUTE,
      quiet: false,
      by: 'arn:aws:iam::111122223333:user/alice',
      reason: 'maintenance',
      createdAt: START - MINUTE,
    };
    const limited = { remediations: 3 };
    expect(
      holds(decideUnderLock(rule, signal, runbook, snapshot({ ...limited, silences: [silence] }), START, false, 'fraud-prod')),
    ).toEqual(['silenced', undefined]);
    const quiet = snapshot({ silences: [{ ...silence, quiet: true }] });
    expect(holds(decideUnderLock(rule, signal, runbook, quiet, START, false, 'fraud-prod'))).toEqual(['silenced', 'silenced']);
  });
});
