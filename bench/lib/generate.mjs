// Generated, realistic inputs for the benchmarks: a world of N SageMaker endpoints
// (recorded-state layout of events/aws-state.json) and its alarms' DescribeAlarms entries,
// runbooks of any size, alarm events (ALARM and OK) and endpoint state changes, all derived from
// the sample files so that their shapes are the ones AWS sends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './common.mjs';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';

export function endpointName(i) {
  return `svc-${String(i).padStart(3, '0')}-prod`;
}

/**
 * Recorded AWS state with `count` InService endpoints: even ones have two variants (blue 0.9,
 * green 0.1) and an auto scaling target on blue; odd ones have one variant without a target.
 * Each has an endpoint-config history, so rollback has something to roll back to.
 */
export function generateWorld(count) {
  const endpoints = {};
  const scalableTargets = [];
  const history = {};
  for (let i = 0; i < count; i++) {
    const name = endpointName(i);
    const twoVariants = i % 2 === 0;
    const variant = (variantName, weight, instances) => ({
      VariantName: variantName,
      DeployedImages: [
        {
          SpecifiedImage: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/model-${i}:1.${i}.0`,
          ResolvedImage: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/model-${i}@sha256:${String(i).padStart(64, 'a')}`,
          ResolutionTime: '2026-11-12T10:02:44.913Z',
        },
      ],
      CurrentWeight: weight,
      DesiredWeight: weight,
      CurrentInstanceCount: instances,
      DesiredInstanceCount: instances,
    });
    endpoints[name] = {
      EndpointName: name,
      EndpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${name}`,
      EndpointConfigName: `${name}-config-v3`,
      ProductionVariants: twoVariants ? [variant('blue', 0.9, 2), variant('green', 0.1, 1)] : [variant('AllTraffic', 1, 2)],
      EndpointStatus: 'InService',
      CreationTime: '2026-08-04T13:27:09.412Z',
      LastModifiedTime: '2026-11-12T10:14:31.077Z',
    };
    if (twoVariants) {
      scalableTargets.push({
        ServiceNamespace: 'sagemaker',
        ResourceId: `endpoint/${name}/variant/blue`,
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 2,
        MaxCapacity: 6,
        RoleARN: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
        CreationTime: '2026-08-04T13:40:00.000Z',
      });
    }
    history[name] = [`${name}-config-v2`, `${name}-config-v3`];
  }
  return {
    sagemaker: { endpoints },
    applicationAutoScaling: { scalableTargets },
    cloudwatch: { alarms: [] },
    history: { endpointConfigs: history },
  };
}

/** Metrics alarms watch, with the rule that fits each (as the shipped runbook treats them). */
const METRICS = [
  { name: 'ModelLatency', slug: 'model-latency', namespace: 'AWS/SageMaker', actions: ['scale', 'notify'] },
  { name: 'OverheadLatency', slug: 'overhead-latency', namespace: 'AWS/SageMaker', actions: ['scale', 'notify'] },
  { name: 'CPUUtilization', slug: 'cpu-high', namespace: '/aws/sagemaker/Endpoints', actions: ['scale', 'notify'] },
  { name: 'MemoryUtilization', slug: 'memory-high', namespace: '/aws/sagemaker/Endpoints', actions: ['scale', 'notify'] },
  { name: 'GPUUtilization', slug: 'gpu-high', namespace: '/aws/sagemaker/Endpoints', actions: ['scale', 'notify'] },
  { name: 'Invocation5XXErrors', slug: '5xx', namespace: 'AWS/SageMaker', actions: ['shift-traffic', 'notify'] },
  { name: 'Invocation4XXErrors', slug: '4xx', namespace: 'AWS/SageMaker', actions: ['notify'] },
  { name: 'Invocations', slug: 'invocations-low', namespace: 'AWS/SageMaker', actions: ['notify'] },
];
const WINDOWS = ['1m', '5m', '15m', 'p90', 'p99', 'burst', 'sustained', 'night', 'weekend', 'canary', 'peak', 'trend', 'slo'];

function actionYaml(type, severity) {
  switch (type) {
    case 'scale':
      return '      - scale: { by: 1, max: 6 }';
    case 'shift-traffic':
      return '      - shift-traffic: { to: previous, weight: 100 }';
    default:
      return `      - notify: { topic: ops, severity: ${severity} }`;
  }
}

/** The alarm a per-alarm rule is written for: distinct per (endpoint, metric, window). */
export function alarmFor(index, endpoints) {
  const endpoint = endpointName(index % endpoints);
  const metric = METRICS[Math.floor(index / endpoints) % METRICS.length];
  const window = WINDOWS[Math.floor(index / (endpoints * METRICS.length)) % WINDOWS.length];
  const round = Math.floor(index / (endpoints * METRICS.length * WINDOWS.length));
  return { endpoint, metric, alarm: `${endpoint}-${metric.slug}-${window}${round ? `-${round}` : ''}` };
}

/**
 * A runbook of exactly `size` rules, shaped like a large real one:
 * - most rules name one alarm (`alarm: <name>`): distinct alarm names over the endpoints,
 *   metrics and evaluation windows;
 * - one in ten matches an endpoint and a list of metrics, with a breach direction;
 * - one in twelve is a Model Monitor rule on an endpoint (data quality with drift violations);
 * - about one in a hundred (at least three) uses globs: alarm-name prefixes and suffixes,
 *   endpoint suffixes and a bare `*canary*`, spread through the file;
 * - the last rule is the catch-all `{ kind: alarm, state: ALARM }` -> notify.
 * Returns the YAML text and where the interesting rules are.
 */
export function generateRunbook(size, endpoints = 100) {
  const rules = [];
  const alarmRules = []; // [position, alarm]
  const globEvery = Math.max(2, Math.floor(size / Math.max(3, Math.round(size / 100))));
  let alarmIndex = 0;
  let globIndex = 0;
  for (let position = 0; position < size - 1; position++) {
    if (size > 3 && position % globEvery === Math.floor(globEvery / 2)) {
      const k = globIndex++;
      const globs = [
        `match: { kind: alarm, state: ALARM, alarm: "batch-${k}-*" }`,
        `match: { kind: alarm, state: ALARM, alarm: "*-shadow-${k}" }`,
        `match: { kind: alarm, endpoint: "*-staging-${k}", metric: ModelLatency }`,
        `match: { kind: alarm, state: ALARM, alarm: "*canary-${k}*" }`,
      ];
      rules.push(`  - id: glob-${k}\n    ${globs[k % globs.length]}\n    actions:\n${actionYaml('notify', 'low')}`);
      continue;
    }
    if (position % 12 === 7) {
      const endpoint = endpointName(position % endpoints);
      rules.push(
        `  - id: drift-${position}\n    match: { kind: monitoring, monitoringType: DataQuality, status: CompletedWithViolations, endpoint: ${endpoint}, violations: { check: baseline_drift_check, atLeast: 2 } }\n    actions:\n${actionYaml('notify', 'medium')}\n    cooldown: 6h`,
      );
      continue;
    }
    if (position % 10 === 3) {
      const endpoint = endpointName((position * 7) % endpoints);
      rules.push(
        `  - id: saturation-${position}\n    match: { kind: alarm, state: ALARM, endpoint: ${endpoint}, metric: [CPUUtilization, GPUUtilization], breach: above }\n    actions:\n${actionYaml('scale')}\n${actionYaml('notify', 'high')}\n    cooldown: 10m`,
      );
      continue;
    }
    const target = alarmFor(alarmIndex++, endpoints);
    alarmRules.push({ position, ...target });
    rules.push(
      `  - id: alarm-${position}\n    match: { kind: alarm, state: ALARM, alarm: ${target.alarm} }\n    actions:\n${target.metric.actions.map((a) => actionYaml(a, 'high')).join('\n')}\n    cooldown: 10m`,
    );
  }
  rules.push(
    `  - id: other-alarm-notify\n    match: { kind: alarm, state: ALARM }\n    actions:\n${actionYaml('notify', 'low')}\n    cooldown: 1h`,
  );
  const text = [
    'version: 1',
    'defaults: { mode: live, cooldown: 15m, scale: { max: 8, min: 1 }, maxRemediationsPerHour: 6, lockLease: 5m, dedupe: 24h }',
    'topics:',
    `  ops: arn:aws:sns:${REGION}:${ACCOUNT}:model-medic-ops`,
    `  ml-team: arn:aws:sns:${REGION}:${ACCOUNT}:model-medic-ml-team`,
    'rules:',
    ...rules,
    '',
  ].join('\n');
  return { text, size: rules.length, alarmRules };
}

const template = JSON.parse(readFileSync(join(ROOT, 'events', '01-alarm-latency-churn-prod.json'), 'utf8'));
/** The same alarm's ALARM -> OK transition (event 11): the recovery. */
const okTemplate = JSON.parse(readFileSync(join(ROOT, 'events', '11-alarm-ok-latency-churn-prod.json'), 'utf8'));
const TEMPLATES = { ALARM: template, OK: okTemplate };

/**
 * An ALARM state change for one alarm on one endpoint/variant (event 01 with the names
 * changed), above its threshold; `at` sets its time and state timestamp (a new occurrence).
 * `{ state: 'OK' }` gives the recovery instead (event 11: OK, previous state ALARM).
 * Built by copying only the parts that change and sharing the rest (the long reason texts),
 * so that holding thousands of events in the benchmark does not itself load the heap: a
 * Lambda holds one parsed event at a time.
 */
export function alarmEvent({ alarm, endpoint, variant, metric }, at, id, { state = 'ALARM' } = {}) {
  const when = new Date(at).toISOString();
  const template = TEMPLATES[state];
  if (!template) throw new Error(`alarmEvent: no template for state ${state}`);
  const detail = template.detail;
  const first = detail.configuration.metrics[0];
  return {
    ...template,
    id,
    time: `${when.slice(0, 19)}Z`,
    resources: [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${alarm}`],
    detail: {
      ...detail,
      alarmName: alarm,
      state: { ...detail.state, timestamp: when.replace('Z', '+0000') },
      configuration: {
        ...detail.configuration,
        description: `${endpoint} ${metric.name} above threshold`,
        metrics: [
          {
            ...first,
            metricStat: {
              ...first.metricStat,
              metric: {
                ...first.metricStat.metric,
                name: metric.name,
                namespace: metric.namespace,
                dimensions: variant ? { EndpointName: endpoint, VariantName: variant } : { EndpointName: endpoint },
              },
            },
          },
        ],
      },
    },
  };
}

export function variantOf(endpointIndex) {
  return endpointIndex % 2 === 0 ? 'blue' : 'AllTraffic';
}

const endpointTemplate = JSON.parse(readFileSync(join(ROOT, 'events', '35-endpoint-state-churn-prod-updating.json'), 'utf8'));

/**
 * A SageMaker Endpoint State Change (event 35 with the names changed) for endpoint `i` of
 * generateWorld: `status` as the event spells it (UPDATING, IN_SERVICE, ...), at `at`; its config
 * is the endpoint's live one, so an IN_SERVICE records no new config.
 */
export function endpointStateEvent(endpointIndex, status, at, id) {
  const name = endpointName(endpointIndex);
  const variants =
    endpointIndex % 2 === 0
      ? [
          { VariantName: 'blue', CurrentWeight: 0.9, DesiredWeight: 0.9, CurrentInstanceCount: 2, DesiredInstanceCount: 2 },
          { VariantName: 'green', CurrentWeight: 0.1, DesiredWeight: 0.1, CurrentInstanceCount: 1, DesiredInstanceCount: 1 },
        ]
      : [{ VariantName: 'AllTraffic', CurrentWeight: 1, DesiredWeight: 1, CurrentInstanceCount: 2, DesiredInstanceCount: 2 }];
  return {
    ...endpointTemplate,
    id,
    time: `${new Date(at).toISOString().slice(0, 19)}Z`,
    resources: [`arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${name}`],
    detail: {
      ...endpointTemplate.detail,
      EndpointName: name,
      EndpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${name}`,
      EndpointConfigName: `${name}-config-v3`,
      ProductionVariants: variants,
      EndpointStatus: status,
      LastModifiedTime: at,
    },
  };
}

/**
 * The DescribeAlarms entry (MetricAlarm) of an alarm of alarmEvent, in `state` since `at`: what a
 * recorded state file holds for it, so a ladder check can read the alarm.
 */
export function describedAlarm({ alarm, endpoint, variant, metric }, state, at) {
  const when = new Date(at).toISOString();
  return {
    AlarmName: alarm,
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${alarm}`,
    AlarmDescription: `${endpoint} ${metric.name} above threshold`,
    AlarmConfigurationUpdatedTimestamp: '2026-10-14T09:30:12.584Z',
    ActionsEnabled: true,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    StateValue: state,
    StateReason: `Threshold Crossed (generated for the benchmarks): ${state}`,
    StateUpdatedTimestamp: when,
    StateTransitionedTimestamp: when,
    MetricName: metric.name,
    Namespace: metric.namespace,
    Statistic: 'Average',
    Dimensions: [{ Name: 'EndpointName', Value: endpoint }, ...(variant ? [{ Name: 'VariantName', Value: variant }] : [])],
    Period: 60,
    EvaluationPeriods: 3,
    DatapointsToAlarm: 3,
    Threshold: 500000,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'missing',
  };
}

/** Deterministic numbers in [0, 1) from a seed (mulberry32): generated inputs are the same every run. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export { METRICS };
