/** medic validate [RUNBOOK]: exit 0 valid, 2 invalid with every error on stderr. */
import { type Io, paint } from '../io.js';
import { DEFAULT_RUNBOOK, loadCompiledRunbook } from '../setup.js';

export async function validateCommand(options: { runbook?: string }, io: Io): Promise<number> {
  const path = options.runbook ?? DEFAULT_RUNBOOK;
  const { runbook } = loadCompiledRunbook(path, io);
  const p = paint(io.color);
  io.out(
    `${p.green('✓')} ${path}: valid — ${runbook.rules.length} rules, ${Object.keys(runbook.topics).length} topics, ${Object.keys(runbook.pipelines).length} pipelines, default mode ${runbook.defaults.mode}`,
  );
  return 0;
}
