// Benchmark 4: storm throughput. 10,000 ALARM events over 100 endpoints through the whole
// engine (handleEvent: parse, match, plan, dedupe, cooldown, limits, lock, audit) with writes
// off, against recorded AWS state for the same 100 endpoints, the shipped runbook.yml and a
// virtual clock (events one second apart, each with its own state timestamp, so none is a
// duplicate). Once with MemoryStateStore, once with DynamoStateStore on dynalite in-process (the test suite's helper).
// Events are handled one after another, as one Lambda container handles them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, importBundled, ROOT, runAsScript, summarize } from './lib/common.mjs';
import { startDynalite } from './lib/emulator.mjs';
import { alarmEvent, endpointName, generateWorld, METRICS, variantOf } from './lib/generate.mjs';

export const EVENTS = Number(process.env.BENCH_STORM_EVENTS ?? 10_000);
export const ENDPOINTS = 100;
export const MEMORY_BUDGET_EPS = 20_000;
/**
 * dynalite is slow by nature (LevelDB in memory behind HTTP, in this same process): it gets the
 * first BENCH_STORM_DYNAMO_EVENTS events of the same storm (all of it when set to 10000), and
 * stops at a time limit rather than blow the 5 minutes.
 */
const DYNAMO_EVENTS = Number(process.env.BENCH_STORM_DYNAMO_EVENTS ?? 2_000);
const DYNAMO_TIME_LIMIT_S = Number(process.env.BENCH_STORM_DYNAMO_SECONDS ?? 35);
const START = Date.parse('2026-11-23T04:00:00Z');
const TRIALS = Number(process.env.BENCH_STORM_TRIALS ?? 5);

/** Latency, CPU, 5XX and 4XX alarms in turn, endpoints round-robin: every rule family fires. */
const STORM_METRICS = ['ModelLatency', 'CPUUtilization', 'Invocation5XXErrors', 'Invocation4XXErrors'].map((name) =>
  METRICS.find((m) => m.name === name),
);

export function stormEvents(count, offset = 0) {
  const events = [];
  for (let i = 0; i < count; i++) {
    const endpointIndex = i % ENDPOINTS;
    const metric = STORM_METRICS[Math.floor(i / ENDPOINTS) % STORM_METRICS.length];
    const endpoint = endpointName(endpointIndex);
    const at = START + (offset + i) * 1000;
    events.push({
      at,
      event: alarmEvent(
        { alarm: `${endpoint}-${metric.slug}`, endpoint, variant: variantOf(endpointIndex), metric },
        at,
        `storm-${offset + i}`,
      ),
    });
  }
  return events;
}

export async function storm(engine, store, events, { timeLimitS = Number.POSITIVE_INFINITY, onStart } = {}) {
  const { compileRunbook, handleEvent, loadRunbook, RecordedAwsReader, VirtualClock } = engine;
  const runbook = compileRunbook(loadRunbook(readFileSync(join(ROOT, 'runbook.yml'), 'utf8'), 'runbook.yml', {}));
  const world = generateWorld(ENDPOINTS);
  const reader = new RecordedAwsReader(world, ROOT);
  for (const [endpoint, configs] of Object.entries(world.history.endpointConfigs)) {
    for (const config of configs) await store.recordEndpointConfig(endpoint, config, 0);
  }
  const clock = new VirtualClock(START);
  const deps = {
    runbook,
    reader,
    writer: { send: async () => Promise.reject(new Error('storm runs with writes off')) },
    store,
    clock,
    allowWrites: false,
    owner: 'bench-storm',
    lockWaitMs: 0,
    sleep: async () => {},
  };
  const outcomes = new Map();
  const latencies = new Float64Array(events.length);
  let handled = 0;
  onStart?.();
  const deadline = performance.now() + timeLimitS * 1000;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const { at, event } of events) {
    clock.set(at);
    const t0 = process.hrtime.bigint();
    const report = await handleEvent(event, event.id, deps);
    latencies[handled++] = Number(process.hrtime.bigint() - t0) / 1000;
    const key = report.error
      ? `error: ${report.errorKind}`
      : report.actions.length === 0
        ? `no action: ${report.ignored ?? 'none'}`
        : report.actions.map((a) => `${a.type} ${a.status}${a.suppressedBy ? ` (${a.suppressedBy})` : ''}`).join(', ');
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (performance.now() > deadline) break;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    events: handled,
    seconds,
    eventsPerSecond: handled / seconds,
    // CPU time of this process (all its threads, GC included): less sensitive to other load on the machine.
    cpuSeconds,
    eventsPerCpuSecond: handled / cpuSeconds,
    latencyUs: summarize(latencies.subarray(0, handled)),
    outcomes: Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])),
  };
}

export async function run() {
  const engine = await importBundled('entries/engine.mjs', 'engine');
  const events = stormEvents(EVENTS);

  // Warm-up on its own store and events, so the measured storm starts with fresh state.
  await storm(engine, new engine.MemoryStateStore(), stormEvents(2_000, 1_000_000));
  // TRIALS storms, each on a fresh store, and the median one reported: the machine's other load
  // shows up in wall time (and in GC, whose helper threads need the second core) as much as our
  // own code does, and the first storm of a process is always the slowest (the heap still grows).
  const trials = [];
  for (let t = 0; t < TRIALS; t++) trials.push(await storm(engine, new engine.MemoryStateStore(), events));
  const ranked = [...trials].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
  const memory = { ...ranked[Math.floor(ranked.length / 2)], trials: trials.map((t) => Math.round(t.eventsPerSecond)) };
  console.error(`storm memory: ${fmt.int(memory.eventsPerSecond)} events/s (${memory.events} events in ${memory.seconds.toFixed(2)} s)`);

  let dynamo;
  if (existsSync(join(ROOT, 'shared', 'state', 'dynamodb.ts'))) {
    try {
      const { DynamoStateStore } = await importBundled('entries/dynamo-store.mjs', 'dynamo-store');
      const local = await startDynalite();
      try {
        const { client } = local;
        await local.createTable('bench-warmup');
        await storm(engine, new DynamoStateStore({ client, tableName: 'bench-warmup' }), stormEvents(200, 2_000_000));
        await local.createTable('bench-storm');
        // Count the DynamoDB requests the store makes: each one is a network round trip in AWS.
        const requests = new Map();
        const send = client.send.bind(client);
        client.send = (command, ...rest) => {
          const name = command.constructor.name.replace(/Command$/, '');
          requests.set(name, (requests.get(name) ?? 0) + 1);
          return send(command, ...rest);
        };
        const share = events.slice(0, Math.min(DYNAMO_EVENTS, events.length));
        dynamo = await storm(engine, new DynamoStateStore({ client, tableName: 'bench-storm' }), share, {
          timeLimitS: DYNAMO_TIME_LIMIT_S,
          onStart: () => requests.clear(), // not the seeding of the config history
        });
        dynamo.complete = dynamo.events === events.length;
        dynamo.timedOut = dynamo.events < share.length;
        const total = [...requests.values()].reduce((a, b) => a + b, 0);
        dynamo.requestsPerEvent = total / dynamo.events;
        dynamo.requests = Object.fromEntries([...requests].sort((a, b) => b[1] - a[1]));
        client.destroy();
      } finally {
        await local.stop();
      }
      console.error(
        `storm dynalite: ${fmt.int(dynamo.eventsPerSecond)} events/s (${dynamo.events} events in ${dynamo.seconds.toFixed(2)} s)`,
      );
    } catch (error) {
      dynamo = {
        error: String(error?.stack ?? error)
          .split('\n')
          .slice(0, 5)
          .join('\n'),
      };
    }
  } else {
    dynamo = { error: 'shared/state/dynamodb.ts does not exist yet' };
  }

  return {
    benchmark: 'storm',
    events: EVENTS,
    endpoints: ENDPOINTS,
    runbook: 'runbook.yml',
    trials: TRIALS,
    memory: { ...memory, budget: MEMORY_BUDGET_EPS, pass: memory.eventsPerSecond >= MEMORY_BUDGET_EPS },
    dynamo,
  };
}

await runAsScript(import.meta.url, run);
