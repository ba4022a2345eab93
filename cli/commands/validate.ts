/**
 * medic validate [RUNBOOK] [--strict]: exit 0 valid, 2 invalid with every error on stderr.
 * A valid runbook is also linted: findings are warnings on stderr (file:line:col), exit 0,
 * unless --strict, which makes any warning exit 2 like an error. RUNBOOK may be a compiled
 * runbook too (`medic compile`): then its references are resolved as the function would.
 */
import { resolve } from 'node:path';
import { formatLintFinding, type LintSource, lintRunbook } from '../../shared/runbook/lint.js';
import type { Runbook } from '../../shared/runbook/types.js';
import { type Io, type Paint, paint } from '../io.js';
import { plural } from '../plural.js';
import { runbookSource } from '../runbook-source.js';
import { DEFAULT_RUNBOOK, openCliRunbook } from '../setup.js';

export async function validateCommand(options: { runbook?: string; strict?: boolean }, io: Io): Promise<number> {
  const path = options.runbook ?? DEFAULT_RUNBOOK;
  const { runbook, format } = await openCliRunbook(options.runbook, io);
  const p = paint(io.color);
  // Positions for lint come from the YAML; a compiled runbook has its rules' lines only.
  const findings = lintToStderr(path, runbook, format === 'yaml' ? runbookSource(resolve(io.cwd, path)) : undefined, io);
  io.out(describeValid(path, runbook, p));
  return finishLint(findings, options.strict === true, io.out, p);
}

/** `✓ runbook.yml: valid — 14 rules, 2 topics, 3 pipelines, default mode live` */
export function describeValid(path: string, runbook: Runbook, p: Paint): string {
  return `${p.green('✓')} ${path}: valid — ${plural(runbook.rules.length, 'rule')}, ${plural(Object.keys(runbook.topics).length, 'topic')}, ${plural(Object.keys(runbook.pipelines).length, 'pipeline')}, default mode ${runbook.defaults.mode}`;
}

/** Lints a loaded runbook: each finding to stderr; how many there were. */
export function lintToStderr(path: string, runbook: Runbook, source: LintSource | undefined, io: Io): number {
  const findings = lintRunbook(runbook, source);
  for (const finding of findings) io.err(formatLintFinding(path, finding));
  return findings.length;
}

/** The closing line about lint warnings, to `say`, and the exit code they make (2 with --strict). */
export function finishLint(findings: number, strict: boolean, say: (line: string) => void, p: Paint): number {
  if (findings === 0) return 0;
  const n = plural(findings, 'lint warning');
  if (strict) {
    say(`${p.red('✗')} ${n}: --strict treats them as errors (exit 2)`);
    return 2;
  }
  say(`${p.yellow('!')} ${n} (exit 0; --strict makes them errors)`);
  return 0;
}
