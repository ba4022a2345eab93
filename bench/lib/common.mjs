// Shared helpers for the benchmarks: paths, statistics, machine facts, and bundling the
// TypeScript sources on the fly (esbuild JS API, output in bench/.tmp/, which git ignores).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = resolve(BENCH_DIR, '..');
export const TMP = join(BENCH_DIR, '.tmp');

export function tmpPath(...parts) {
  const path = join(TMP, ...parts);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/**
 * Bundles a bench entry (a .mjs file in bench/ that imports ../shared/*.js, i.e. the .ts
 * sources) for in-process measurement. Dependencies stay external: they load from
 * node_modules as in any Node process; only our own code is bundled (not minified, so a
 * profile stays readable). Returns the imported module.
 */
export async function importBundled(entry, name) {
  const outfile = tmpPath('in-process', `${name}.mjs`);
  await build({
    entryPoints: [resolve(BENCH_DIR, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}

/** Sorted copy; percentiles by nearest rank. */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
  const sum = sorted.reduce((s, x) => s + x, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sum / sorted.length,
  };
}

export function machine() {
  const cpu = cpus();
  let model = cpu[0]?.model?.trim() || 'unknown';
  // Some virtual CPUs report only a vendor name in os.cpus(); /proc/cpuinfo may say more.
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const name = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim();
    if (name && name.length > model.length) model = name;
  } catch {
    // not Linux: os.cpus() is what we have
  }
  return {
    cpu: model,
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/**
 * A fixed JavaScript workload (seeded numbers sorted, objects through JSON and a Map), fastest of
 * five, in ms. The machine is a VM whose host load is invisible to the load average: comparing
 * this figure between runs tells whether the CPU itself was slower.
 */
export function calibrate() {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    let seed = 42;
    const numbers = Array.from({ length: 100_000 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed;
    });
    numbers.sort((a, b) => a - b);
    const map = new Map();
    for (let i = 0; i < 20_000; i++) {
      const record = JSON.parse(JSON.stringify({ id: `event-${i}`, at: numbers[i], tags: ['a', 'b', String(i % 7)] }));
      map.set(record.id, record);
    }
    if (map.size !== 20_000) throw new Error('calibration');
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export function writeJson(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** A benchmark script run on its own writes its result where bench/run.mjs tells it (argv[2]). */
export async function runAsScript(metaUrl, run) {
  if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(metaUrl)) {
    const result = await run();
    if (process.argv[2]) writeJson(process.argv[2], result);
    else console.log(JSON.stringify(result, null, 2));
  }
}

const finite = (format) => (value) => (typeof value === 'number' && Number.isFinite(value) ? format(value) : 'n/a');

export const fmt = {
  kb: finite((bytes) => `${(bytes / 1024).toFixed(1)} KB`),
  mb: finite((kb) => `${(kb / 1024).toFixed(1)} MB`),
  ms: finite((ms) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`),
  us: finite((us) => `${us.toFixed(us < 10 ? 2 : 1)} µs`),
  int: finite((n) => Math.round(n).toLocaleString('en-US')),
  ratio: finite((r) => `${r.toFixed(2)}×`),
};
