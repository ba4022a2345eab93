/** The human-readable backtest report: what the runbook would have done, per rule and endpoint. */
import type { BacktestSummary, SuppressionCounts } from '../../shared/backtest/index.js';
import { inFile } from '../../shared/json-text.js';
import type { Paint } from '../io.js';
import { plural } from '../plural.js';
import { renderTable } from '../table.js';

/** The text report lists this many thrash findings; --json lists more. */
const THRASH_SHOWN = 10;

export interface RenderContext {
  runbook: string;
  awsState: string;
  width?: number;
}

export function renderBacktest(summary: BacktestSummary, ctx: RenderContext, p: Paint): string[] {
  const lines: string[] = [];
  const span = summary.from && summary.to ? `, ${summary.from} → ${summary.to}` : '';
  lines.push(p.bold(`Backtest of ${plural(summary.events, 'event')}${span}`));
  lines.push(`  runbook ${ctx.runbook}, recorded AWS state ${ctx.awsState}, virtual clock`);
  lines.push(
    p.dim(
      '  Nothing was written to AWS: "executed" counts the actions that would have run (planned).\n' +
        '  AWS reads come from the recorded state, which does not change as actions "run".',
    ),
  );
  const outcome = [
    `${summary.matchedEvents} matched a rule`,
    `${summary.ignored} ignored`,
    `${summary.recorded} recorded an endpoint state change`,
    summary.rejected ? p.red(`${summary.rejected} rejected`) : '0 rejected',
  ];
  if (summary.operator) outcome.push(`${plural(summary.operator, 'operator event')} applied`);
  if (summary.errors) outcome.push(p.red(`${summary.errors} could not be finished`));
  lines.push('', `Events: ${outcome.join(', ')}`);

  lines.push('', p.bold('Rules'), p.dim('  matched counts events; executed, suppressed, skipped and failed count actions'));
  const ruleRows = Object.entries(summary.rules).map(([id, r]) => [
    id,
    String(r.matched),
    String(r.executed),
    String(r.suppressed),
    describeCauses(r.suppressedBy),
    String(r.skipped),
    String(r.failed),
  ]);
  lines.push(
    ...renderTable(
      [
        { header: 'rule' },
        { header: 'matched', align: 'right' },
        { header: 'executed', align: 'right' },
        { header: 'suppressed', align: 'right' },
        { header: 'by', wrap: true, min: 10 },
        { header: 'skipped', align: 'right' },
        { header: 'failed', align: 'right' },
      ],
      ruleRows,
      tableOptions(ctx),
    ),
  );
  const skipLines = Object.entries(summary.rules).flatMap(([id, r]) =>
    r.skippedReasons.slice(0, 3).map((s) => `  ${id}: ${s.count}× ${s.reason}`),
  );
  if (skipLines.length > 0) lines.push('', 'Top skip reasons:', ...skipLines);
  lines.push(
    '',
    summary.neverMatched.length > 0
      ? `${p.yellow('Never matched')} (${summary.neverMatched.length}): ${summary.neverMatched.join(', ')}`
      : 'Every rule matched at least one event.',
  );

  lines.push('', ...renderLadders(summary, p));
  // Only runbooks that ask for approvals get the section: the others' reports stay as they were.
  if (summary.approvals.asked > 0) lines.push('', ...renderApprovals(summary, p));

  lines.push('', p.bold('Endpoints'));
  const endpointRows: string[][] = [];
  for (const [endpoint, perType] of Object.entries(summary.endpoints)) {
    Object.entries(perType).forEach(([type, c], i) => {
      endpointRows.push([
        i === 0 ? endpoint : '',
        type,
        String(c.executed),
        String(c.suppressed),
        describeCauses(c.suppressedBy),
        String(c.skipped),
        String(c.failed),
      ]);
    });
  }
  if (endpointRows.length === 0) lines.push('  no action was planned on any endpoint');
  else {
    lines.push(
      ...renderTable(
        [
          { header: 'endpoint' },
          { header: 'action' },
          { header: 'executed', align: 'right' },
          { header: 'suppressed', align: 'right' },
          { header: 'by', wrap: true, min: 10 },
          { header: 'skipped', align: 'right' },
          { header: 'failed', align: 'right' },
        ],
        endpointRows,
        tableOptions(ctx),
      ),
    );
  }

  lines.push('');
  if (summary.thrashTotal === 0) lines.push('Thrash: none (no change was reversed on an endpoint within an hour)');
  else {
    lines.push(p.yellow(`Thrash: ${plural(summary.thrashTotal, 'reversal')} within an hour`));
    for (const t of summary.thrash.slice(0, THRASH_SHOWN)) {
      lines.push(
        `  ${t.endpoint}: ${t.first.change} (${t.first.rule}, ${t.first.time}, ${t.first.event})`,
        `    then ${t.second.change} (${t.second.rule}, ${t.second.time}, ${t.second.event}), ${t.minutesApart} min later`,
      );
    }
    const shown = Math.min(summary.thrash.length, THRASH_SHOWN);
    if (summary.thrashTotal > shown)
      lines.push(`  ... and ${summary.thrashTotal - shown} more (--json lists the first ${summary.thrash.length})`);
  }

  if (summary.ignoredReasons.length > 0) {
    lines.push('', `Ignored (${summary.ignored}), top reasons:`, ...summary.ignoredReasons.map((r) => `  ${r.count}× ${r.reason}`));
  }
  if (summary.rejected > 0) {
    lines.push(
      '',
      p.red(`Rejected (${summary.rejected}, bad input):`),
      ...summary.rejectedEvents.map((r) => `  ${inFile(r.event, r.error)}`),
    );
    if (summary.rejected > summary.rejectedEvents.length) lines.push(`  ... and ${summary.rejected - summary.rejectedEvents.length} more`);
  }
  return lines.flatMap((l) => l.split('\n'));
}

/** Escalation ladders: how many started and how they ended, and the steps each rule ran. */
function renderLadders(summary: BacktestSummary, p: Paint): string[] {
  const l = summary.ladders;
  if (l.started === 0 && l.checks === 0) return ['Ladders: none started'];
  const ends = [`${l.resolved} resolved`, l.exhausted ? p.yellow(`${l.exhausted} exhausted`) : '0 exhausted'];
  if (l.cancelled) ends.push(`${l.cancelled} cancelled`);
  if (l.gaveUp) ends.push(p.yellow(`${plural(l.gaveUp, 'step')} given up (endpoint busy)`));
  if (l.open) ends.push(`${l.open} still open`);
  const lines = [
    `${p.bold('Ladders')}: ${l.started} started, ${ends.join(', ')}; ${plural(l.steps, 'step')} ran in ${plural(l.checks, 'check')}`,
  ];
  for (const [id, r] of Object.entries(summary.rules)) {
    if (r.escalated > 0) lines.push(`  ${id}: ${plural(r.escalated, 'escalation step')}`);
  }
  if (l.exhausted > 0)
    lines.push(p.dim('  exhausted: the last step came and the alarm stayed in ALARM ("remediation did not clear" sent once each)'));
  return lines;
}

/** Approvals: how many were asked and how they ended, then each one's story in time order. */
function renderApprovals(summary: BacktestSummary, p: Paint): string[] {
  const a = summary.approvals;
  const ends = [`${a.granted} granted`, `${a.rejected} rejected`, a.expired ? p.yellow(`${a.expired} expired`) : '0 expired'];
  if (a.pending) ends.push(`${a.pending} still pending`);
  const held = a.held ? `; ${plural(a.held, 'grant')} held by a guard first` : '';
  const lines = [`${p.bold('Approvals')}: ${a.asked} asked, ${ends.join(', ')}${held}`];
  for (const story of a.listed) {
    lines.push(`  ${story.approval}  ${story.action} of ${story.rule}${story.endpoint ? ` on ${story.endpoint}` : ''}`);
    for (const event of story.events) lines.push(`    ${event}`);
  }
  if (a.asked > a.listed.length) lines.push(p.dim(`  ... and ${a.asked - a.listed.length} more (counted above)`));
  return lines;
}

function tableOptions(ctx: RenderContext): { indent: string; width?: number } {
  return ctx.width === undefined ? { indent: '  ' } : { indent: '  ', width: ctx.width };
}

function describeCauses(counts: SuppressionCounts): string {
  return Object.entries(counts)
    .sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))
    .map(([cause, n]) => `${cause} ${n}`)
    .join(', ');
}
