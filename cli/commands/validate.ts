/**
 * medic validate [RUNBOOK] [--strict]: exit 0 valid, 2 invalid with every error on stderr.
 * A valid runbook is also linted: findings are warnings on stderr (file:line:col), exit 0,
 * unless --strict, which makes any warning exit 2 like an error. RUNBOOK may be a compiled
 * runbook too (`medic compile`): then its references are resolved as the function would.
 *
 * A YAML runbook is checked as `medic compile` checks it, by the same code: what the functions
 * load is the compiled runbook, so a runbook compile refuses (an `${env:…}` reference in a
 * duration, say) is not valid, or a CI gate on `validate --strict` passes and the deploy fails.
 */
import { resolve } from 'node:path';
import { looksLikeRunbookJson } from '../../shared/runbook/json-format.js';
import { compileRunbookJson } from '../../shared/runbook/json-write.js';
import { formatLintFinding, type LintSource, lintRunbook } from '../../shared/runbook/lint.js';
import { openRunbook, readRunbookFile } from '../../shared/runbook/open.js';
import type { Runbook } from '../../shared/runbook/types.js';
import { type Io, type Paint, paint } from '../io.js';
import { plural } from '../plural.js';
import { runbookSource } from '../runbook-source.js';
import { DEFAULT_RUNBOOK, runbookPath } from '../setup.js';

export async function validateCommand(options: { runbook?: string; strict?: boolean }, io: Io): Promise<number> {
  const path = options.runbook ?? DEFAULT_RUNBOOK;
  const text = readRunbookFile(runbookPath(options.runbook, io), path);
  const format = looksLikeRunbookJson(text) ? 'compiled' : 'yaml';
  const runbook = format === 'yaml' ? compileRunbookJson(text, path, io.env).runbook : (await openRunbook(text, path, io.env)).runbook;
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
