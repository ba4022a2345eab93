// Turns the benchmark results into the summary rows (console and RESULTS.md) and the report.
import { fmt } from './common.mjs';

/** The columns of one backtest run in the ladders section (timed runs, then runs under the heap cap). */
const LADDER_RUN_COLUMNS = [
  'events',
  'wall time',
  'events/s',
  'checks/s',
  'peak RSS',
  'ladders started / resolved / exhausted / cancelled / open',
  'steps / checks',
  'held endpoint-busy',
  'exit',
  'as generated',
];

const pct = (value, budget) => `${value > budget ? '+' : ''}${(((value - budget) / budget) * 100).toFixed(0)}%`;
const verdict = (pass) => (pass ? 'PASS' : 'MISS');
/** `n`, or `min–max` when the runs differed. */
const span = (range) => (range.min === range.max ? String(range.max) : `${range.min}–${range.max}`);

/** One row per budgeted figure (plus unbudgeted ones): what, value, budget, verdict, margin. */
export function summaryRows(results) {
  const rows = [];
  const size = results['bundle-size'];
  if (size) {
    for (const b of size.bundles) {
      if (b.error) {
        rows.push({
          what: `bundle size: ${b.function}`,
          value: 'build failed',
          budget: '≤ 400 KB',
          verdict: 'MISS',
          margin: b.error.split('\n')[0],
        });
        continue;
      }
      rows.push({
        what: `bundle size: ${b.function}`,
        value: fmt.kb(b.bytes),
        budget: `≤ ${fmt.kb(b.budgetBytes)}`,
        verdict: verdict(b.pass),
        margin: b.pass
          ? `${fmt.kb(b.budgetBytes - b.bytes)} to spare`
          : `${pct(b.bytes, b.budgetBytes)} (${(b.bytes / b.budgetBytes).toFixed(2)}× the budget)`,
      });
    }
    for (const b of size.bundles) {
      if (b.error || b.coldBytes === undefined) continue;
      rows.push({
        what: `code a cold start loads: ${b.function}`,
        value: `${fmt.kb(b.coldBytes)} (${b.coldFiles} file${b.coldFiles === 1 ? '' : 's'})`,
        budget: `≤ ${fmt.kb(b.coldBudgetBytes)}`,
        verdict: verdict(b.coldPass),
        margin: b.coldPass
          ? `${fmt.kb(b.coldBudgetBytes - b.coldBytes)} to spare`
          : `${pct(b.coldBytes, b.coldBudgetBytes)}; largest: ${b.coldTop
              .slice(0, 3)
              .map((t) => `${t.name} ${fmt.kb(t.bytes)}`)
              .join(', ')}`,
      });
    }
  }
  const cold = results['cold-init'];
  if (cold && !cold.skipped) {
    const ref = cold.stats.reference?.wall;
    for (const f of cold.functions) {
      if (f.error) {
        rows.push({
          what: `cold init: ${f.function}`,
          value: 'not measured',
          budget: '≤ 1.5× reference',
          verdict: 'MISS',
          margin: f.error,
        });
        continue;
      }
      rows.push({
        what: `cold init: ${f.function}`,
        value: `${fmt.ratio(f.ratio)} (p50 ${fmt.ms(f.p50)} vs ${fmt.ms(ref?.p50 ?? Number.NaN)})`,
        budget: `≤ ${fmt.ratio(f.budget)} reference`,
        verdict: verdict(f.pass),
        margin: f.pass ? `${pct(f.ratio, f.budget)}` : `${pct(f.ratio, f.budget)} over${f.failures ? `; ${f.failures} failed runs` : ''}`,
      });
    }
  }
  if (cold && !cold.skipped) {
    for (const f of cold.functions) {
      const trips = cold.stats[f.function]?.roundTrips;
      if (!trips) continue;
      const budgeted = f.function === 'alarm' && cold.roundTripBudget;
      const value = budgeted
        ? `${cold.roundTripBudget.value} sequential of ${span(cold.roundTripBudget.requests)} requests${cold.roundTripBudget.worst > cold.roundTripBudget.value ? ` (${cold.roundTripBudget.worst} in the slowest run)` : ''}`
        : `${span(trips.dynamodb.sequential)} sequential of ${span(trips.dynamodb.requests)} requests`;
      rows.push({
        what: `DynamoDB round trips: ${f.function} (${f.event.replace(/^events\//, '').slice(0, 3)}…)`,
        value,
        budget: budgeted ? `≤ ${cold.roundTripBudget.budget} sequential` : 'none',
        verdict: budgeted ? verdict(cold.roundTripBudget.pass) : 'reported',
        margin: budgeted
          ? `${cold.roundTripBudget.pass ? 'within' : `${pct(cold.roundTripBudget.value, cold.roundTripBudget.budget)} over`} (the ${cold.roundTripBudget.runs} runs that scaled and notified)`
          : `all AWS: ${span(trips.all.sequential)} sequential of ${span(trips.all.requests)} requests`,
      });
    }
  }
  const decision = results.decision;
  if (decision) {
    const { p99At1k, scaling } = decision.budgets;
    rows.push({
      what: 'decision p99, 1,000 rules',
      value: fmt.us(p99At1k.value),
      budget: `≤ ${fmt.us(p99At1k.budget)}`,
      verdict: verdict(p99At1k.pass),
      margin: p99At1k.pass ? `${fmt.us(p99At1k.budget - p99At1k.value)} to spare` : `${pct(p99At1k.value, p99At1k.budget)}`,
    });
    rows.push({
      what: 'decision p99, 10,000 ÷ 1,000 rules',
      value: fmt.ratio(scaling.value),
      budget: `≤ ${fmt.ratio(scaling.budget)}`,
      verdict: verdict(scaling.pass),
      margin: scaling.pass ? 'within' : `${pct(scaling.value, scaling.budget)}`,
    });
  }
  const storm = results.storm;
  if (storm) {
    const m = storm.memory;
    rows.push({
      what: 'storm, MemoryStateStore',
      value: `${fmt.int(m.eventsPerSecond)} events/s`,
      budget: `≥ ${fmt.int(m.budget)} events/s`,
      verdict: verdict(m.pass),
      margin: m.pass
        ? `${pct(m.eventsPerSecond, m.budget)}`
        : `${pct(m.eventsPerSecond, m.budget)} (${fmt.int(m.eventsPerCpuSecond)} per CPU-second)`,
    });
    const d = storm.dynamo;
    rows.push({
      what: 'storm, DynamoStateStore on dynalite',
      value: d?.error ? 'not measured' : `${fmt.int(d.eventsPerSecond)} events/s`,
      budget: 'none',
      verdict: 'reported',
      margin: d?.error
        ? d.error.split('\n')[0]
        : d.complete
          ? `${fmt.int(d.events)} events`
          : `first ${fmt.int(d.events)} events of the storm${d.timedOut ? ' (time limit)' : ''}`,
    });
  }
  const ladders = results.ladders;
  if (ladders) {
    const many = ladders.results.length > 1;
    for (const r of ladders.results) {
      const prefix = `backtest with ladders${many ? ` (${r.runbook})` : ''}`;
      const { time, memory } = r.budgets;
      const insane = [r.large, r.small].flatMap((x) => x.sanity.failed);
      const cap = `--max-old-space-size=${memory.heapCapMb}`;
      const c = r.capped;
      const capFail = ['large', 'long']
        .filter((size) => c[size].code !== 0 || !c[size].sanity.ok)
        .map((size) => `${fmt.int(c[size].events)}: exit ${c[size].code}, ${c[size].error ?? c[size].sanity.failed.join(', ')}`);
      const warn = insane.length > 0 ? `; summary not as generated: ${[...new Set(insane)].join(', ')}` : '';
      rows.push({
        what: `${prefix}: ${fmt.int(ladders.events)} events`,
        value: `${time.value.toFixed(1)} s (${fmt.int(r.large.eventsPerSecond)} events/s, ${fmt.int(r.large.checksPerSecond)} checks/s)`,
        budget: `< ${time.budget} s`,
        verdict: verdict(time.pass),
        margin: `${time.pass ? `${(time.budget - time.value).toFixed(1)} s to spare` : pct(time.value, time.budget)}${warn}`,
      });
      rows.push({
        what: `${prefix}: memory bounded, ${fmt.int(c.large.events)} and ${fmt.int(c.long.events)} events under ${cap}`,
        value: `exit ${c.large.code} in ${c.large.seconds.toFixed(1)} s / exit ${c.long.code} in ${c.long.seconds.toFixed(1)} s (peak RSS ${fmt.mb(c.large.peakRssKb)} / ${fmt.mb(c.long.peakRssKb)})`,
        budget: 'both complete',
        verdict: verdict(memory.pass),
        margin: memory.pass ? 'summaries as generated' : capFail.join('; '),
      });
    }
  }
  const capture = results.capture;
  if (capture) {
    const m = capture.median;
    rows.push({
      what: `capture --events + backtest: ${fmt.int(capture.transitions)} alarm state changes (no AWS latency)`,
      value: `${m.total.toFixed(1)} s (capture ${m.capture.toFixed(1)} s, backtest ${m.backtest.toFixed(1)} s)`,
      budget: `< ${capture.budget.seconds} s`,
      verdict: verdict(capture.budget.pass),
      margin: capture.budget.pass ? `${(capture.budget.seconds - m.total).toFixed(1)} s to spare` : pct(m.total, capture.budget.seconds),
    });
  }
  return rows;
}

export function consoleTable(rows) {
  const widths = ['what', 'value', 'budget', 'verdict', 'margin'].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  return [
    line(['figure', 'measured', 'budget', 'result', 'margin']),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line([r.what, r.value, r.budget, r.verdict, r.margin])),
  ].join('\n');
}

const table = (header, rows) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

export function markdownReport({ machine, results, failures, startedAt, seconds, loadAfter }) {
  const out = [];
  out.push('# Benchmark results');
  out.push('');
  out.push(
    'Written by `npm run bench` (bench/run.mjs). What each benchmark measures and how to read it: [docs/performance.md](../docs/performance.md).',
  );
  out.push('');
  out.push(
    table(
      ['machine', ''],
      [
        ['CPU', machine.cpu],
        ['cores', String(machine.cores)],
        ['memory', `${machine.memoryGiB} GiB`],
        ['Node.js', machine.node],
        ['platform', machine.platform],
        ['date', startedAt],
        ['load average (1, 5, 15 min) at start / end', `${machine.loadavg.join(', ')} / ${loadAfter.join(', ')}`],
        [
          'CPU calibration at start / end (fixed JS workload; lower is faster, compare between runs)',
          machine.calibrationMs.map((ms) => fmt.ms(ms)).join(' / '),
        ],
        ['total run time', `${seconds.toFixed(0)} s`],
      ],
    ),
  );
  out.push('');
  out.push('## Summary');
  out.push('');
  const rows = summaryRows(results);
  out.push(
    table(
      ['figure', 'measured', 'budget', 'result', 'margin'],
      rows.map((r) => [r.what, r.value, r.budget, `**${r.verdict}**`, r.margin]),
    ),
  );
  for (const [name, error] of Object.entries(failures)) out.push('', `- ${name}: did not finish: \`${error}\``);
  out.push('');

  const size = results['bundle-size'];
  if (size) {
    out.push('## 1. Bundle size (minified, as deployed)');
    out.push('');
    out.push(
      `esbuild options from ${size.options.source}: \`${JSON.stringify(size.options.esbuild)}\`, output \`${size.options.extension}\`. Bytes are the code esbuild writes; source maps are listed apart and excluded from the budget.`,
    );
    out.push('');
    out.push(
      table(
        ['function', 'code (all files)', 'entry file', 'source map', 'files', 'budget (all files)', 'result'],
        size.bundles.map((b) =>
          b.error
            ? [b.function, 'build failed', '', '', '', '400 KB', 'MISS']
            : [
                b.function,
                fmt.kb(b.bytes),
                b.entryBytes === undefined ? '' : fmt.kb(b.entryBytes),
                fmt.kb(b.mapBytes),
                String(b.files),
                fmt.kb(b.budgetBytes),
                verdict(b.pass),
              ],
        ),
      ),
    );
    const loaded = size.bundles.filter((b) => !b.error && b.coldBytes !== undefined);
    if (loaded.length > 0) {
      out.push(
        '',
        `What a cold start loads before the handler runs: the entry file and every chunk it reaches through static imports (from esbuild's metafile; chunks reached only through \`import()\` load when an event needs them). Budget ≤ ${fmt.kb(loaded[0].coldBudgetBytes)} per function. Clients: the SDK clients (shared/aws/clients/) whose chunks the bundle holds.`,
        '',
      );
      out.push(
        table(
          ['function', 'loaded cold', 'files', 'largest parts', 'SDK clients in the bundle', 'browser-only code', 'result'],
          loaded.map((b) => [
            b.function,
            fmt.kb(b.coldBytes),
            String(b.coldFiles),
            b.coldTop
              .slice(0, 5)
              .map((t) => `${t.name} ${fmt.kb(t.bytes)}`)
              .join(', '),
            `${b.clients.length}: ${b.clients.join(', ')}`,
            b.browserOnly ? 'bowser' : 'none',
            verdict(b.coldPass),
          ]),
        ),
      );
    }
    for (const b of size.bundles) {
      if (b.error) {
        out.push('', `**${b.function}**: \`${b.error.replaceAll('\n', ' ')}\``);
        continue;
      }
      out.push('', `Top 10 contributors, **${b.function}** (bytes in the minified output):`, '');
      out.push(
        table(
          ['package or folder', 'bytes', 'share', 'largest file'],
          b.top.map((t) => [
            t.name,
            fmt.kb(t.bytes),
            `${((t.bytes / b.bytes) * 100).toFixed(1)}%`,
            `${t.largestFile} (${fmt.kb(t.largestBytes)})`,
          ]),
        ),
      );
    }
    out.push('');
  }

  const cold = results['cold-init'];
  if (cold?.skipped) out.push('## 2. Cold init', '', `Not measured: ${cold.skipped}.`, '');
  else if (cold) {
    out.push('## 2. Cold init (fresh process: import the bundle, serve the first event)');
    out.push('');
    out.push(
      `${cold.runs} measured runs per variant${cold.runs < cold.runsWanted ? ` (of ${cold.runsWanted} wanted: the soft time limit stopped it)` : ''} (after one unmeasured round), variants interleaved. Wall time from spawn to the first event's answer. State store: ${cold.stateStore}. NODE_OPTIONS as deployed: \`${cold.nodeOptions || '(none)'}\`. AWS: moto behind the test suite's stand-in (AWS_ENDPOINT_URL), real SDK clients, real HTTP.`,
    );
    out.push('');
    const rowsCold = Object.entries(cold.stats).map(([id, s]) => {
      const f = cold.functions.find((x) => x.function === id);
      const calls = s.firstRun?.calls
        ? Object.entries(s.firstRun.calls)
            .map(([k, v]) => (v > 1 ? `${k}×${v}` : k))
            .join(', ')
        : '';
      return [
        id,
        fmt.ms(s.wall.p50),
        fmt.ms(s.wall.p90),
        s.importMs ? fmt.ms(s.importMs.p50) : '',
        s.firstEventMs ? fmt.ms(s.firstEventMs.p50) : '',
        s.cpuMs ? `${fmt.ms(s.cpuMs.p50)}${f ? ` (${fmt.ratio(f.cpuRatio)})` : ''}` : '',
        f ? `${fmt.ratio(f.ratio)} → **${verdict(f.pass)}**` : '',
        String(s.failures),
        calls || (id === 'node -e 0' ? '' : '(none)'),
      ];
    });
    out.push(
      table(
        [
          'variant',
          'p50',
          'p90',
          'import (p50)',
          'first event (p50)',
          'CPU until served (p50; ratio to reference)',
          'ratio to reference (p50)',
          'failed runs',
          'AWS calls of one run',
        ],
        rowsCold,
      ),
    );
    out.push('');
    out.push(
      'Bundles measured: ' +
        Object.entries(cold.bundleBytes)
          .map(
            ([k, b]) =>
              `${k} ${fmt.kb(b.code)} code${b.files > 1 ? ` in ${b.files} files (entry ${fmt.kb(b.entry)})` : ''} + ${fmt.kb(b.map)} map`,
          )
          .join('; ') +
        '.',
    );
    const tripRows = cold.functions
      .filter((f) => cold.stats[f.function]?.roundTrips)
      .map((f) => {
        const t = cold.stats[f.function].roundTrips;
        return [
          f.function,
          f.event,
          span(t.dynamodb.requests),
          span(t.dynamodb.sequential),
          span(t.all.requests),
          span(t.all.sequential),
          String(t.runs),
        ];
      });
    if (tripRows.length > 0) {
      out.push(
        '',
        `Round trips of the first event (every run, the unmeasured one included, on a fresh table): a request is sequential when it starts after an earlier one ended; the figure is the longest such chain, i.e. the round trips on the event's critical path (start and end as the stand-in saw them). Timing can only lengthen that chain (on a busy machine a request sent with others may reach the stand-in after one of them was answered), so the budget is judged on the fewest over the runs; test/engine/dynamo-round-trips.test.ts counts the same rounds without a clock. Budget for the alarm (an alarm that scales and notifies): ≤ ${cold.roundTripBudget?.budget ?? 4} sequential DynamoDB round trips.`,
        '',
        table(
          ['function', 'event', 'DynamoDB requests', 'DynamoDB sequential', 'AWS requests (all)', 'AWS sequential (all)', 'runs'],
          tripRows,
        ),
      );
      const varied = cold.functions.filter((f) => Object.keys(cold.stats[f.function]?.roundTrips?.calls ?? {}).length > 1);
      for (const f of varied) {
        out.push(
          '',
          `${f.function}: not every run did the same work (moto keeps what earlier runs changed; only the table is fresh):`,
          '',
          ...Object.entries(cold.stats[f.function].roundTrips.calls).map(([work, n]) => `- ${n} run${n === 1 ? '' : 's'}: ${work}`),
        );
      }
    }
    if (cold.withoutDynamoDb) {
      const d = cold.withoutDynamoDb;
      out.push(
        '',
        `Without DynamoDB (the same alarm on the in-memory store, MEDIC_TABLE unset; no budget): ${fmt.ms(d.alarm)}, ${fmt.ratio(d.ratio)} the reference. DynamoDB (its SDK client and the requests, on this emulator: moto answers one request at a time, a few ms each) accounts for ${fmt.ms(d.withDynamoDb - d.alarm)} of the alarm's ${fmt.ms(d.withDynamoDb)}.`,
      );
    }
    const cpuRows = cold.functions.filter((f) => !f.error && Number.isFinite(f.cpuRatio));
    if (cpuRows.length > 0) {
      out.push(
        '',
        `CPU until served (no budget): the process's CPU time, every thread, from its start to the event's answer; the cold start without the waits for AWS to answer. ${cpuRows
          .map((f) => `${f.function} ${fmt.ms(cold.stats[f.function].cpuMs.p50)}, ${fmt.ratio(f.cpuRatio)}`)
          .join('; ')} the reference's ${fmt.ms(cold.stats.reference.cpuMs.p50)}.`,
      );
    }
    if (cold.withoutSourceMaps) {
      out.push(
        '',
        `Without NODE_OPTIONS=--enable-source-maps: alarm ${fmt.ms(cold.withoutSourceMaps.alarm)}, reference ${fmt.ms(cold.withoutSourceMaps.reference)}, ratio ${fmt.ratio(cold.withoutSourceMaps.ratio)}.`,
      );
    }
    const outcomes = cold.functions
      .filter((f) => !f.error)
      .map(
        (f) =>
          `${f.function}: ${JSON.stringify(cold.stats[f.function]?.firstRun?.outcome?.summary ?? cold.stats[f.function]?.firstRun?.outcome)}`,
      );
    if (outcomes.length) out.push('', 'What the first event did (first run):', '', ...outcomes.map((o) => `- ${o}`));
    out.push('');
  }

  const decision = results.decision;
  if (decision) {
    out.push('## 3. Decision latency (parse + match + plan, one event, in-process)');
    out.push('');
    out.push(
      `${fmt.int(decision.iterations)} timed events per trial after ${fmt.int(decision.warmup)} warm-up events, ${decision.trials} trials, the trial with the median p99 reported. "worst": the event's own rule is the last one before the catch-all; "typical": its rule is in the middle. "match only": decide() alone on the parsed signal.`,
    );
    out.push('');
    const rowsDecision = [];
    for (const r of decision.results) {
      for (const [name, c] of Object.entries(r.cases)) {
        rowsDecision.push([
          fmt.int(r.rules),
          name,
          `#${c.rulePosition + 1} ${c.matched.join(', ')}`,
          fmt.us(c.full.p50),
          fmt.us(c.full.p99),
          fmt.us(c.match.p50),
          fmt.us(c.match.p99),
        ]);
      }
    }
    out.push(table(['rules', 'case', 'matched rule', 'p50', 'p99', 'match only p50', 'match only p99'], rowsDecision));
    out.push('');
    out.push(
      table(
        ['rules', 'YAML', 'loadRunbook (first)', 'loadRunbook (median)', 'compileRunbook (median)'],
        decision.results.map((r) => [
          fmt.int(r.rules),
          fmt.kb(r.yamlBytes),
          fmt.ms(r.firstLoadMs),
          fmt.ms(r.loadMs.p50),
          fmt.ms(r.compileMs.p50),
        ]),
      ),
    );
    out.push('');
    out.push(
      `Budgets: p99 at 1,000 rules ${fmt.us(decision.budgets.p99At1k.value)} ≤ 100 µs → **${verdict(decision.budgets.p99At1k.pass)}**; p99 at 10,000 ÷ p99 at 1,000 = ${fmt.ratio(decision.budgets.scaling.value)} ≤ 3× → **${verdict(decision.budgets.scaling.pass)}**.`,
    );
    out.push('');
  }

  const storm = results.storm;
  if (storm) {
    out.push('## 4. Storm throughput (whole engine, writes off)');
    out.push('');
    out.push(
      `${fmt.int(storm.events)} ALARM events over ${storm.endpoints} endpoints, one after another, runbook \`${storm.runbook}\`, virtual clock one second per event. MemoryStateStore: the median of ${storm.trials} storms, each on a fresh store (in order: ${storm.memory.trials.map((t) => fmt.int(t)).join(', ')} events/s).`,
    );
    out.push('');
    const line = (name, s) =>
      s?.error
        ? [name, 'not measured', '', '', '', '', s.error.split('\n')[0]]
        : [
            name,
            fmt.int(s.events),
            `${s.seconds.toFixed(2)} s`,
            `**${fmt.int(s.eventsPerSecond)}**`,
            fmt.int(s.eventsPerCpuSecond),
            `${fmt.us(s.latencyUs.p50)} / ${fmt.us(s.latencyUs.p99)} / ${fmt.ms(s.latencyUs.max / 1000)}`,
            s === storm.memory ? `≥ 20,000/s → **${verdict(storm.memory.pass)}**` : 'no budget',
          ];
    out.push(
      table(
        ['store', 'events', 'time', 'events/s', 'events per CPU-second', 'per event p50 / p99 / max', 'budget'],
        [line('MemoryStateStore', storm.memory), line('DynamoStateStore (dynalite)', storm.dynamo)],
      ),
    );
    out.push('');
    out.push('What the engine did with the events (MemoryStateStore):', '');
    out.push(
      table(
        ['outcome', 'events'],
        Object.entries(storm.memory.outcomes).map(([k, v]) => [k, fmt.int(v)]),
      ),
    );
    if (storm.dynamo?.requestsPerEvent) {
      const list = Object.entries(storm.dynamo.requests)
        .map(([k, v]) => `${k} ${fmt.int(v)}`)
        .join(', ');
      out.push(
        '',
        `DynamoDB requests per event: ${storm.dynamo.requestsPerEvent.toFixed(1)} on average (${list}); each is a network round trip in AWS.`,
      );
    }
    if (storm.dynamo && !storm.dynamo.error && !storm.dynamo.complete) {
      out.push(
        '',
        `dynalite gets the first ${fmt.int(storm.dynamo.events)} events of the same storm${storm.dynamo.timedOut ? ' (stopped at its time limit)' : ''}: all 10,000 would take longer than the whole suite may (BENCH_STORM_DYNAMO_EVENTS=10000 BENCH_STORM_DYNAMO_SECONDS=300 node bench/storm.mjs runs them all).`,
      );
    }
    out.push('');
  }
  const ladders = results.ladders;
  if (ladders) {
    out.push('## 5. Backtest with escalation ladders (the shipped CLI, its own process)');
    out.push('');
    out.push(
      `\`${ladders.cli.command}\` (dist/medic.js ${ladders.cli.bundle === 'up to date' ? 'up to date' : `was ${ladders.cli.bundle}: built first`}), measured with ${ladders.measuredWith}: wall time and peak RSS of the whole command. ${fmt.int(ladders.smallEvents)} and ${fmt.int(ladders.events)} generated event files on ${ladders.endpoints} endpoints over a week (${ladders.span.from} to ${ladders.span.to}), ${fmt.int(ladders.longEvents)} over ${ladders.longSpan.weeks} weeks (${ladders.longSpan.from} to ${ladders.longSpan.to}, the same rate), the same world and alarms. Time: the command as shipped, ${fmt.int(ladders.smallEvents)} and ${fmt.int(ladders.events)} events interleaved, ${ladders.runsPerSize} run${ladders.runsPerSize === 1 ? '' : 's'} each (fewer if the time limit stopped it), the median run. Memory: each size once with V8's old space capped (\`node --max-old-space-size=${ladders.budgets.heapCapMb} bin/medic.js ...\`); a run whose memory grew with its length would die out of memory at ${fmt.int(ladders.longEvents)}. Peak RSS is reported, not budgeted: uncapped, V8 lets garbage pile up while it has room. Shipped runbook.yml: ${ladders.shippedRunbook}.`,
    );
    out.push('');
    for (const r of ladders.results) {
      out.push(`**${r.runbook}**`, '');
      const line = (x) => [
        fmt.int(x.events),
        `${x.seconds.toFixed(2)} s`,
        fmt.int(x.eventsPerSecond),
        fmt.int(x.checksPerSecond),
        fmt.mb(x.peakRssKb),
        `${x.ladders.started} / ${x.ladders.resolved} / ${x.ladders.exhausted} / ${x.ladders.cancelled} / ${x.ladders.open}`,
        `${x.ladders.steps} / ${x.ladders.checks}`,
        fmt.int(x.heldEndpointBusy),
        `${x.code}`,
        x.sanity.ok ? 'yes' : `**no**: ${x.sanity.failed.join(', ')}`,
      ];
      out.push(table(LADDER_RUN_COLUMNS, [line(r.small), line(r.large)]));
      out.push('');
      const cappedLine = (x) =>
        x.ladders === undefined
          ? [fmt.int(x.events), `${x.seconds.toFixed(2)} s`, '', '', fmt.mb(x.peakRssKb), '', '', '', `${x.code}`, `**no**: ${x.error}`]
          : line(x);
      out.push(`Under \`--max-old-space-size=${r.budgets.memory.heapCapMb}\`, once each:`, '');
      out.push(table(LADDER_RUN_COLUMNS, [cappedLine(r.capped.small), cappedLine(r.capped.large), cappedLine(r.capped.long)]));
      out.push('');
      out.push(
        `All runs: ${fmt.int(ladders.smallEvents)} events ${r.runs.small.map((x) => `${x.seconds.toFixed(2)} s ${fmt.mb(x.peakRssKb)}`).join(', ')}; ${fmt.int(ladders.events)} events ${r.runs.large.map((x) => `${x.seconds.toFixed(2)} s ${fmt.mb(x.peakRssKb)}`).join(', ')} (1-minute load average ${r.runs.large.map((x) => x.loadavg1.join(' → ')).join(', ')}).`,
      );
      out.push('');
      out.push(
        `${ladders.floor ? `The floor, the same command on 1 event file: ${ladders.floor.seconds.toFixed(2)} s, peak RSS ${fmt.mb(ladders.floor.peakRssKb)}. ` : ''}Budgets: ${fmt.int(ladders.events)} events in ${r.budgets.time.value.toFixed(1)} s < ${r.budgets.time.budget} s → **${verdict(r.budgets.time.pass)}**; memory bounded, ${r.budgets.memory.events.map((n) => fmt.int(n)).join(' and ')} events both complete under \`--max-old-space-size=${r.budgets.memory.heapCapMb}\` with the summary as generated → **${verdict(r.budgets.memory.pass)}**.`,
      );
      out.push('');
    }
    out.push(
      `What the ${fmt.int(ladders.events)} and ${fmt.int(ladders.longEvents)} events are (episodes per alarm family and how long the alarm stayed in ALARM):`,
      '',
    );
    const kinds = [...new Set([...Object.keys(ladders.mix.large), ...Object.keys(ladders.mix.long ?? {})])].sort((a, b) =>
      a.localeCompare(b),
    );
    out.push(
      table(
        ['episode', `${fmt.int(ladders.events)} events`, `${fmt.int(ladders.longEvents)} events`],
        kinds.map((k) => [k, fmt.int(ladders.mix.large[k] ?? 0), fmt.int(ladders.mix.long?.[k] ?? 0)]),
      ),
    );
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
