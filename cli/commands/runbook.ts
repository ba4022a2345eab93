/**
 * medic runbook [--runbook F] [--width N]: the runbook as a table (id | when | then | cooldown
 * | mode), in evaluation order, fitted to the terminal width on a TTY (or to --width).
 */
import type { DeploymentOptions } from '../../shared/actions/params.js';
import type { ActionSpec } from '../../shared/actions/specs.js';
import type { Rule, RuleMatch, Runbook } from '../../shared/runbook/index.js';
import { formatDuration } from '../../shared/runbook/index.js';
import { type Io, paint } from '../io.js';
import { plural } from '../plural.js';
import { DEFAULT_RUNBOOK, loadCompiledRunbook } from '../setup.js';
import { renderTable } from '../table.js';
import { UsageError } from '../usage-error.js';

export async function runbookCommand(options: { runbook?: string; width?: string }, io: Io): Promise<number> {
  let width = io.columns;
  if (options.width !== undefined) {
    const n = Number(options.width);
    if (!Number.isInteger(n) || n < 40) throw new UsageError(`--width must be a whole number of columns ≥ 40, got "${options.width}"`);
    width = n;
  }
  const path = options.runbook ?? DEFAULT_RUNBOOK;
  const { runbook } = await loadCompiledRunbook(options.runbook, io);
  for (const line of renderRunbookTable(runbook, path, paint(io.color), width)) io.out(line);
  return 0;
}

export function renderRunbookTable(runbook: Runbook, label: string, p = paint(false), width?: number): string[] {
  const d = runbook.defaults;
  const cap = Number.isFinite(d.scale.max) ? `, scale cap ${d.scale.max}` : '';
  const lines = [
    p.bold(`${label}: ${plural(runbook.rules.length, 'rule')}, first match wins unless "continue"`),
    `defaults: mode ${d.mode}, cooldown ${formatDuration(d.cooldownMs)}${cap}, at most ${plural(d.maxRemediationsPerHour, 'change')} per endpoint per hour, dedupe ${formatDuration(d.dedupeMs)}`,
    '',
  ];
  const rows = runbook.rules.map((rule) => [
    rule.id,
    describeWhen(rule.match),
    describeThen(rule),
    formatDuration(rule.cooldownMs),
    rule.mode,
  ]);
  lines.push(
    ...renderTable(
      [
        { header: 'id', wrap: true, min: 14 },
        { header: 'when', wrap: true, min: 16 },
        { header: 'then', wrap: true, min: 16 },
        { header: 'cooldown', align: 'right' },
        { header: 'mode' },
      ],
      rows,
      width === undefined ? {} : { width },
    ),
  );
  const topics = Object.entries(runbook.topics);
  const pipelines = Object.entries(runbook.pipelines);
  if (topics.length > 0) {
    const w = Math.max(...topics.map(([alias]) => alias.length));
    lines.push('', 'topics:', ...topics.map(([alias, arn]) => `  ${alias.padEnd(w)}  ${arn}`));
  }
  if (pipelines.length > 0) {
    const w = Math.max(...pipelines.map(([alias]) => alias.length));
    lines.push(
      '',
      'pipelines:',
      ...pipelines.map(
        ([alias, ref]) => `  ${alias.padEnd(w)}  ${ref.type === 'sagemaker' ? 'SageMaker pipeline' : 'CodePipeline'} ${ref.name}`,
      ),
    );
  }
  return lines;
}

/** `kind=alarm state=ALARM metric=ModelLatency|CPUUtilization endpoint=*-prod` */
export function describeWhen(match: RuleMatch): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(match)) {
    if (value === undefined) continue;
    if (key === 'violations') {
      const v = value as NonNullable<RuleMatch['violations']>;
      const checks = v.check && v.check.length > 0 ? v.check.join('|') : 'any check';
      parts.push(`violations≥${v.atLeast}(${checks}${v.feature !== undefined ? ` on ${v.feature}` : ''})`);
    } else {
      parts.push(`${key}=${Array.isArray(value) ? value.join('|') : String(value)}`);
    }
  }
  return parts.length > 0 ? parts.join(' ') : '(every signal)';
}

/** `scale +1 (max 6) → notify ops (high)`; `[continue]` when later rules may match too. */
export function describeThen(rule: Rule): string {
  const text = rule.actions.map(describeAction).join(' → ');
  return rule.continue ? `${text} [continue]` : text;
}

function describeAction(action: ActionSpec): string {
  switch (action.type) {
    case 'notify':
      return `notify ${action.params.topic} (${action.params.severity})`;
    case 'scale': {
      const params = action.params;
      if ('restore' in params) return 'scale restore';
      const how = 'by' in params ? `+${params.by}` : 'to' in params ? `to ${params.to}` : `×${params.factor}`;
      const limits = [params.min !== undefined ? `min ${params.min}` : '', params.max !== undefined ? `max ${params.max}` : ''].filter(
        Boolean,
      );
      return `scale ${how}${limits.length > 0 ? ` (${limits.join(', ')})` : ''}`;
    }
    case 'shift-traffic':
      return `shift ${action.params.weight}% to ${action.params.to}`;
    case 'rollback':
      return `rollback${describeDeploymentOptions(action.params)}`;
    case 'retrain':
      return `retrain ${action.params.pipeline}`;
    case 'redeploy':
      return `redeploy${describeDeploymentOptions(action.params)}`;
  }
}

/** ` (wait 10m, rollback on a|b)`: the deployment options a rollback or redeploy row sets. */
function describeDeploymentOptions(params: DeploymentOptions): string {
  const parts: string[] = [];
  if (params.wait !== undefined) parts.push(`wait ${formatDuration(params.wait)}`);
  if (params.rollbackAlarms) parts.push(`rollback on ${params.rollbackAlarms.join('|')}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
