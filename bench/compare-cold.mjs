// Cold init of the same function built from several trees, interleaved run by run, next to the
// reference: how a proposed change is measured before anyone edits shared/ (docs/performance.md).
//
//   cp -r . /tmp/try-split && (edit /tmp/try-split) && ln -s "$PWD/node_modules" /tmp/try-split/
//   node bench/compare-cold.mjs --runs 15 --function alarm . /tmp/try-split
//
// Each tree is bundled with its own serverless.yml options; anything named runbook*.yml|json at
// its root is packaged next to the bundle. --memory leaves MEDIC_TABLE unset (no DynamoDB);
// --esbuild '{"splitting":true}' adds esbuild options to every tree's build.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { coldStart, eventFile, lambdaEnv } from './cold-init.mjs';
import { BENCH_DIR, fmt, summarize } from './lib/common.mjs';
import { bundleForDeploy, readDeployConfig } from './lib/deploy-bundle.mjs';
import { startBenchAws } from './lib/emulator.mjs';

const EVENTS = { alarm: '01-', monitoring: '20-', 'endpoint-state': '34-' };

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '15' },
    function: { type: 'string', default: 'alarm' },
    memory: { type: 'boolean', default: false },
    esbuild: { type: 'string', default: '{}' },
  },
});
const fn = values.function;
if (!EVENTS[fn] || positionals.length === 0) {
  console.error(
    'usage: node bench/compare-cold.mjs [--runs N] [--function alarm|monitoring|endpoint-state] [--memory] [--esbuild JSON] TREE...',
  );
  process.exit(2);
}
const runs = Number(values.runs);
const deploy = readDeployConfig();
const overrides = JSON.parse(values.esbuild);

const reference = await bundleForDeploy('bench/cold-init/reference-handler.mjs', 'compare-reference', deploy);
const trees = [];
for (const [i, tree] of positionals.entries()) {
  const root = resolve(tree);
  const bundle = await bundleForDeploy(`functions/${fn}.ts`, `compare-${i}-${fn}`, readDeployConfig(root), overrides, root);
  trees.push({ label: `${i}: ${tree}`, bundle });
  console.log(`${i}: ${tree}: ${fmt.kb(bundle.codeBytes)} in ${bundle.files} file(s), entry ${fmt.kb(bundle.entryBytes)}`);
}

const fake = await startBenchAws();
if (!fake) process.exit(2);
const dynamo = !values.memory;
const child = join(BENCH_DIR, 'cold-init', 'child.mjs');
const variants = [
  { label: 'reference', dir: reference.outdir, file: reference.outfile, event: eventFile('01-'), table: false },
  ...trees.map((t) => ({
    label: t.label,
    dir: t.bundle.outdir,
    file: t.bundle.outfile,
    event: eventFile(EVENTS[fn]),
    table: dynamo,
  })),
];
const samples = new Map(variants.map((v) => [v.label, []]));
let tables = 0;
for (let round = -1; round < runs; round++) {
  for (let k = 0; k < variants.length; k++) {
    const v = variants[(k + Math.max(round, 0)) % variants.length];
    const env = lambdaEnv(deploy, fn, v.dir, fake.url);
    if (v.table) {
      env.MEDIC_TABLE = `compare-${tables++}`;
      await fake.createTable(env.MEDIC_TABLE);
    }
    // Each run starts from the recorded world, so the alarm event scales every time.
    if (v.table !== undefined && v.label !== 'reference') await fake.restoreScalableTargets();
    const result = await coldStart([child, v.file, v.event], env, v.dir);
    if (!result.inside?.ok) {
      console.error(`${v.label}: the event was not served: ${JSON.stringify(result.inside ?? result.stderr).slice(0, 300)}`);
      continue;
    }
    if (round >= 0) samples.get(v.label).push(result);
  }
}
await fake.close();

const ref = summarize(samples.get('reference').map((r) => r.wallMs)).p50;
console.log(`\n${runs} interleaved runs, ${fn}, ${dynamo ? 'DynamoDB on moto' : 'memory store'}`);
for (const v of variants) {
  const s = samples.get(v.label);
  const wall = summarize(s.map((r) => r.wallMs));
  const imported = summarize(s.map((r) => r.inside.importMs));
  const first = summarize(s.map((r) => r.inside.firstEventMs));
  console.log(
    `${v.label.padEnd(32)} p50 ${fmt.ms(wall.p50).padStart(9)}  p90 ${fmt.ms(wall.p90).padStart(9)}  import ${fmt.ms(imported.p50).padStart(9)}  first event ${fmt.ms(first.p50).padStart(9)}  ${fmt.ratio(wall.p50 / ref)}`,
  );
}
