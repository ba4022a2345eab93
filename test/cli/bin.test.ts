/** The real command, as a user runs it: a fresh Node process, no test harness in between. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltCli, runBuiltCliClosingStdout } from '../support/built-cli.js';
import { ROOT } from '../support/samples.js';

const medic = (...args: string[]) => runBuiltCli(args);
const STACK_TRACE = /\n\s+at |EPIPE|Unhandled/;

describe('bin/medic.js', () => {
  it('replays the sample folder with exit 0 and a summary', () => {
    const { code, stdout, stderr } = medic('replay', 'events/');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/\d+ events, \d+ matched a rule/);
    expect(stdout).toMatch(/nothing was written to AWS/);
  });

  it('rejects malformed events with exit 2 and no stack trace', () => {
    const { code, stderr } = medic('replay', 'events/invalid/');
    expect(code).toBe(2);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr.trim().split('\n').length).toBeGreaterThanOrEqual(8);
  });

  it('the shipped runbook.yml validates cleanly: no error, no lint warning (a property of the product)', () => {
    for (const argv of [['validate'], ['validate', 'runbook.yml', '--strict']]) {
      const { code, stdout, stderr } = runBuiltCli(argv, { shippedRunbook: true });
      expect(code, argv.join(' ')).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toMatch(/^✓ runbook\.yml: valid — \d+ rules/);
    }
  });

  it('prints help with exit 0 on --help and exit 2 with no command', () => {
    expect(medic('--help').code).toBe(0);
    expect(medic().code).toBe(2);
  });
});

describe('a closed stdout pipe (`medic ... | head -1`)', () => {
  // Eight copies of the folder: far more output than a pipe buffers, so the writes after the
  // first line really meet a closed pipe.
  const many = Array<string>(8).fill('events/');

  it.each([[['replay', ...many]], [['replay', ...many, '--json']]])('%j: the first line, then a quiet end with exit 0', async (argv) => {
    const { code, firstLine, stderr } = await runBuiltCliClosingStdout(argv, 'first-line');
    expect(firstLine).toMatch(/events\/01-alarm-latency-churn-prod\.json/);
    expect(stderr).not.toMatch(STACK_TRACE);
    expect(code).toBe(0);
  });

  it.each([[['backtest', 'events/']], [['backtest', 'events/', '--json']], [['runbook']], [['replay', 'events/']]])(
    '%j: nothing read at all (`| true`), still no stack trace',
    async (argv) => {
      const { code, stderr } = await runBuiltCliClosingStdout(argv, 'start');
      expect(stderr).not.toMatch(STACK_TRACE);
      expect(code).toBe(0);
    },
  );
});

describe('help, --version and usage errors', () => {
  it('medic --help is the overview; medic COMMAND --help is that command alone, short, with an example', () => {
    const overview = medic('--help');
    expect(overview.code).toBe(0);
    expect(overview.stdout).toMatch(/medic validate .*\n[\s\S]*medic history/);
    for (const command of ['validate', 'compile', 'explain', 'replay', 'backtest', 'runbook', 'capture', 'generate-event', 'history']) {
      const { code, stdout, stderr } = medic(command, '--help');
      expect(code, command).toBe(0);
      expect(stderr).toBe('');
      expect(stdout.startsWith(`Usage: medic ${command}`), command).toBe(true);
      expect(stdout, command).toMatch(/\nExample: .*medic /);
      expect(stdout.trim().split('\n').length, command).toBeLessThanOrEqual(20);
      expect(medic('help', command).stdout).toBe(stdout);
    }
  });

  it.each(['validate', 'explain', 'replay', 'backtest', 'runbook', 'generate-event'])(
    'the example in `medic %s --help` runs (exit 0)',
    (command) => {
      const example = /\nExample: medic (.*)\n/.exec(medic(command, '--help').stdout)?.[1];
      expect(example, command).toBeDefined();
      const { code, stderr } = medic(...(example ?? '').split(' '));
      expect(stderr).not.toMatch(STACK_TRACE);
      expect(code, example).toBe(0);
    },
  );

  it('--version prints the package.json version', () => {
    const { code, stdout } = medic('--version');
    expect(code).toBe(0);
    expect(stdout).toBe(`medic (model-medic) ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  it.each([
    [['valdiate'], 'unknown command "valdiate": did you mean "validate"?', 'medic --help'],
    [['rplay', 'events/'], 'unknown command "rplay": did you mean "replay"?', 'medic --help'],
    [['validate', '--strcit'], 'unknown option --strcit for validate: did you mean --strict?', 'medic validate --help'],
    [['replay', 'events/', '--jsno'], 'unknown option --jsno for replay: did you mean --json?', 'medic replay --help'],
    [['frobnicate'], 'unknown command "frobnicate"', 'medic --help'],
    [
      ['validate', 'test/fixtures/runbook.yml', '--runbook', 'runbook.yml'],
      'validate takes the runbook once: "test/fixtures/runbook.yml" or --runbook runbook.yml, not both',
      'medic validate --help',
    ],
    [['replay'], 'replay needs at least one event file or folder', 'medic replay --help'],
  ])('%j: exit 2 with one line and a pointer to the right help', (argv, message, help) => {
    const { code, stdout, stderr } = medic(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^medic: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(lines.slice(1)).toEqual([`Run \`${help}\` for usage.`]);
  });
});
