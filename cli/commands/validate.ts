/**
 * medic validate [RUNBOOK] [--strict]: exit 0 valid, 2 invalid with every error on stderr.
 * A valid runbook is also linted: findings are warnings on stderr (file:line:col), exit 0,
 * unless --strict, which makes any warning exit 2 like an error.
 */
import { resolve } from 'node:path';
import { formatLintFinding, lintRunbook } from '../../shared/runbook/index.js';
import { type Io, paint } from '../io.js';
import { plural } from '../plural.js';
import { runbookSource } from '../runbook-source.js';
import { DEFAULT_RUNBOOK, loadCompiledRunbook } from '../setup.js';

export async function validateCommand(options: { runbook?: string; strict?: boolean }, io: Io): Promise<number> {
  const path = options.runbook ?? DEFAULT_RUNBOOK;
  const { runbook } = loadCompiledRunbook(options.runbook, io);
  const findings = lintRunbook(runbook, runbookSource(resolve(io.cwd, path)));
  const p = paint(io.color);
  for (const finding of findings) io.err(formatLintFinding(path, finding));
  io.out(
    `${p.green('✓')} ${path}: valid — ${plural(runbook.rules.length, 'rule')}, ${plural(Object.keys(runbook.topics).length, 'topic')}, ${plural(Object.keys(runbook.pipelines).length, 'pipeline')}, default mode ${runbook.defaults.mode}`,
  );
  if (findings.length === 0) return 0;
  const n = plural(findings.length, 'lint warning');
  if (options.strict) {
    io.out(`${p.red('✗')} ${n}: --strict treats them as errors (exit 2)`);
    return 2;
  }
  io.out(`${p.yellow('!')} ${n} (exit 0; --strict makes them errors)`);
  return 0;
}
