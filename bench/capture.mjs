// Benchmark 6: "what would this change have done last week?": `medic capture --events DIR` of a
// week with 1,000 alarm state changes, then `medic backtest DIR`, the shipped command
// (bin/medic.js) in its own process each time, wall time measured from outside.
//
// AWS is a local stub with no latency (an HTTP server in this process answering the SDK's JSON
// protocol and S3's REST API), so the figure is model-medic's own cost: the SDK calls and their
// parsing, rebuilding each event, writing the files, then the backtest. AWS's own latency and
// DescribeAlarmHistory's rate limit come on top in a real account (one call per alarm per 100
// changes: 10 calls here).
//
// Budget (issue 15): capture + backtest of 1,000 transitions < 30 s, excluding AWS latency.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ROOT, runAsScript, tmpPath } from './lib/common.mjs';

export const TRANSITIONS = Number(process.env.BENCH_CAPTURE_TRANSITIONS ?? 1_000);
export const ALARMS = 10;
export const TIME_BUDGET_S = 30;
const RUNS = Number(process.env.BENCH_CAPTURE_RUNS ?? 3);
const ENDPOINT = 'churn-prod';
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const HOUR = 3_600_000;

/** The 10 latency alarms of the endpoint, as DescribeAlarms answers (JSON protocol: dates in epoch seconds). */
function alarms() {
  return Array.from({ length: ALARMS }, (_, i) => ({
    AlarmName: `${ENDPOINT}-latency-${i}`,
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${ENDPOINT}-latency-${i}`,
    AlarmDescription: `ModelLatency of ${ENDPOINT}/v2 above 500 ms (${i})`,
    MetricName: 'ModelLatency',
    Namespace: 'AWS/SageMaker',
    Statistic: 'Average',
    Dimensions: [
      { Name: 'EndpointName', Value: ENDPOINT },
      { Name: 'VariantName', Value: 'v2' },
    ],
    Period: 60,
    EvaluationPeriods: 3,
    Threshold: 500000,
    ComparisonOperator: 'GreaterThanThreshold',
    StateValue: 'OK',
  }));
}

/** A week of StateUpdate items per alarm, ALARM and OK in turn, TRANSITIONS in all. */
function history(alarm, index, until) {
  const perAlarm = Math.ceil(TRANSITIONS / ALARMS);
  const count = Math.max(0, Math.min(perAlarm, TRANSITIONS - index * perAlarm));
  const step = (7 * 24 * HOUR) / (perAlarm + 1);
  return Array.from({ length: count }, (_, k) => {
    const at = until - 7 * 24 * HOUR + (k + 1) * step + index * 1_000;
    const alarmNow = k % 2 === 0;
    const value = alarmNow ? 812345.5 : 412877;
    const state = (stateValue, v) => ({
      stateValue,
      stateReason: `Threshold Crossed: 3 out of the last 3 datapoints were ${stateValue === 'ALARM' ? '' : 'not '}greater than the threshold (500000.0).`,
      stateReasonData: { version: '1.0', statistic: 'Average', period: 60, recentDatapoints: [v, v, v], threshold: 500000.0 },
    });
    return {
      AlarmName: alarm.AlarmName,
      AlarmType: 'MetricAlarm',
      Timestamp: at / 1000,
      HistoryItemType: 'StateUpdate',
      HistorySummary: `Alarm updated from ${alarmNow ? 'OK' : 'ALARM'} to ${alarmNow ? 'ALARM' : 'OK'}`,
      HistoryData: JSON.stringify({
        version: '1.0',
        oldState: state(alarmNow ? 'OK' : 'ALARM', alarmNow ? 412877 : 812345.5),
        newState: state(alarmNow ? 'ALARM' : 'OK', value),
      }),
    };
  });
}

/** The stub: every read capture makes, answered at once. */
function startStub(until) {
  const world = alarms();
  const items = new Map(world.map((a, i) => [a.AlarmName, history(a, i, until)]));
  const created = (until - 30 * 24 * HOUR) / 1000;
  const variant = { VariantName: 'v2', CurrentInstanceCount: 2, DesiredInstanceCount: 2, CurrentWeight: 1, DesiredWeight: 1 };
  const answers = {
    'SageMaker.DescribeEndpoint': () => ({
      EndpointName: ENDPOINT,
      EndpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${ENDPOINT}`,
      EndpointConfigName: `${ENDPOINT}-config-v2`,
      EndpointStatus: 'InService',
      ProductionVariants: [variant],
      CreationTime: created,
      LastModifiedTime: created,
    }),
    'SageMaker.DescribeEndpointConfig': () => ({
      EndpointConfigName: `${ENDPOINT}-config-v2`,
      ProductionVariants: [{ VariantName: 'v2', ModelName: `${ENDPOINT}-v2`, InitialInstanceCount: 2, InstanceType: 'ml.m5.large' }],
      CreationTime: created,
    }),
    'SageMaker.ListPipelineExecutions': () => ({ PipelineExecutionSummaries: [] }),
    'SageMaker.ListProcessingJobs': () => ({ ProcessingJobSummaries: [] }),
    'AnyScaleFrontendService.DescribeScalableTargets': () => ({ ScalableTargets: [] }),
    'CodePipeline_20150709.ListPipelineExecutions': () => ({ pipelineExecutionSummaries: [] }),
    'GraniteServiceVersion20100801.DescribeAlarms': () => ({ MetricAlarms: world, CompositeAlarms: [] }),
    'GraniteServiceVersion20100801.DescribeAlarmHistory': (input) => {
      const all = items.get(input.AlarmName) ?? [];
      const from = Number(input.NextToken ?? 0);
      const page = all.slice(from, from + (input.MaxRecords ?? 100));
      return { AlarmHistoryItems: page, ...(from + page.length < all.length ? { NextToken: String(from + page.length) } : {}) };
    },
  };
  let calls = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      calls += 1;
      const target = String(req.headers['x-amz-target'] ?? '');
      const answer = answers[target];
      const json = String(req.headers['content-type'] ?? '').includes('1.0') ? '1.0' : '1.1';
      if (!answer) {
        res.writeHead(400, { 'content-type': `application/x-amz-json-${json}` });
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `the bench stub does not answer ${target || req.url}` }));
        return;
      }
      const body = JSON.stringify(answer(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')));
      res.writeHead(200, { 'content-type': `application/x-amz-json-${json}`, 'x-amzn-requestid': `bench-${calls}` });
      res.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}`, calls: () => calls })),
  );
}

function runCli(args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'bin/medic.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

export async function run() {
  const until = Date.now();
  const stub = await startStub(until);
  const env = {
    PATH: process.env.PATH ?? '',
    NO_COLOR: '1',
    AWS_ENDPOINT_URL: stub.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const runs = [];
  try {
    for (let i = 0; i < RUNS; i += 1) {
      const dir = tmpPath('capture', `run-${i}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(join(dir, '..'), { recursive: true });
      const capture = await runCli(['capture', '--endpoint', ENDPOINT, '--since', '7d', '--events', dir], env);
      if (capture.code !== 0) throw new Error(`capture exit ${capture.code}: ${capture.stderr.trim()}`);
      const files = readdirSync(dir).filter((n) => n.endsWith('.json') && n !== 'aws-state.json').length;
      const backtest = await runCli(['backtest', dir, '--json'], env);
      if (backtest.code !== 0) throw new Error(`backtest exit ${backtest.code}: ${backtest.stderr.trim()}`);
      const summary = JSON.parse(backtest.stdout);
      runs.push({
        files,
        events: summary.events,
        capture: capture.seconds,
        backtest: backtest.seconds,
        total: capture.seconds + backtest.seconds,
      });
      console.log(
        `  run ${i + 1}: capture ${capture.seconds.toFixed(2)} s (${files} event files), backtest ${backtest.seconds.toFixed(2)} s (${summary.events} events)`,
      );
    }
  } finally {
    stub.server.close();
  }
  const median = [...runs].sort((a, b) => a.total - b.total)[Math.floor(runs.length / 2)];
  return {
    transitions: TRANSITIONS,
    alarms: ALARMS,
    awsCalls: stub.calls(),
    runs,
    median,
    budget: { seconds: TIME_BUDGET_S, value: median.total, pass: median.total < TIME_BUDGET_S },
  };
}

await runAsScript(import.meta.url, run);
