import { describe, expect, it } from 'vitest';
import { wrapText } from '../../cli/table.js';
import { runCli } from '../support/cli.js';

describe('medic runbook', () => {
  it('one row per rule, in evaluation order, with when, then, cooldown and mode', async () => {
    const { code, stdout } = await runCli(['runbook']);
    expect(code).toBe(0);
    expect(stdout[3]).toMatch(/^id\s+when\s+then\s+cooldown\s+mode$/);
    const row = stdout.find((l) => l.startsWith('latency-scale-out '))?.replace(/\s+/g, ' ');
    expect(row).toBe(
      'latency-scale-out kind=alarm state=ALARM metric=ModelLatency|OverheadLatency|CPUUtilization|GPUUtilization|MemoryUtilization|GPUMemoryUtilization breach=above endpoint=*-prod scale +1 (max 6) → notify ops (high) 10m live',
    );
  });

  for (const columns of [60, 80, 120, 200]) {
    it(`on a terminal of ${columns} columns no line is wider (except what cannot wrap)`, async () => {
      const { stdout } = await runCli(['runbook'], { columns });
      const table = stdout.slice(3, stdout.indexOf(''));
      for (const line of table) expect(line.length, line).toBeLessThanOrEqual(columns);
    });
  }

  it('--width overrides the terminal; nonsense is a usage error', async () => {
    const wide = await runCli(['runbook', '--width', '100'], { columns: 60 });
    expect(Math.max(...wide.stdout.slice(3, 20).map((l) => l.length))).toBeGreaterThan(60);
    const bad = await runCli(['runbook', '--width', 'ten']);
    expect(bad.code).toBe(2);
    expect(bad.stderr[0]).toMatch(/--width must be a whole number of columns/);
  });

  it('wraps at spaces, then after | or , and cuts only what it must', () => {
    expect(wrapText('kind=alarm metric=ModelLatency|CPUUtilization|GPUUtilization', 22)).toEqual([
      'kind=alarm',
      'metric=ModelLatency|',
      'CPUUtilization|',
      'GPUUtilization',
    ]);
    expect(wrapText('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
  });
});
