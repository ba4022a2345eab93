// Benchmark 2: cold init. A fresh Node process imports a deployed bundle and serves its first
// event, with every AWS call answered by moto over HTTP (no network), next to the same
// measure for a minimal reference handler (one file, SNS Publish only, same bundle options)
// and next to `node -e 0`. The process environment is the deployed one (serverless.yml's
// provider.environment, including NODE_OPTIONS); AWS, DynamoDB included, is moto behind the stand-in.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, ROOT, runAsScript, summarize, TMP } from './lib/common.mjs';
import { bundleForDeploy, readDeployConfig } from './lib/deploy-bundle.mjs';
import { countCalls, startBenchAws } from './lib/emulator.mjs';
import { roundTripsByService } from './lib/round-trips.mjs';

export const COLD_INIT_BUDGET_RATIO = 1.5;
/** Issue 14: sequential DynamoDB round trips for one alarm that scales and notifies (event 01). */
export const ROUND_TRIP_BUDGET = 4;
const RUNS = Math.max(1, Number(process.env.BENCH_COLD_RUNS ?? 21));
/** No new round starts after this many seconds (a busy machine): fewer runs rather than no result. */
const SOFT_LIMIT_S = Number(process.env.BENCH_COLD_SECONDS ?? 105);
// For experiments (docs/performance.md): only some variants, and esbuild options to try on the functions.
const ONLY = process.env.BENCH_COLD_ONLY ? new Set(process.env.BENCH_COLD_ONLY.split(',')) : undefined;
const OVERRIDES = process.env.BENCH_ESBUILD ? JSON.parse(process.env.BENCH_ESBUILD) : {};

export function eventFile(prefix) {
  const name = readdirSync(join(ROOT, 'events')).find((f) => f.startsWith(prefix) && f.endsWith('.json'));
  if (!name) throw new Error(`no events/${prefix}*.json`);
  return join(ROOT, 'events', name);
}

const FUNCTIONS = [
  { name: 'alarm', event: '01-' },
  { name: 'monitoring', event: '20-' },
  { name: 'endpoint-state', event: '34-' },
];

/** The deployed environment, with the stack's references replaced by local stand-ins. */
export function lambdaEnv(deploy, fn, taskRoot, fakeUrl, table) {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(TMP, 'home'),
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench/bench/bench/bench/bench/bench/bench0',
    AWS_SESSION_TOKEN: 'bench',
    AWS_ENDPOINT_URL: fakeUrl,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_LAMBDA_FUNCTION_NAME: `model-medic-bench-${fn}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
    LAMBDA_TASK_ROOT: taskRoot,
  };
  // Literal values from serverless.yml (POWERTOOLS_*, NODE_OPTIONS, MEDIC_RUNBOOK_FILE, ...).
  for (const [key, value] of Object.entries(deploy.environment)) {
    if (typeof value === 'string' && !value.includes('${')) env[key] = value;
  }
  Object.assign(env, {
    MEDIC_RUNBOOK_FILE: env.MEDIC_RUNBOOK_FILE ?? 'runbook.yml',
    MEDIC_RUNBOOK_TTL_SECONDS: '60',
    MEDIC_WRITES: 'on',
    MEDIC_ALLOWED_ACCOUNTS: '111122223333',
    MEDIC_ALLOWED_REGIONS: 'us-east-1',
    MEDIC_OPS_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:model-medic-ops',
    OPS_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:model-medic-ops',
    ML_TEAM_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:model-medic-ml-team',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  if (table) env.MEDIC_TABLE = table;
  env.NODE_OPTIONS = deploy.nodeOptions ?? '';
  return env;
}

/** Spawns one process; resolves with the wall time from spawn to the first event served. */
export function coldStart(args, env, cwd) {
  return new Promise((resolveRun) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let served;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (served === undefined && stdout.includes('@@bench ')) {
        const line = stdout.slice(stdout.indexOf('@@bench ')).split('\n')[0];
        if (line.length > 8 && stdout.slice(stdout.indexOf('@@bench ')).includes('\n')) {
          served = { wallMs: Number(process.hrtime.bigint() - started) / 1e6, inside: JSON.parse(line.slice(8)) };
        }
      }
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('exit', (code) => {
      const exitMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolveRun(
        served ? { ...served, exitMs, code } : { wallMs: exitMs, exitMs, code, stderr: stderr.slice(-2000), stdout: stdout.slice(-2000) },
      );
    });
  });
}

/** The alarm on the in-memory store: no DynamoDB request, everything else as deployed. */
const NO_DYNAMODB = 'alarm (no DynamoDB: MemoryStateStore)';

export async function run() {
  const deploy = readDeployConfig();
  mkdirSync(join(TMP, 'home'), { recursive: true });
  const child = join(BENCH_DIR, 'cold-init', 'child.mjs');

  const bundles = {};
  const buildErrors = {};
  for (const fn of FUNCTIONS) {
    try {
      bundles[fn.name] = await bundleForDeploy(`functions/${fn.name}.ts`, fn.name, deploy, OVERRIDES);
    } catch (error) {
      buildErrors[fn.name] = String(error?.message ?? error)
        .split('\n')
        .slice(0, 4)
        .join(' ');
    }
  }
  const reference = await bundleForDeploy('bench/cold-init/reference-handler.mjs', 'reference', deploy);

  // DynamoDB as deployed (MEDIC_TABLE set) when the DynamoDB store exists; otherwise memory.
  // BENCH_STATE_STORE=memory measures without DynamoDB (MEDIC_TABLE unset), e.g. to compare.
  const dynamoStore = process.env.BENCH_STATE_STORE !== 'memory' && existsSync(join(ROOT, 'shared', 'state', 'dynamodb.ts'));
  const fake = await startBenchAws();
  if (!fake) return { skipped: 'moto is not available' };
  let tables = 0;

  const variants = [{ id: 'node -e 0', args: ['-e', '0'], env: lambdaEnv(deploy, 'noop', TMP, fake.url), cwd: TMP }];
  variants.push({
    id: 'reference',
    args: [child, reference.outfile, eventFile('01-')],
    env: lambdaEnv(deploy, 'reference', reference.outdir, fake.url),
    cwd: reference.outdir,
  });
  for (const fn of FUNCTIONS) {
    const bundle = bundles[fn.name];
    if (!bundle) continue;
    variants.push({
      id: fn.name,
      fn: fn.name,
      args: [child, bundle.outfile, eventFile(fn.event)],
      env: lambdaEnv(deploy, fn.name, bundle.outdir, fake.url),
      cwd: bundle.outdir,
      needsTable: dynamoStore,
    });
  }
  // The alarm again without DynamoDB (MEDIC_TABLE unset: the in-memory store), reported beside the
  // budget: it splits the alarm's cold start into what DynamoDB's requests cost on this emulator and
  // what the code and the other AWS calls cost (docs/performance.md, "Issue 14: where it stands").
  const alarm = variants.find((v) => v.id === 'alarm');
  if (dynamoStore && alarm) {
    const { MEDIC_TABLE: _table, ...env } = alarm.env;
    variants.push({ ...alarm, id: NO_DYNAMODB, env, needsTable: false });
  }
  // BENCH_COLD_SOURCEMAPS=1: also the two that matter most without NODE_OPTIONS=--enable-source-maps.
  if (process.env.BENCH_COLD_SOURCEMAPS === '1' && deploy.nodeOptions.includes('source-maps')) {
    for (const id of ['reference', 'alarm']) {
      const base = variants.find((v) => v.id === id);
      if (base) variants.push({ ...base, id: `${id} (no --enable-source-maps)`, env: { ...base.env, NODE_OPTIONS: '' } });
    }
  }

  if (ONLY) variants.splice(0, variants.length, ...variants.filter((v) => ONLY.has(v.id)));
  const samples = new Map(variants.map((v) => [v.id, []]));
  const roundTrips = new Map(variants.map((v) => [v.id, []]));
  const firstRun = new Map();
  const failures = new Map();
  const started = performance.now();
  // One unmeasured round warms the file cache; then rounds, each variant once, order rotated.
  let rounds = 0;
  for (let round = -1; round < RUNS; round++) {
    if (round >= 0 && (performance.now() - started) / 1000 > SOFT_LIMIT_S) break;
    if (round >= 0) rounds++;
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(k + Math.max(round, 0)) % variants.length];
      const env = { ...variant.env };
      if (variant.needsTable) {
        // A fresh table per run: dedupe, cooldown and limits would otherwise change the work done.
        env.MEDIC_TABLE = `model-medic-bench-${tables++}`;
        await fake.createTable(env.MEDIC_TABLE);
      }
      // Each run starts from the recorded world, so the alarm event scales every time.
      if (variant.fn) await fake.restoreScalableTargets();
      fake.takeRequests();
      const result = await coldStart(variant.args, env, variant.cwd);
      const requests = fake.takeRequests();
      const calls = countCalls(requests);
      const ok = variant.id === 'node -e 0' ? result.code === 0 : result.inside?.ok === true;
      // The same event on a fresh table does the same work every run: kept per run to show it does.
      if (ok && variant.fn) {
        const actions = result.inside?.summary?.actions ?? [];
        roundTrips.get(variant.id).push({ ...roundTripsByService(requests), calls, actions });
      }
      if (round < 0) {
        firstRun.set(variant.id, { calls, outcome: result.inside ?? { error: result.stderr || result.stdout } });
        continue;
      }
      // A run that did not serve its event is counted as a failure, never as a time.
      if (ok) samples.get(variant.id).push(result);
      else failures.set(variant.id, (failures.get(variant.id) ?? 0) + 1);
    }
  }
  await fake.close();

  const stats = {};
  for (const variant of variants) {
    const runs = samples.get(variant.id);
    stats[variant.id] = {
      runs: runs.length,
      wall: summarize(runs.map((r) => r.wallMs)),
      importMs: variant.id === 'node -e 0' ? undefined : summarize(runs.map((r) => r.inside?.importMs ?? Number.NaN)),
      firstEventMs: variant.id === 'node -e 0' ? undefined : summarize(runs.map((r) => r.inside?.firstEventMs ?? Number.NaN)),
      cpuMs: variant.id === 'node -e 0' ? undefined : summarize(runs.map((r) => r.inside?.cpuMs ?? Number.NaN)),
      failures: failures.get(variant.id) ?? 0,
      firstRun: firstRun.get(variant.id),
      roundTrips: variant.fn ? summarizeRoundTrips(roundTrips.get(variant.id)) : undefined,
    };
  }
  const ref = stats.reference?.wall.p50 ?? Number.NaN;
  const ref90 = stats.reference?.wall.p90 ?? Number.NaN;
  const base = stats['node -e 0']?.wall.p50 ?? Number.NaN;
  const functions = FUNCTIONS.map((fn) => {
    const s = stats[fn.name];
    if (!s) return { function: fn.name, error: buildErrors[fn.name] ?? 'not measured' };
    const ratio = s.wall.p50 / ref;
    return {
      function: fn.name,
      event: eventFile(fn.event).slice(ROOT.length + 1),
      p50: s.wall.p50,
      p90: s.wall.p90,
      ratio,
      ratioP90: s.wall.p90 / ref90,
      // Reported beside the budget: the same cold start without the waits for AWS (moto's answers).
      cpuRatio: (s.cpuMs?.p50 ?? Number.NaN) / (stats.reference?.cpuMs?.p50 ?? Number.NaN),
      netRatio: (s.wall.p50 - base) / (ref - base),
      budget: COLD_INIT_BUDGET_RATIO,
      pass: ratio <= COLD_INIT_BUDGET_RATIO && s.failures === 0,
      failures: s.failures,
    };
  });
  // The budget is for an alarm that scales and notifies: moto keeps what earlier runs changed
  // (only the table is fresh), so in some runs the scale is skipped; those runs are not judged.
  const scaledAndNotified = (roundTrips.get('alarm') ?? []).filter(
    (r) => r.actions.includes('scale:executed') && r.actions.includes('notify:executed'),
  );
  const judged = scaledAndNotified.length > 0 ? summarizeRoundTrips(scaledAndNotified) : undefined;
  const roundTripBudget = judged
    ? {
        event: eventFile('01-').slice(ROOT.length + 1),
        runs: judged.runs,
        requests: judged.dynamodb.requests,
        // The fewest over the runs: timing can only add to the chain (a request sent with others
        // that reaches the stand-in after one of them was answered, on a busy machine), never take
        // a real wait away, so the best run is the code's own count. The range is reported too.
        value: judged.dynamodb.sequential.min,
        worst: judged.dynamodb.sequential.max,
        budget: ROUND_TRIP_BUDGET,
        pass: judged.dynamodb.sequential.min <= ROUND_TRIP_BUDGET,
        actions: ['scale:executed', 'notify:executed'],
      }
    : undefined;
  const noDynamo = stats[NO_DYNAMODB];
  const noMaps = stats['alarm (no --enable-source-maps)'];
  const refNoMaps = stats['reference (no --enable-source-maps)'];
  return {
    benchmark: 'cold-init',
    runs: rounds,
    runsWanted: RUNS,
    seconds: (performance.now() - started) / 1000,
    stateStore: dynamoStore
      ? 'DynamoStateStore on moto (MEDIC_TABLE set, as deployed)'
      : `MemoryStateStore (MEDIC_TABLE unset${process.env.BENCH_STATE_STORE === 'memory' ? ', BENCH_STATE_STORE=memory' : ': shared/state/dynamodb.ts not present'})`,
    nodeOptions: deploy.nodeOptions,
    bundleBytes: Object.fromEntries(
      [...Object.entries(bundles), ['reference', reference]].map(([k, b]) => [
        k,
        { code: b.codeBytes, entry: b.entryBytes, files: b.files, map: b.mapBytes },
      ]),
    ),
    functions,
    roundTripBudget,
    withoutDynamoDb: noDynamo
      ? {
          alarm: noDynamo.wall.p50,
          firstEvent: noDynamo.firstEventMs?.p50,
          ratio: noDynamo.wall.p50 / ref,
          withDynamoDb: stats.alarm?.wall.p50,
        }
      : undefined,
    withoutSourceMaps:
      noMaps && refNoMaps
        ? { alarm: noMaps.wall.p50, reference: refNoMaps.wall.p50, ratio: noMaps.wall.p50 / refNoMaps.wall.p50 }
        : undefined,
    stats,
  };
}

/**
 * DynamoDB and all-AWS requests and sequential round trips over a function's runs: min and max
 * (they differ only if the work did), and the operations of DynamoDB.
 */
function summarizeRoundTrips(runs) {
  const range = (values) => ({ min: Math.min(...values), max: Math.max(...values) });
  if (runs.length === 0) return undefined;
  const dynamo = runs.map((r) => r.byService.dynamodb ?? { requests: 0, sequential: 0 });
  // Runs that made other calls than the others (a retried request, a lock wait): which, how often.
  const workDone = new Map();
  for (const r of runs) {
    const key = `${r.actions.join(' ')}: ${Object.entries(r.calls)
      .map(([k, v]) => (v > 1 ? `${k}×${v}` : k))
      .join(', ')}`;
    workDone.set(key, (workDone.get(key) ?? 0) + 1);
  }
  return {
    runs: runs.length,
    calls: Object.fromEntries(workDone),
    dynamodb: { requests: range(dynamo.map((d) => d.requests)), sequential: range(dynamo.map((d) => d.sequential)) },
    all: { requests: range(runs.map((r) => r.all.requests)), sequential: range(runs.map((r) => r.all.sequential)) },
  };
}

await runAsScript(import.meta.url, run);
