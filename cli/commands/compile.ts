/**
 * medic compile [RUNBOOK] [--out F] [--put-parameter NAME] [--strict]: validates and lints a
 * runbook exactly as `medic validate` does, then writes it compiled (docs/runbook.md#compiled-runbooks):
 * the JSON the functions load with no YAML parser and no schema, named by the content hash of
 * the YAML. `osls package` runs it to build what the functions ship; `--put-parameter` is the
 * one command that validates, compiles and puts a runbook into the stack's SSM parameter.
 *
 * Nothing is written when the runbook is invalid (or, with --strict, when lint warns). Exit 0,
 * 1 AWS refused the put, 2 invalid runbook or usage.
 */
import { resolve } from 'node:path';
import { MedicError } from '../../shared/errors.js';
import { looksLikeRunbookJson } from '../../shared/runbook/json-format.js';
import { compileRunbookJson } from '../../shared/runbook/json-write.js';
import { readRunbookFile } from '../../shared/runbook/open.js';
import { type Io, paint } from '../io.js';
import { outputPath, writeOutputFile } from '../output-file.js';
import { runbookSource } from '../runbook-source.js';
import { DEFAULT_RUNBOOK, runbookPath } from '../setup.js';
import { UsageError } from '../usage-error.js';
import { describeValid, finishLint, lintToStderr } from './validate.js';

/** The largest value an SSM parameter holds (Advanced tier; Standard holds 4 KB). */
export const SSM_PARAMETER_MAX_BYTES = 8192;

export interface CompileOptions {
  runbook?: string;
  out?: string;
  putParameter?: string;
  strict?: boolean;
}

export async function compileCommand(options: CompileOptions, io: Io): Promise<number> {
  const path = options.runbook ?? DEFAULT_RUNBOOK;
  const parameter = options.putParameter;
  if (parameter !== undefined && !parameter.startsWith('/')) {
    throw new UsageError(
      `--put-parameter takes the parameter's full name, starting with "/" like the stack's runbookParameter (e.g. /model-medic/prod/runbook), got "${parameter}"`,
      'compile',
    );
  }
  // JSON on stdout unless it goes to a file or to SSM; then what medic says goes to stderr.
  const toStdout = options.out === '-' || (options.out === undefined && parameter === undefined);
  const outFile = options.out !== undefined && options.out !== '-' ? outputPath('out', options.out, io.cwd) : undefined;
  const say = toStdout ? io.err : io.out;
  const p = paint(io.color && !toStdout);

  const file = runbookPath(options.runbook, io);
  const text = readRunbookFile(file, path);
  if (looksLikeRunbookJson(text)) {
    throw new UsageError(`${path} is already a compiled runbook: compile the YAML it was compiled from`, 'compile');
  }
  const compiled = compileRunbookJson(text, path, io.env);
  const findings = lintToStderr(path, compiled.runbook, runbookSource(resolve(io.cwd, path)), io);
  if (options.strict && findings > 0) return finishLint(findings, true, say, p);
  say(describeValid(path, compiled.runbook, p));

  const bytes = Buffer.byteLength(compiled.text);
  if (parameter !== undefined && bytes > SSM_PARAMETER_MAX_BYTES) {
    throw new MedicError(
      'usage',
      `the compiled runbook is ${bytes} bytes and an SSM parameter holds at most ${SSM_PARAMETER_MAX_BYTES}: shorten it (descriptions are the usual bulk), or ship it in the package (osls package) and unset runbookParameter`,
    );
  }
  if (toStdout) io.out(compiled.text.trimEnd());
  if (outFile !== undefined && options.out !== undefined) writeOutputFile('out', options.out, outFile, compiled.text);
  const where = toStdout ? 'to stdout' : outFile !== undefined ? `to ${options.out}` : '';
  say(`${p.green('✓')} compiled: runbook ${compiled.json.identity.hash}, ${bytes} bytes${where ? ` ${where}` : ''}`);
  if (compiled.json.env.length > 0) say(`  resolved by the function at load: ${compiled.json.env.map((r) => r.field).join(', ')}`);

  if (parameter !== undefined) {
    const version = await putParameter(parameter, compiled.text, io);
    say(`${p.green('✓')} put as version ${version} of ${parameter}: in force in each function within runbookTtlSeconds`);
  }
  return finishLint(findings, false, say, p);
}

/**
 * A new version of the parameter. Intelligent-Tiering: Standard while the runbook fits in 4 KB,
 * Advanced (up to 8 KB) when it does not, and never a downgrade SSM would refuse.
 */
async function putParameter(name: string, value: string, io: Io): Promise<number | string> {
  // Loaded only here: the other commands of a CLI run never call SSM.
  const { createAwsSend } = await import('../../shared/aws/sdk.js');
  try {
    const out = (await createAwsSend(io.env)('ssm', 'PutParameter', {
      Name: name,
      Value: value,
      Type: 'String',
      Overwrite: true,
      Tier: 'Intelligent-Tiering',
    })) as { Version?: number };
    return out.Version ?? '(unknown)';
  } catch (error) {
    // The shared message blames the function's role; here it is the operator's own identity.
    if (error instanceof MedicError && error.kind === 'aws-denied') {
      const said = (error.cause as { message?: string } | undefined)?.message?.split('\n')[0] ?? 'access denied';
      throw new MedicError(
        'aws-denied',
        `SSM refused to put ${name}: ${said}. Your AWS identity needs ssm:PutParameter on the parameter (docs/deploy.md, "Changing the runbook live"); nothing was put`,
        { cause: error },
      );
    }
    throw error;
  }
}
