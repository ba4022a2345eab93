/**
 * medic explain EVENT: the signal, and for every rule whether it matched and, if not, the
 * first criterion that failed with the actual value. Reads only; never acts.
 */
import { resolve } from 'node:path';
import { memoizeReader } from '../../shared/aws/memo-reader.js';
import { InvalidEventError } from '../../shared/errors.js';
import { inFile } from '../../shared/json-text.js';
import { formatDuration } from '../../shared/runbook/duration.js';
import { explain } from '../../shared/runbook/index.js';
import type { Rule, Runbook } from '../../shared/runbook/types.js';
import type { RemediationCheck } from '../../shared/signals/check.js';
import { normalizeEvent } from '../../shared/signals/normalize.js';
import { readEventFile } from '../event-files.js';
import { type Io, paint } from '../io.js';
import { explainSilence } from '../operator-text.js';
import { describeSignal } from '../render.js';
import { createAdapters, loadCompiledRunbook } from '../setup.js';
import { UsageError } from '../usage-error.js';
import { ownAwsState, relativeLabel } from './replay.js';

export interface ExplainOptions {
  event?: string;
  runbook?: string;
  awsState?: string;
  aws?: boolean;
  json?: boolean;
}

export async function explainCommand(options: ExplainOptions, io: Io): Promise<number> {
  if (!options.event) throw new UsageError('explain needs one event file, e.g. `medic explain events/01-alarm-latency-churn-prod.json`');
  const compiled = await loadCompiledRunbook(options.runbook, io);
  const awsState = options.awsState ?? (options.aws ? undefined : ownAwsState([options.event], io));
  const adapters = await createAdapters({ ...options, awsState }, io);
  const file = resolve(io.cwd, options.event);
  const label = relativeLabel(file, io.cwd);
  let normalized: Awaited<ReturnType<typeof normalizeEvent>>;
  try {
    normalized = await normalizeEvent(readEventFile(file), memoizeReader(adapters.reader));
  } catch (error) {
    // One line that names the file, as replay does.
    if (error instanceof InvalidEventError) throw new InvalidEventError(inFile(label, error.message));
    throw error;
  }
  const p = paint(io.color && !options.json);

  if (normalized.type !== 'signal') {
    const why =
      normalized.type === 'ignored'
        ? `ignored: ${normalized.reason}`
        : normalized.type === 'check'
          ? describeCheck(normalized.check, compiled.runbook)
          : normalized.type === 'operator'
            ? `operator event: ${normalized.event.type} by ${normalized.event.by}${normalized.event.reason ? ` (${normalized.event.reason})` : ''}; no rule is evaluated (\`medic replay\` applies it)`
            : normalized.type === 'approval-expiry'
              ? `approval expiry: ${normalized.expiry.approval} (rule ${normalized.expiry.rule}${normalized.expiry.endpoint ? ` on ${normalized.expiry.endpoint}` : ''}) is dropped if nobody decided by ${new Date(normalized.expiry.expiresAt).toISOString()}; no rule is evaluated (\`medic replay\` applies it)`
              : `endpoint state change: ${normalized.change.endpoint} is ${normalized.change.status}${normalized.change.endpointConfig ? ` on ${normalized.change.endpointConfig}` : ''} (recorded: busy endpoints and rollback history; no rule is evaluated)`;
    if (options.json) io.out(JSON.stringify({ event: label, signal: null, rules: [], note: why }));
    else io.out(`${p.bold(label)}\n  ${why}`);
    // A silence is matched against later signals: say what it would hold, as a signal's fields are shown.
    if (!options.json && normalized.type === 'operator' && normalized.event.type === 'Silence Created') {
      for (const [name, text] of explainSilence(normalized.event.spec, compiled.runbook)) io.out(`  ${p.dim(name.padEnd(8))} ${text}`);
    }
    return 0;
  }

  const { signal } = normalized;
  const explanations = explain(compiled, signal);
  if (options.json) {
    io.out(JSON.stringify({ event: label, signal, rules: explanations }));
    return 0;
  }
  io.out(p.bold(label));
  io.out(`  ${p.dim('signal')} ${describeSignal(signal)}`);
  io.out(`  ${p.dim('fields')} ${JSON.stringify(matchableFields(signal))}`);
  if (signal.kind === 'alarm' && signal.actionsSuppressedBy) {
    io.out(`  ${p.yellow('note')}   actions suppressed by ${signal.actionsSuppressedBy}: no rule will act on this event`);
  }
  io.out('');
  const width = Math.max(...explanations.map((e) => e.rule.length), 4);
  for (const e of explanations) {
    const mark = e.matched ? p.green('✓ match') : e.shadowed ? p.yellow('~ shadowed') : p.dim('✗');
    const winner = e.shadowed?.replace(/^by /, '');
    const why = e.matched ? '' : e.shadowed ? `would match, but ${winner} matched first (it has no continue: true)` : (e.reason ?? '');
    io.out(`  ${e.rule.padEnd(width)}  ${mark}${why ? `  ${why}` : ''}`);
  }
  io.out('');
  const acting = explanations.filter((e) => e.matched).map((e) => e.rule);
  const suppressed = signal.kind === 'alarm' && signal.actionsSuppressedBy;
  if (acting.length === 0) io.out(`  → no rule matches: the event would be ignored`);
  else io.out(`  → ${suppressed ? 'would match, but the alarm is suppressed' : 'acts'}: ${acting.join(' + ')}`);
  for (const id of acting) {
    const rule = compiled.runbook.rules.find((r) => r.id === id);
    if (rule?.approval) {
      io.out(
        `  ${p.dim('approval')} ${id}: ${rule.approval.for.join(', ')} wait${rule.approval.for.length === 1 ? 's' : ''} for \`medic approve <id>\` (expires after ${formatDuration(rule.approval.expiresMs)})`,
      );
    }
    if (!rule || rule.escalate.length === 0) continue;
    io.out(`  ${p.dim('ladder')} ${id}, while the alarm stays in ALARM:`);
    for (const line of describeLadder(rule)) io.out(`    ${line}`);
  }
  io.out(p.dim('  Guards (dedupe, cooldown, lock, limits, silences) are not evaluated here: `medic replay` shows what would run.'));
  return 0;
}

/** A rule's escalation steps, one line each, with the time since the rule's own actions. */
export function describeLadder(rule: Rule): string[] {
  let elapsed = 0;
  const lines = rule.escalate.map((step, i) => {
    elapsed += step.afterMs;
    return `step ${i + 1} after ${formatDuration(step.afterMs)} (${formatDuration(elapsed)} in): ${step.actions.map((a) => a.type).join(', ')}`;
  });
  return [...lines, 'then, if still in ALARM: "remediation did not clear" to the ops topic'];
}

function describeCheck(check: RemediationCheck, runbook: Runbook): string {
  const rule = runbook.rules.find((r) => r.id === check.rule);
  const step = rule?.escalate[check.step - 1];
  const what = step ? step.actions.map((a) => a.type).join(', ') : 'no such step in this runbook (the ladder would end)';
  return `remediation check: step ${check.step}${check.attempt > 1 ? ` (attempt ${check.attempt})` : ''} of rule ${check.rule}'s ladder for ${check.alarmArn}, ALARM since ${check.since}: ${what} if the alarm is still in that ALARM (\`medic replay\` runs it)`;
}

/** The signal fields a rule can match on, without the bulky ones. */
function matchableFields(signal: Parameters<typeof describeSignal>[0]): Record<string, unknown> {
  const { metrics: _m, violations: _v, notes: _n, ...rest } = signal as unknown as Record<string, unknown>;
  return rest;
}
