/**
 * The deployable stack, checked offline: `osls package` runs once per stage (prod and local, in
 * parallel, each in its own copy of the service) and the generated CloudFormation is inspected:
 * functions, rules, queue, table, topic, alarms, async settings; an IAM linter over every policy
 * statement; every EventBridge rule pattern evaluated against every sample event; and
 * `osls invoke local` on the local stage, with no AWS credentials at all.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../shared/signals/envelope.js';
import { OPERATOR_DETAIL_TYPES, OPERATOR_SOURCE, parseOperatorEvent } from '../../shared/signals/operator.js';
import { ATTR, createTableInput } from '../../shared/state/table-layout.js';
import { matchesPattern } from '../support/eventbridge-pattern.js';
import { EVENTS_DIR, INVALID_DIR } from '../support/samples.js';
import { ACCOUNT, CfnEvaluator, dependencyCycle, type IamStatement, normalizeStatements, REGION, resourceDependencies } from './cfn.js';
import { type CfnResource, type CfnTemplate, copyService, type PackagedStack, packageStack, runOsls, zipFile } from './package-stack.js';

const FUNCTIONS = {
  alarm: { logicalId: 'AlarmLambdaFunction', role: 'AlarmFunctionRole', rule: 'model-medic-prod-alarm-state' },
  monitoring: { logicalId: 'MonitoringLambdaFunction', role: 'MonitoringFunctionRole', rule: 'model-medic-prod-processing-job-terminal' },
  'endpoint-state': {
    logicalId: 'EndpointDashstateLambdaFunction',
    role: 'EndpointStateFunctionRole',
    rule: 'model-medic-prod-endpoint-state',
  },
} as const;
type Entry = keyof typeof FUNCTIONS;
const ENTRIES = Object.keys(FUNCTIONS) as Entry[];
/** The alarm function's second rule: operator events, on the stack's own bus. */
const OPERATOR = { bus: 'model-medic-prod-operator', rule: 'model-medic-prod-operator-events', logicalId: 'OperatorBus' } as const;
/** Every rule of the stack: one per function on the default bus, and the operator rule. */
type RuleKey = Entry | 'operator';
const RULE_KEYS: RuleKey[] = [...ENTRIES, 'operator'];
const OPERATOR_DIR = join(EVENTS_DIR, 'operator');
/** A stage that renames the bus (params.<stage>.operatorBus). */
const RENAMED_BUS = 'ops-controls-medic';

let prod: PackagedStack;
let local: PackagedStack;
let renamed: PackagedStack;
let invokeOutput: string;
let invokeMs: number;

beforeAll(async () => {
  const started = Date.now();
  const invokeLocal = async () => {
    const service = copyService();
    try {
      const t = Date.now();
      const { stdout } = await runOsls(service.dir, [
        'invoke',
        'local',
        '-f',
        'alarm',
        '-p',
        'events/01-alarm-latency-churn-prod.json',
        '--stage',
        'local',
      ]);
      invokeMs = Date.now() - t;
      return stdout;
    } finally {
      service.remove();
    }
  };
  [prod, local, renamed, invokeOutput] = await Promise.all([
    packageStack('prod'),
    packageStack('local'),
    packageStack('prod', { operatorBus: RENAMED_BUS }),
    invokeLocal(),
  ]);
  const sizes = Object.entries(prod.zips).map(([name, zip]) => {
    const bundle = zip.entries.find((e) => /^functions\/.+\.mjs$/.test(e.name));
    return `${name} ${kib(zip.bytes)} zipped (bundle ${kib(bundle?.size ?? 0)}, ${zip.entries.length} files)`;
  });
  console.log(
    [
      `osls package: prod ${prod.packageMs} ms, local ${local.packageMs} ms (in parallel); invoke local ${invokeMs} ms; setup ${Date.now() - started} ms`,
      ...sizes,
    ].join('\n'),
  );
}, 300_000);

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function props(template: CfnTemplate, id: string): Record<string, unknown> {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`no resource ${id}`);
  return resource.Properties ?? {};
}

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

describe('packaged prod stack', () => {
  it('has exactly the resources the stack is meant to create', () => {
    const types = Object.values(prod.template.Resources)
      .map((r) => r.Type)
      .sort();
    const count = (type: string) => types.filter((t) => t === type).length;
    expect(count('AWS::Lambda::Function')).toBe(3);
    expect(count('AWS::Lambda::EventInvokeConfig')).toBe(3);
    expect(count('AWS::Events::Rule')).toBe(4); // one per function, and the operator rule (alarm function)
    expect(count('AWS::Events::EventBus')).toBe(1); // the operator bus, its policy inline
    expect(count('AWS::Events::EventBusPolicy')).toBe(0);
    expect(count('AWS::Lambda::Permission')).toBe(4);
    expect(count('AWS::IAM::Role')).toBe(4); // one per function, and the one EventBridge Scheduler assumes
    expect(count('AWS::Scheduler::ScheduleGroup')).toBe(1);
    expect(count('AWS::Logs::LogGroup')).toBe(3);
    expect(count('AWS::DynamoDB::Table')).toBe(1);
    expect(count('AWS::SQS::Queue')).toBe(1);
    expect(count('AWS::SQS::QueuePolicy')).toBe(1);
    expect(count('AWS::SNS::Topic')).toBe(1);
    expect(count('AWS::SNS::Subscription')).toBe(1);
    expect(count('AWS::KMS::Key')).toBe(1);
    expect(count('AWS::CloudWatch::Alarm')).toBe(9);
    // No custom resources (no helper Lambda), no framework-made execution role.
    expect(types.filter((t) => t.startsWith('Custom::') || t === 'AWS::CloudFormation::CustomResource')).toEqual([]);
    expect(prod.template.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it.each(ENTRIES)('function %s: nodejs22.x on arm64, its own role, the full environment', (entry) => {
    const { logicalId, role } = FUNCTIONS[entry];
    const fn = props(prod.template, logicalId);
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe(`functions/${entry}.handler`);
    expect(fn.Role).toEqual(getAtt(role));
    expect(fn.Timeout).toBeGreaterThanOrEqual(30);
    const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({
      MEDIC_TABLE: { Ref: 'StateTable' },
      MEDIC_FAILURE_QUEUE_URL: { Ref: 'FailureQueue' },
      MEDIC_RUNBOOK_FILE: 'runbook.compiled.json',
      MEDIC_RUNBOOK_PARAMETER: '/model-medic/prod/runbook',
      MEDIC_OPS_TOPIC_ARN: { Ref: 'OpsTopic' },
      OPS_TOPIC_ARN: { Ref: 'OpsTopic' },
      MEDIC_ALLOWED_ACCOUNTS: { Ref: 'AWS::AccountId' },
      MEDIC_ALLOWED_REGIONS: { Ref: 'AWS::Region' },
      MEDIC_WRITES: 'on',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_SERVICE_NAME: 'model-medic',
      POWERTOOLS_METRICS_NAMESPACE: 'ModelMedic',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(env.ML_TEAM_TOPIC_ARN).toBeDefined();
    expect(env.MEDIC_AWS_STATE).toBeUndefined();
    expect(Number(env.MEDIC_RUNBOOK_TTL_SECONDS)).toBeGreaterThan(0);
  });

  it.each(ENTRIES)('function %s: async retries 2, event age 1 h, on-failure destination the failure queue', (entry) => {
    const [, config] = resourcesOfType(prod.template, 'AWS::Lambda::EventInvokeConfig').find(
      ([, r]) => JSON.stringify(r.Properties?.FunctionName) === JSON.stringify({ Ref: FUNCTIONS[entry].logicalId }),
    ) ?? [undefined, undefined];
    expect(config?.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: getAtt('FailureQueue') } },
    });
  });

  it('each function has one EventBridge rule on the default bus with a retry policy and the failure queue as dead-letter queue', () => {
    const rules = resourcesOfType(prod.template, 'AWS::Events::Rule').map(([, r]) => r.Properties ?? {});
    expect(rules.map((r) => r.Name).sort()).toEqual([...ENTRIES.map((e) => FUNCTIONS[e].rule), OPERATOR.rule].sort());
    for (const entry of ENTRIES) {
      const rule = rules.find((r) => r.Name === FUNCTIONS[entry].rule);
      expect(rule?.State).toBe('ENABLED');
      expect(rule?.EventBusName).toBeUndefined(); // the default bus
      const targets = rule?.Targets as Array<Record<string, unknown>>;
      expect(targets).toHaveLength(1);
      expect(targets[0]).toMatchObject({
        Arn: getAtt(FUNCTIONS[entry].logicalId),
        RetryPolicy: { MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: getAtt('FailureQueue') },
      });
    }
    const permissions = resourcesOfType(prod.template, 'AWS::Lambda::Permission').map(([, r]) =>
      new CfnEvaluator(prod.template).evaluate(r.Properties),
    );
    for (const entry of ENTRIES) {
      expect(permissions).toContainEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:model-medic-prod-${entry}`,
        Principal: 'events.amazonaws.com',
        SourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${FUNCTIONS[entry].rule}`,
      });
    }
  });

  it('rule patterns are precise: alarm state changes, terminal processing jobs only, endpoint state changes', () => {
    const patterns = rulePatterns(prod.template);
    expect(patterns.alarm).toEqual({ source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] });
    expect(patterns.monitoring).toEqual({
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Processing Job State Change'],
      detail: { ProcessingJobStatus: ['Completed', 'Failed', 'Stopped'] },
    });
    expect(patterns['endpoint-state']).toEqual({ source: ['aws.sagemaker'], 'detail-type': ['SageMaker Endpoint State Change'] });
    expect(patterns.operator).toEqual({ source: [OPERATOR_SOURCE], 'detail-type': [...OPERATOR_DETAIL_TYPES] });
  });

  it('the failure queue is encrypted, keeps messages 14 days, and only EventBridge rules of this stack may send to it', () => {
    const queue = props(prod.template, 'FailureQueue');
    expect(queue.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(queue.SqsManagedSseEnabled === true || queue.KmsMasterKeyId !== undefined).toBe(true);
    const cfn = new CfnEvaluator(prod.template);
    const policy = cfn.evaluate(props(prod.template, 'FailureQueuePolicy')) as { Queues: string[]; PolicyDocument: { Statement: unknown } };
    const ruleArns = [
      ...ENTRIES.map((e) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${FUNCTIONS[e].rule}`),
      `arn:aws:events:${REGION}:${ACCOUNT}:rule/${OPERATOR.bus}/${OPERATOR.rule}`, // a rule on a custom bus
    ];
    expect(policy.Queues).toEqual([cfn.ref('FailureQueue')]);
    const statements = normalizeStatements(policy.PolicyDocument.Statement);
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['sqs:SendMessage'],
      Resource: [cfn.getAtt('FailureQueue', 'Arn')],
      Condition: {
        ArnEquals: { 'aws:SourceArn': ruleArns },
      },
    });
    expect(statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
  });

  it('the state table is exactly createTableInput, on demand, with TTL on expiresAt, PITR and encryption', () => {
    const table = props(prod.template, 'StateTable');
    const { TableName: _name, ...expected } = createTableInput('ignored');
    expect(table).toMatchObject(JSON.parse(JSON.stringify(expected)));
    expect(table.AttributeDefinitions).toEqual(expected.AttributeDefinitions);
    expect(table.KeySchema).toEqual(expected.KeySchema);
    expect(table.GlobalSecondaryIndexes).toEqual(expected.GlobalSecondaryIndexes);
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: ATTR.expiresAt, Enabled: true });
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.SSESpecification).toEqual({ SSEEnabled: true });
    expect(prod.template.Resources.StateTable?.DeletionPolicy).toBe('Retain');
  });

  it('the ops topic is encrypted with a key CloudWatch alarms may use; the e-mail subscription is conditional', () => {
    const topic = props(prod.template, 'OpsTopic');
    expect(topic.KmsMasterKeyId).toEqual({ Ref: 'OpsTopicKey' });
    const key = new CfnEvaluator(prod.template).evaluate(props(prod.template, 'OpsTopicKey')) as {
      EnableKeyRotation: boolean;
      KeyPolicy: { Statement: unknown };
    };
    expect(key.EnableKeyRotation).toBe(true);
    const keyStatements = normalizeStatements(key.KeyPolicy.Statement);
    expect(keyStatements).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
    );
    const subscription = prod.template.Resources.OpsTopicEmailSubscription;
    expect(subscription?.Condition).toBe('HasAlertEmail');
    expect(subscription?.Properties).toMatchObject({ TopicArn: { Ref: 'OpsTopic' }, Protocol: 'email' });
    expect(new CfnEvaluator(prod.template).condition('HasAlertEmail')).toBe(false); // no e-mail configured
  });

  it('alarms watch every function (errors, throttles), the failure queue depth, permanent remediation failures and bugs, and notify the ops topic', () => {
    const alarms = resourcesOfType(prod.template, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties ?? {});
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: 'OpsTopic' }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
    for (const entry of ENTRIES) {
      for (const metric of ['Errors', 'Throttles']) {
        expect(alarms).toContainEqual(
          expect.objectContaining({
            Namespace: 'AWS/Lambda',
            MetricName: metric,
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: FUNCTIONS[entry].logicalId } }],
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          }),
        );
      }
    }
    // The functions' own EMF metrics, in the namespace and with the dimension they are emitted with.
    const fn = prod.template.Resources[FUNCTIONS.alarm.logicalId];
    const environment = (fn?.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    for (const metric of ['RemediationsFailed', 'InternalErrors']) {
      expect(alarms).toContainEqual(
        expect.objectContaining({
          Namespace: environment.POWERTOOLS_METRICS_NAMESPACE,
          MetricName: metric,
          Dimensions: [{ Name: 'service', Value: environment.POWERTOOLS_SERVICE_NAME }],
          Threshold: 1,
        }),
      );
    }
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt('FailureQueue', 'QueueName') }],
        Threshold: 1,
      }),
    );
  });

  it('every zip holds the bundle, its chunks (esbuild splitting), their source maps and the compiled runbook, and nothing from node_modules', () => {
    expect(Object.keys(prod.zips).sort()).toEqual(ENTRIES.map((e) => `${e}.zip`).sort());
    for (const entry of ENTRIES) {
      const names = prod.zips[`${entry}.zip`]?.entries.map((e) => e.name) ?? [];
      expect(names).toEqual(expect.arrayContaining([`functions/${entry}.mjs`, `functions/${entry}.mjs.map`, 'runbook.compiled.json']));
      // The runbook ships compiled only: the YAML is what operators edit, not what the functions read.
      expect(names).not.toContain('runbook.yml');
      const others = names.filter(
        (n) => n !== 'runbook.compiled.json' && n !== `functions/${entry}.mjs` && n !== `functions/${entry}.mjs.map`,
      );
      // Chunks only: content-hashed names, each with its map; never another function's handler.
      for (const name of others) expect(name).toMatch(/^functions\/[A-Za-z0-9_.-]+-[A-Z0-9]{8}\.mjs(\.map)?$/);
      for (const name of others.filter((n) => n.endsWith('.mjs'))) expect(names).toContain(`${name}.map`);
      expect(names.filter((n) => n.includes('node_modules'))).toEqual([]);
    }
  });
});

describe('what a cold start loads', () => {
  /** A static import of a sibling chunk in esbuild's minified ESM (`import{a as b}from"./c.mjs"`, `import"./c.mjs"`); never `import(`. */
  const STATIC_IMPORT = /import\s*(?:\{[^}]*\}|\*\s*as\s*[\w$]+|[\w$]+)?\s*(?:from\s*)?"(\.\/[^"]+\.mjs)"/g;
  /** The YAML loader's side of shared/runbook: only a YAML runbook needs them, and they import yaml and zod. */
  const YAML_SIDE = /shared\/runbook\/(load|schema|references|zod-issues|yaml-location|env-document|lint|json-write)\.ts$/;

  it.each(ENTRIES)(
    '%s: the entry and its static imports hold no YAML parser and no runbook schema (the compiled runbook needs neither)',
    (entry) => {
      const zip = prod.zips[`${entry}.zip`] as PackagedStack['zips'][string];
      const read = (name: string) => zipFile(zip.data, name).toString('utf8');
      const sourcesOf = (file: string) => (JSON.parse(read(`${file}.map`)) as { sources: string[] }).sources;
      const loaded = new Set<string>();
      const queue = [`functions/${entry}.mjs`];
      for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
        if (loaded.has(file)) continue;
        loaded.add(file);
        for (const match of read(file).matchAll(STATIC_IMPORT)) queue.push(posix.join(posix.dirname(file), match[1] as string));
      }
      // The source maps name every input of each file (esbuild's metafile, as shipped).
      const sources = [...loaded].flatMap(sourcesOf);
      expect(sources.filter((s) => s.includes('node_modules/yaml/'))).toEqual([]);
      expect(sources.filter((s) => YAML_SIDE.test(s))).toEqual([]);
      // endpoint-state loads no runbook at all; the others load the compiled one.
      expect(sources.some((s) => s.endsWith('shared/runbook/json-read.ts'))).toBe(entry !== 'endpoint-state');
      // A YAML runbook (in the parameter, say) still loads: the parser is in a chunk imported on demand.
      const everything = zip.entries.filter((e) => e.name.endsWith('.mjs')).flatMap((e) => sourcesOf(e.name));
      expect(everything.some((s) => s.includes('node_modules/yaml/'))).toBe(true);
    },
  );
});

describe('what each function bundles: only the SDK clients its role lets it call, nothing browser-only', () => {
  /** IAM's prefix for each client (shared/aws/loaders/<service>.ts). */
  const IAM_PREFIX: Record<string, string> = {
    'application-auto-scaling': 'application-autoscaling',
    cloudwatch: 'cloudwatch',
    codepipeline: 'codepipeline',
    dynamodb: 'dynamodb',
    eventbridge: 'events',
    s3: 's3',
    sagemaker: 'sagemaker',
    scheduler: 'scheduler',
    sns: 'sns',
    sqs: 'sqs',
    ssm: 'ssm',
    sts: 'sts',
  };
  /**
   * The files a function can ever load: its entry and every chunk reachable from it through
   * static imports and import() (read from the minified code in the zip). serverless-esbuild
   * builds every function into one folder and zips that folder's chunks into every function's
   * zip, so a zip also carries other functions' chunks, which its entry never reaches.
   */
  const reachable = (entry: Entry): string[] => {
    const zip = prod.zips[`${entry}.zip`];
    const seen = new Set([`functions/${entry}.mjs`]);
    const queue = [...seen];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      const code = zipFile(zip?.data as Buffer, name).toString('utf8');
      for (const m of code.matchAll(/(?:from|import)\s*\(?\s*["'](\.\/[^"']+\.mjs)["']/g)) {
        const target = join(dirname(name), m[1] as string);
        if (!seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
    return [...seen];
  };
  /** The inputs of the files a function can load, from their source maps (zipped next to them). */
  const reachableSources = (entry: Entry): string[] =>
    reachable(entry).flatMap(
      (name) =>
        (JSON.parse(zipFile(prod.zips[`${entry}.zip`]?.data as Buffer, `${name}.map`).toString('utf8')) as { sources: string[] }).sources,
    );
  /**
   * The SDK clients among them, by package (@aws-sdk/client-<service>, as shared/aws/clients/ names
   * them; the SDK's own credential chain uses @aws-sdk/nested-clients, which is not a client of ours).
   */
  const clientModules = (entry: Entry) =>
    [...new Set(reachableSources(entry).map((source) => /node_modules\/@aws-sdk\/client-([a-z0-9-]+)\//.exec(source)?.[1]))]
      .filter((name): name is string => name !== undefined)
      .sort();
  const rolePrefixes = (entry: Entry) => {
    const cfn = new CfnEvaluator(prod.template);
    const role = cfn.evaluate(props(prod.template, FUNCTIONS[entry].role)) as {
      Policies: Array<{ PolicyDocument: { Statement: unknown } }>;
    };
    const actions = role.Policies.flatMap((p) => normalizeStatements(p.PolicyDocument.Statement)).flatMap((s) => s.Action);
    return new Set(actions.map((a) => a.split(':')[0] ?? a));
  };

  /** Each function lists its clients next to its handler. */
  const CLIENTS_OF: Record<Entry, () => Promise<{ CLIENTS: ReadonlyArray<{ service: string }> }>> = {
    alarm: () => import('../../functions/alarm.js'),
    monitoring: () => import('../../functions/monitoring.js'),
    'endpoint-state': () => import('../../functions/endpoint-state.js'),
  };

  it.each(ENTRIES)(
    '%s: the clients its functions/ file lists (and DynamoDB), each allowed by its role, and no other client',
    async (entry) => {
      const { CLIENTS } = await CLIENTS_OF[entry]();
      const services = [...CLIENTS.map((c) => c.service), 'dynamodb'].sort();
      expect(clientModules(entry)).toEqual(services);
      const prefixes = rolePrefixes(entry);
      for (const service of services) expect(prefixes, `${entry} may call ${service}`).toContain(IAM_PREFIX[service]);
      // And the other way: every AWS service the role grants (but logs, kms, iam: no client of ours) has its client.
      const granted = [...prefixes].filter((p) => !['logs', 'kms', 'iam'].includes(p)).sort();
      expect(granted).toEqual(services.map((s) => IAM_PREFIX[s]).sort());
    },
  );

  it.each(ENTRIES)('%s: nothing browser-only: bowser (the SDK browser user-agent parser) is neither zipped nor reachable', (entry) => {
    const names = prod.zips[`${entry}.zip`]?.entries.map((e) => e.name) ?? [];
    expect(names.filter((n) => /bowser/i.test(n) && !/no-bowser/.test(n))).toEqual([]);
    expect(reachableSources(entry).filter((source) => /node_modules\/bowser\//.test(source))).toEqual([]);
  });
});

describe('the packaged prod bundle, run as Lambda would', () => {
  /** Unpacks alarm.zip and runs its handler in a fresh Node process (ESM, source maps), offline. */
  async function runPackagedAlarm(eventFile: string, env: Record<string, string>): Promise<Record<string, unknown>> {
    const dir = mkdtempSync(join(tmpdir(), 'medic-lambda-'));
    try {
      const zip = prod.zips['alarm.zip']?.data as Buffer;
      // The entry, its chunks (esbuild splitting) and their maps, and the compiled runbook: the whole zip.
      for (const { name } of prod.zips['alarm.zip']?.entries ?? []) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), zipFile(zip, name));
      }
      const script = [
        "import { readFileSync } from 'node:fs';",
        `const { handler } = await import(${JSON.stringify(join(dir, 'functions/alarm.mjs'))});`,
        `const event = JSON.parse(readFileSync(${JSON.stringify(eventFile)}, 'utf8'));`,
        "const context = { awsRequestId: 'r-1', functionName: 'model-medic-prod-alarm', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:model-medic-prod-alarm', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 60000 };",
        'process.stdout.write(JSON.stringify(await handler(event, context)));',
      ].join('\n');
      const { stdout } = await promisify(execFile)(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
        cwd: tmpdir(),
        env: {
          PATH: process.env.PATH ?? '',
          LAMBDA_TASK_ROOT: dir,
          AWS_REGION: 'us-east-1',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
          MEDIC_RUNBOOK_FILE: 'runbook.compiled.json',
          ...env,
        },
        timeout: 60_000,
      });
      // Powertools metrics print their EMF lines to stdout first; the handler's result is the last line.
      return JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? '') as Record<string, unknown>;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('loads as ESM, finds the compiled runbook under LAMBDA_TASK_ROOT and decides (recorded AWS state, no writes)', async () => {
    const report = await runPackagedAlarm(join(EVENTS_DIR, '01-alarm-latency-churn-prod.json'), {
      MEDIC_AWS_STATE: join(EVENTS_DIR, 'aws-state.json'),
      MEDIC_WRITES: 'off',
    });
    expect(report).toMatchObject({ rule: 'latency-scale-out', error: null });
    expect((report.actions as Array<{ status: string }>).map((a) => a.status)).toEqual(['planned', 'planned']);
  });

  it('refuses a malformed event without retrying (no queue configured here, so it is only logged)', async () => {
    const report = await runPackagedAlarm(join(INVALID_DIR, 'no-detail.json'), {
      MEDIC_AWS_STATE: join(EVENTS_DIR, 'aws-state.json'),
      MEDIC_WRITES: 'off',
    });
    expect(report.errorKind).toBe('invalid-event');
  });
});

describe('IAM: least privilege, statement by statement', () => {
  type Role = { entry: Entry; statements: IamStatement[] };
  let roles: Role[];
  let cfn: CfnEvaluator;

  beforeAll(() => {
    cfn = new CfnEvaluator(prod.template);
    roles = ENTRIES.map((entry) => {
      const role = cfn.evaluate(props(prod.template, FUNCTIONS[entry].role)) as {
        Policies: Array<{ PolicyDocument: { Statement: unknown } }>;
        ManagedPolicyArns?: unknown;
        AssumeRolePolicyDocument: { Statement: unknown };
      };
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(normalizeStatements(role.AssumeRolePolicyDocument.Statement)).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: ['sts:AssumeRole'], Resource: [] },
      ]);
      return { entry, statements: role.Policies.flatMap((p) => normalizeStatements(p.PolicyDocument.Statement)) };
    });
  });

  const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  /** Reads that have no resource-level permissions, so "*" is the only possible resource. */
  const READS_ON_ANY_RESOURCE = new Set(['application-autoscaling:DescribeScalableTargets', 'cloudwatch:DescribeAlarms']);
  const isRead = (action: string) => /^[a-z0-9-]+:(Describe|Get|List|Query|Decrypt)/.test(action);

  const allowedOf = (entry: Entry) => (roles.find((r) => r.entry === entry) as Role).statements.filter((s) => s.Effect === 'Allow');
  const actionsOf = (entry: Entry) => new Set(allowedOf(entry).flatMap((s) => s.Action));
  const resourcesFor = (entry: Entry, action: string) =>
    allowedOf(entry)
      .filter((s) => s.Action.includes(action))
      .flatMap((s) => s.Resource)
      .sort();

  it.each(ENTRIES)('%s: no wildcard action, no "*" resource on a write, every resource an ARN of its service', (entry) => {
    for (const statement of allowedOf(entry)) {
      for (const action of statement.Action) {
        expect(action, `${statement.Sid}`).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/); // no "*" and no "service:*"
      }
      expect(statement.Resource.length, `${statement.Sid} has resources`).toBeGreaterThan(0);
      for (const resource of statement.Resource) {
        if (resource === '*') {
          for (const action of statement.Action) expect(READS_ON_ANY_RESOURCE.has(action), `${action} on "*"`).toBe(true);
          continue;
        }
        for (const action of statement.Action) {
          const service = action.split(':')[0] as string;
          const arnService = { 'application-autoscaling': 'application-autoscaling' }[service] ?? service;
          expect(resource, `${action}`).toMatch(new RegExp(`^arn:aws:${arnService}:`));
        }
      }
      // A wildcard account is only acceptable when a condition pins the resource account.
      if (statement.Resource.some((r) => /^arn:aws:[^:]+:[^:]*:\*:/.test(r))) {
        expect(statement.Condition?.StringEquals?.['aws:ResourceAccount'], statement.Sid).toBe(ACCOUNT);
      }
    }
  });

  it.each(ENTRIES)('%s: writes only on the resources this stack owns or was configured with', (entry) => {
    const writes = [...actionsOf(entry)].filter((a) => !isRead(a));
    for (const action of writes) {
      const resources = resourcesFor(entry, action);
      expect(resources).not.toContain('*');
      switch (action) {
        case 'logs:CreateLogStream':
        case 'logs:PutLogEvents':
          expect(resources).toEqual([arn('logs', `log-group:/aws/lambda/model-medic-prod-${entry}:*`)]);
          break;
        case 'dynamodb:PutItem':
        case 'dynamodb:UpdateItem':
        case 'dynamodb:DeleteItem':
          expect(resources).toEqual([cfn.getAtt('StateTable', 'Arn'), `${cfn.getAtt('StateTable', 'Arn')}/index/*`].sort());
          break;
        case 'sqs:SendMessage':
          expect(resources).toEqual([cfn.getAtt('FailureQueue', 'Arn')]);
          break;
        case 'sns:Publish':
          expect(resources).toEqual([cfn.ref('OpsTopic')]); // prod configures no extra runbook topics
          break;
        case 'kms:GenerateDataKey':
          expect(resources).toEqual([cfn.getAtt('OpsTopicKey', 'Arn')]);
          break;
        case 'sagemaker:UpdateEndpointWeightsAndCapacities':
          expect(resources).toEqual([arn('sagemaker', 'endpoint/*-prod')]);
          break;
        case 'sagemaker:UpdateEndpoint':
          expect(resources.filter((r) => r.includes(':endpoint/'))).toEqual([arn('sagemaker', 'endpoint/*-prod')]);
          expect(resources.filter((r) => !r.includes(':endpoint/'))).toEqual([arn('sagemaker', 'endpoint-config/*')]);
          break;
        case 'sagemaker:CreateEndpointConfig':
          expect(resources).toEqual([arn('sagemaker', 'endpoint-config/*-medic-*')]);
          break;
        case 'application-autoscaling:RegisterScalableTarget':
          expect(resources).toEqual([arn('application-autoscaling', 'scalable-target/*')]);
          break;
        case 'sagemaker:StartPipelineExecution':
          expect(resources).toEqual([
            `arn:aws:sagemaker:${REGION}:*:pipeline/churn-retrain`,
            `arn:aws:sagemaker:${REGION}:*:pipeline/fraud-retrain`,
          ]);
          break;
        case 'codepipeline:StartPipelineExecution':
          expect(resources).toEqual([`arn:aws:codepipeline:${REGION}:*:fraud-model-build`]);
          break;
        // --- Ladder timers (alarm only; see "ladder timers" below) ---
        case 'scheduler:CreateSchedule':
        case 'scheduler:DeleteSchedule':
          expect(resources).toEqual([arn('scheduler', 'schedule/model-medic-prod/*')]);
          break;
        case 'iam:PassRole':
          expect(resources).toEqual([cfn.getAtt('CheckSchedulerRole', 'Arn')]);
          break;
        default:
          throw new Error(`${entry} may ${action}: add it to this test with the resources it must be limited to`);
      }
    }
  });

  it.each(ENTRIES)('%s: reads are scoped wherever the API allows it', (entry) => {
    const reads = [...actionsOf(entry)].filter(isRead);
    for (const action of reads) {
      const resources = resourcesFor(entry, action);
      switch (action) {
        case 'dynamodb:GetItem':
        case 'dynamodb:Query':
          expect(resources).toEqual([cfn.getAtt('StateTable', 'Arn'), `${cfn.getAtt('StateTable', 'Arn')}/index/*`].sort());
          break;
        case 'kms:Decrypt':
          expect(resources).toEqual([cfn.getAtt('OpsTopicKey', 'Arn')]);
          break;
        case 'ssm:GetParameter':
          expect(resources).toEqual([arn('ssm', 'parameter/model-medic/prod/runbook')]);
          break;
        case 'sagemaker:DescribeEndpoint':
          expect(resources).toEqual([arn('sagemaker', 'endpoint/*')]);
          break;
        case 'sagemaker:DescribeEndpointConfig':
          expect(resources).toEqual([arn('sagemaker', 'endpoint-config/*')]);
          break;
        case 'sagemaker:DescribeProcessingJob':
          expect(resources).toEqual([arn('sagemaker', 'processing-job/*')]);
          break;
        case 's3:GetObject':
          expect(resources).toEqual([`arn:aws:s3:::sagemaker-${REGION}-${ACCOUNT}/*`]);
          break;
        case 'sagemaker:ListPipelineExecutions':
          expect(resources).toEqual(resourcesFor(entry, 'sagemaker:StartPipelineExecution'));
          break;
        case 'codepipeline:ListPipelineExecutions':
          expect(resources).toEqual(resourcesFor(entry, 'codepipeline:StartPipelineExecution'));
          break;
        case 'application-autoscaling:DescribeScalableTargets':
        case 'cloudwatch:DescribeAlarms':
          expect(resources).toEqual(['*']);
          break;
        default:
          throw new Error(`${entry} may ${action}: add it to this test with the resources it must be limited to`);
      }
    }
  });

  it('each function gets only what its entry needs', () => {
    const endpointActions = [
      'sagemaker:UpdateEndpoint',
      'sagemaker:UpdateEndpointWeightsAndCapacities',
      'sagemaker:CreateEndpointConfig',
      'sagemaker:DescribeEndpointConfig',
      'application-autoscaling:RegisterScalableTarget',
    ];
    // endpoint-state records endpoint states and the live config: state, logs, the failure queue.
    // It loads no runbook, so no parameter and no ops topic.
    expect([...actionsOf('endpoint-state')].sort()).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:SendMessage',
      ].sort(),
    );
    // monitoring reads reports and jobs; alarm reads alarms; neither reads the other's sources.
    expect(actionsOf('monitoring')).toContain('s3:GetObject');
    expect(actionsOf('monitoring')).toContain('sagemaker:DescribeProcessingJob');
    expect(actionsOf('monitoring')).not.toContain('cloudwatch:DescribeAlarms');
    expect(actionsOf('alarm')).toContain('cloudwatch:DescribeAlarms');
    expect(actionsOf('alarm')).not.toContain('s3:GetObject');
    expect(actionsOf('alarm')).not.toContain('sagemaker:DescribeProcessingJob');
    // Both run the same engine, so both may act on endpoints and start retraining.
    for (const entry of ['alarm', 'monitoring'] as const) {
      for (const action of [...endpointActions, 'sagemaker:StartPipelineExecution', 'codepipeline:StartPipelineExecution']) {
        expect(actionsOf(entry)).toContain(action);
      }
    }
  });

  it('no Allow anywhere uses a "*" action, and no resource policy grants to "*" or another account', () => {
    const allowStatements: IamStatement[] = [];
    for (const [id, resource] of Object.entries(prod.template.Resources)) {
      const p = cfn.evaluate(resource.Properties ?? {}) as Record<string, unknown>;
      const documents = [
        ...((p.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []).map((x) => x.PolicyDocument),
        p.PolicyDocument,
        p.KeyPolicy,
        resource.Type === 'AWS::Events::EventBus' ? p.Policy : undefined,
      ].filter(Boolean) as Array<{ Statement: unknown }>;
      for (const document of documents) {
        for (const s of normalizeStatements(document.Statement)) {
          if (s.Effect === 'Allow') allowStatements.push({ ...s, Sid: `${id}:${s.Sid ?? ''}` });
        }
      }
    }
    expect(allowStatements.length).toBeGreaterThan(20);
    for (const s of allowStatements) expect(s.Action, s.Sid).not.toContain('*');
    // Resource policies (queue, key, bus): an Allow names a service or this account, never "*" nor another account.
    const grants = allowStatements.filter((s) => s.Principal !== undefined);
    expect(grants.map((s) => s.Sid)).toEqual(expect.arrayContaining(['OperatorBus:ThisAccountPutsOperatorEvents']));
    for (const s of grants) {
      expect(s.Principal, s.Sid).not.toBe('*');
      const principal = s.Principal as { AWS?: unknown; Service?: unknown };
      expect(
        Object.keys(principal).every((k) => k === 'AWS' || k === 'Service'),
        s.Sid,
      ).toBe(true);
      for (const aws of [principal.AWS ?? []].flat()) expect(aws, s.Sid).toBe(`arn:aws:iam::${ACCOUNT}:root`);
      for (const service of [principal.Service ?? []].flat()) expect(String(service), s.Sid).toMatch(/^[a-z0-9-]+\.amazonaws\.com$/);
    }
  });
});

describe('packaged local stage', () => {
  it.each(ENTRIES)('function %s: literal environment (no !Ref), dry-run, recorded AWS state, in-memory state', (entry) => {
    const env = (props(local.template, FUNCTIONS[entry].logicalId).Environment as { Variables: Record<string, unknown> }).Variables;
    for (const [name, value] of Object.entries(env)) expect(typeof value, name).toBe('string');
    expect(env).toMatchObject({
      MEDIC_WRITES: 'off',
      MEDIC_AWS_STATE: 'events/aws-state.json',
      MEDIC_TABLE: '',
      MEDIC_FAILURE_QUEUE_URL: '',
      MEDIC_RUNBOOK_FILE: 'runbook.compiled.json',
      MEDIC_ALLOWED_ACCOUNTS: '111122223333',
      MEDIC_ALLOWED_REGIONS: 'us-east-1',
    });
    expect(env.MEDIC_RUNBOOK_PARAMETER).toBeUndefined();
    const names = local.zips[`${entry}.zip`]?.entries.map((e) => e.name) ?? [];
    expect(names).toEqual(expect.arrayContaining([`functions/${entry}.js`, 'runbook.compiled.json', 'events/aws-state.json']));
  });

  it('`osls invoke local -f alarm --stage local` runs offline, without credentials, and only plans', () => {
    const report = lastJsonObject(invokeOutput) as { rule: string; actions: Array<{ type: string; status: string }>; error: unknown };
    expect(report.error).toBeNull();
    expect(report.rule).toBe('latency-scale-out');
    expect(report.actions.map((a) => [a.type, a.status])).toEqual([
      ['scale', 'planned'],
      ['notify', 'planned'],
    ]);
  });
});

/** `invoke local` prints log lines, then the handler's result as indented JSON. */
function lastJsonObject(output: string): unknown {
  const start = output.lastIndexOf('\n{\n');
  const text = start >= 0 ? output.slice(start + 1) : output.slice(output.indexOf('{\n'));
  return JSON.parse(text.trim());
}

/** Each rule's pattern: a function's rule on the default bus by its target, the rule on the operator bus as `operator`. */
function rulePatterns(template: CfnTemplate): Record<RuleKey, unknown> {
  const out = {} as Record<RuleKey, unknown>;
  for (const [, rule] of resourcesOfType(template, 'AWS::Events::Rule')) {
    if (rule.Properties?.EventBusName !== undefined) {
      if (JSON.stringify(rule.Properties.EventBusName) !== JSON.stringify(getAtt(OPERATOR.logicalId, 'Name'))) {
        throw new Error(`rule ${String(rule.Properties?.Name)} is on an unknown bus`);
      }
      out.operator = rule.Properties.EventPattern;
      continue;
    }
    const targets = rule.Properties?.Targets as Array<{ Arn: { 'Fn::GetAtt': [string, string] } }>;
    const entry = ENTRIES.find((e) => FUNCTIONS[e].logicalId === targets[0]?.Arn['Fn::GetAtt'][0]);
    if (!entry) throw new Error(`rule ${String(rule.Properties?.Name)} targets no known function`);
    out[entry] = rule.Properties?.EventPattern;
  }
  return out;
}

describe('EventBridge rules against every sample event', () => {
  /** Which rule each sample must reach (by file-name prefix); every file in events/ must be listed. */
  const expected: Record<string, Entry[]> = {
    ...Object.fromEntries(Array.from({ length: 19 }, (_, i) => [String(i + 1).padStart(2, '0'), ['alarm'] as Entry[]])),
    ...Object.fromEntries(['20', '21', '22', '23', '24', '25', '26', '27', '32', '33'].map((p) => [p, ['monitoring'] as Entry[]])),
    // Terminal jobs that are not monitoring results still reach the function, which ignores them.
    '28': ['monitoring'],
    '29': ['monitoring'],
    '30': ['monitoring'],
    '31': [], // InProgress: not terminal, EventBridge drops it
    '34': ['endpoint-state'],
    '35': ['endpoint-state'],
    '36': [], // EC2: unsupported
  };
  /** Malformed events that parse as an event object: the ones EventBridge would deliver reach the function, which sends them to the failure queue. */
  const expectedInvalid: Record<string, Entry[]> = {
    'detail-string.json': ['alarm'],
    'no-detail.json': ['alarm'],
    'unknown-state.json': ['alarm'],
    'missing-job-status.json': [], // no ProcessingJobStatus: not a terminal state
    'lambda-alarm-action-payload.json': [], // no detail-type: not an EventBridge event
  };

  const samples = readdirSync(EVENTS_DIR)
    .filter((n) => n.endsWith('.json') && n !== 'aws-state.json')
    .sort();

  it('every sample has an expectation', () => {
    expect(samples.map((n) => n.slice(0, 2)).sort()).toEqual(Object.keys(expected).sort());
    const invalid = readdirSync(INVALID_DIR).filter((n) => parsesAsObject(join(INVALID_DIR, n)));
    expect(invalid.sort()).toEqual(Object.keys(expectedInvalid).sort());
  });

  for (const stage of ['prod', 'local'] as const) {
    it.each(samples)(`${stage}: %s reaches exactly the rules it should`, (name) => {
      const patterns = rulePatterns((stage === 'prod' ? prod : local).template);
      const event = JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8'));
      const matched = RULE_KEYS.filter((e) => matchesPattern(patterns[e], event));
      expect(matched).toEqual(expected[name.slice(0, 2)]);
    });
  }

  it.each(Object.keys(expectedInvalid))('prod: invalid/%s reaches exactly the rules it should', (name) => {
    const patterns = rulePatterns(prod.template);
    const event = JSON.parse(readFileSync(join(INVALID_DIR, name), 'utf8'));
    expect(RULE_KEYS.filter((e) => matchesPattern(patterns[e], event))).toEqual(expectedInvalid[name]);
  });

  it('an alarm-name filter narrows the alarm rule as documented (alarmDetailFilter)', () => {
    // The shape docs/deploy.md tells operators to put in params.<stage>.alarmDetailFilter.
    const narrowed = {
      ...(rulePatterns(prod.template).alarm as object),
      detail: { alarmName: [{ prefix: 'churn-prod-' }, { prefix: 'fraud-prod-' }] },
    };
    const matched = samples.filter((n) => matchesPattern(narrowed, JSON.parse(readFileSync(join(EVENTS_DIR, n), 'utf8'))));
    expect(matched.map((n) => n.slice(0, 2))).toEqual(['01', '02', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '18']);
  });
});

describe("the operator bus: the stack's own bus for operator events, who may put on it, the rule to the alarm function", () => {
  const BUS_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${OPERATOR.bus}`;
  const operatorSamples = readdirSync(OPERATOR_DIR)
    .filter((n) => n.endsWith('.json'))
    .sort();
  const readOperatorSample = (name: string) => JSON.parse(readFileSync(join(OPERATOR_DIR, name), 'utf8')) as Record<string, unknown>;
  const envOf = (template: CfnTemplate, entry: Entry) =>
    (props(template, FUNCTIONS[entry].logicalId).Environment as { Variables: Record<string, unknown> }).Variables;
  const busOf = (template: CfnTemplate) =>
    new CfnEvaluator(template).evaluate(props(template, OPERATOR.logicalId)) as {
      Name: string;
      Policy: { Version: string; Statement: unknown };
    };
  const operatorRule = (template: CfnTemplate) =>
    (resourcesOfType(template, 'AWS::Events::Rule').find(([, r]) => r.Properties?.EventBusName !== undefined)?.[1].Properties ??
      {}) as Record<string, unknown>;

  it('one bus, named after the stack, output by name and ARN (the CLI default for --bus / MEDIC_BUS)', () => {
    expect(resourcesOfType(prod.template, 'AWS::Events::EventBus').map(([id]) => id)).toEqual([OPERATOR.logicalId]);
    const cfn = new CfnEvaluator(prod.template);
    expect(busOf(prod.template).Name).toBe(OPERATOR.bus);
    expect(cfn.evaluate(prod.template.Outputs?.OperatorBusName)).toEqual({ Value: OPERATOR.bus });
    expect(cfn.evaluate(prod.template.Outputs?.OperatorBusArn)).toEqual({ Value: BUS_ARN });
    expect(busOf(local.template).Name).toBe('model-medic-local-operator');
  });

  it('its policy lets only principals of this account put events, and only on this bus: no "*" principal, no other account', () => {
    const { Policy } = busOf(prod.template);
    expect(Policy.Version).toBe('2012-10-17');
    const statements = normalizeStatements(Policy.Statement);
    expect(statements.map(({ Sid: _sid, ...s }) => s)).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: ['events:PutEvents'],
        Resource: [BUS_ARN],
        Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
      },
    ]);
    for (const s of statements.filter((x) => x.Effect === 'Allow')) {
      expect(JSON.stringify(s.Principal)).not.toContain('"*"');
      expect(s.Principal).not.toBe('*');
    }
  });

  it('the rule: on that bus, the operator source and its five detail-types, to the alarm function, retried, dead-lettered to the failure queue', () => {
    const rule = operatorRule(prod.template);
    expect(rule).toMatchObject({
      Name: OPERATOR.rule,
      State: 'ENABLED',
      EventBusName: getAtt(OPERATOR.logicalId, 'Name'),
      EventPattern: { source: [OPERATOR_SOURCE], 'detail-type': [...OPERATOR_DETAIL_TYPES] },
    });
    const targets = rule.Targets as Array<Record<string, unknown>>;
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      Arn: getAtt(FUNCTIONS.alarm.logicalId),
      RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: getAtt('FailureQueue') },
    });
    // EventBridge may invoke the alarm function for this rule (a rule on a custom bus: rule/<bus>/<rule>).
    const permissions = resourcesOfType(prod.template, 'AWS::Lambda::Permission').map(([, r]) =>
      new CfnEvaluator(prod.template).evaluate(r.Properties),
    );
    expect(permissions).toContainEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:model-medic-prod-alarm`,
      Principal: 'events.amazonaws.com',
      SourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${OPERATOR.bus}/${OPERATOR.rule}`,
    });
    // The rule references the bus, so CloudFormation creates the bus first.
    const [ruleId] = resourcesOfType(prod.template, 'AWS::Events::Rule').find(([, r]) => r.Properties?.Name === OPERATOR.rule) ?? [];
    expect([...(resourceDependencies(prod.template).get(String(ruleId)) ?? [])]).toContain(OPERATOR.logicalId);
    expect(dependencyCycle(prod.template)).toBeUndefined();
  });

  it('only the alarm function is told the bus name (MEDIC_OPERATOR_BUS), a literal on every stage', () => {
    expect(envOf(prod.template, 'alarm').MEDIC_OPERATOR_BUS).toBe(OPERATOR.bus);
    expect(envOf(local.template, 'alarm').MEDIC_OPERATOR_BUS).toBe('model-medic-local-operator');
    for (const entry of ['monitoring', 'endpoint-state'] as const)
      expect(envOf(prod.template, entry)).not.toHaveProperty('MEDIC_OPERATOR_BUS');
  });

  it('no new write access: the roles are what they were (operators need no role of the stack)', () => {
    const cfn = new CfnEvaluator(prod.template);
    for (const entry of ENTRIES) {
      const role = cfn.evaluate(props(prod.template, FUNCTIONS[entry].role)) as {
        Policies: Array<{ PolicyDocument: { Statement: unknown } }>;
      };
      const actions = role.Policies.flatMap((p) => normalizeStatements(p.PolicyDocument.Statement)).flatMap((s) => s.Action);
      expect(
        actions.filter((a) => a.startsWith('events:')),
        entry,
      ).toEqual([]);
    }
  });

  it('params.<stage>.operatorBus renames the bus everywhere it is named: policy, rule permission, failure queue policy, env, outputs', () => {
    const cfn = new CfnEvaluator(renamed.template);
    const renamedArn = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${RENAMED_BUS}`;
    const bus = busOf(renamed.template);
    expect(bus.Name).toBe(RENAMED_BUS);
    expect(normalizeStatements(bus.Policy.Statement).flatMap((s) => s.Resource)).toEqual([renamedArn]);
    expect(envOf(renamed.template, 'alarm').MEDIC_OPERATOR_BUS).toBe(RENAMED_BUS);
    expect(cfn.evaluate(renamed.template.Outputs?.OperatorBusArn)).toEqual({ Value: renamedArn });
    const ruleArn = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${RENAMED_BUS}/${OPERATOR.rule}`;
    const permissions = resourcesOfType(renamed.template, 'AWS::Lambda::Permission').map(
      ([, r]) => cfn.evaluate(r.Properties) as { SourceArn: string },
    );
    expect(permissions.map((p) => p.SourceArn)).toContain(ruleArn);
    const queuePolicy = cfn.evaluate(props(renamed.template, 'FailureQueuePolicy')) as {
      PolicyDocument: { Statement: Array<{ Condition?: { ArnEquals?: { 'aws:SourceArn': string[] } } }> };
    };
    expect(queuePolicy.PolicyDocument.Statement.flatMap((x) => x.Condition?.ArnEquals?.['aws:SourceArn'] ?? [])).toContain(ruleArn);
  });

  it('the sample operator events: one per detail-type, each a valid operator event', () => {
    expect(operatorSamples.map((n) => readOperatorSample(n)['detail-type']).sort()).toEqual([...OPERATOR_DETAIL_TYPES].sort());
    for (const name of operatorSamples) {
      const event = readOperatorSample(name);
      expect(event, name).toMatchObject({ source: OPERATOR_SOURCE, account: '111122223333', region: 'us-east-1' });
      expect(String(event.time).startsWith('2026-11-23T'), name).toBe(true);
      const parsed = parseOperatorEvent(parseEnvelope(event));
      expect(parsed.by, name).toMatch(/^arn:aws:sts::111122223333:assumed-role\//);
    }
  });

  for (const stage of ['prod', 'local'] as const) {
    it.each(operatorSamples)(`${stage}: operator/%s reaches the operator rule and no other`, (name) => {
      const patterns = rulePatterns((stage === 'prod' ? prod : local).template);
      expect(RULE_KEYS.filter((k) => matchesPattern(patterns[k], readOperatorSample(name)))).toEqual(['operator']);
    });
  }

  it('no other sample, valid or malformed, matches the operator rule; nor another source, nor an unknown detail-type', () => {
    const { operator } = rulePatterns(prod.template);
    const others = [
      ...readdirSync(EVENTS_DIR)
        .filter((n) => n.endsWith('.json') && n !== 'aws-state.json')
        .map((n) => join(EVENTS_DIR, n)),
      ...readdirSync(INVALID_DIR)
        .map((n) => join(INVALID_DIR, n))
        .filter(parsesAsObject),
    ];
    expect(others.length).toBeGreaterThan(36);
    for (const path of others) expect(matchesPattern(operator, JSON.parse(readFileSync(path, 'utf8'))), path).toBe(false);
    const silence = readOperatorSample('01-silence-created-churn-prod.json');
    expect(matchesPattern(operator, { ...silence, source: 'acme.operator' })).toBe(false);
    expect(matchesPattern(operator, { ...silence, source: 'model-medic' })).toBe(false);
    expect(matchesPattern(operator, { ...silence, 'detail-type': 'Silence Updated' })).toBe(false);
    expect(matchesPattern(operator, { ...silence, 'detail-type': 'silence created' })).toBe(false);
  });
});

function parsesAsObject(path: string): boolean {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

describe('ladder timers: the schedule group, the role EventBridge Scheduler assumes, and who may use them', () => {
  const GROUP = 'model-medic-prod';
  const ALARM_FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:model-medic-prod-alarm`;
  const SCHEDULER_ENV = ['MEDIC_SCHEDULE_GROUP', 'MEDIC_SCHEDULER_ROLE_ARN', 'MEDIC_CHECK_FUNCTION_ARN', 'MEDIC_FAILURE_QUEUE_ARN'];
  const envOf = (template: CfnTemplate, entry: Entry) =>
    (props(template, FUNCTIONS[entry].logicalId).Environment as { Variables: Record<string, unknown> }).Variables;

  it('one schedule group, named after the stack', () => {
    const groups = resourcesOfType(prod.template, 'AWS::Scheduler::ScheduleGroup');
    expect(groups.map(([id]) => id)).toEqual(['CheckScheduleGroup']);
    expect(props(prod.template, 'CheckScheduleGroup')).toEqual({ Name: GROUP });
  });

  it('the alarm and monitoring functions are told where to schedule (ladder checks, approval deadlines), all delivered to the alarm function', () => {
    const cfn = new CfnEvaluator(prod.template);
    for (const entry of ['alarm', 'monitoring'] as const) {
      const env = cfn.evaluate(envOf(prod.template, entry)) as Record<string, string>;
      expect(env, entry).toMatchObject({
        MEDIC_SCHEDULE_GROUP: GROUP,
        MEDIC_SCHEDULER_ROLE_ARN: cfn.getAtt('CheckSchedulerRole', 'Arn'),
        MEDIC_CHECK_FUNCTION_ARN: ALARM_FUNCTION_ARN,
        MEDIC_FAILURE_QUEUE_ARN: cfn.getAtt('FailureQueue', 'Arn'),
      });
      // The ARN built from the name is the alarm function's own ARN.
      expect(env.MEDIC_CHECK_FUNCTION_ARN).toBe(cfn.getAtt(FUNCTIONS.alarm.logicalId, 'Arn'));
    }
    for (const name of SCHEDULER_ENV) expect(envOf(prod.template, 'endpoint-state'), name).not.toHaveProperty(name);
  });

  it('no dependency cycle: the scheduler role names the alarm function by its ARN, not by GetAtt', () => {
    expect(dependencyCycle(prod.template)).toBeUndefined();
    const deps = resourceDependencies(prod.template);
    expect([...(deps.get('CheckSchedulerRole') ?? [])].sort()).toEqual(['FailureQueue']);
    expect(deps.get(FUNCTIONS.alarm.logicalId)).toEqual(expect.any(Set));
    expect([...(deps.get(FUNCTIONS.alarm.logicalId) ?? [])]).toEqual(expect.arrayContaining(['CheckSchedulerRole', 'CheckScheduleGroup']));
    // What a GetAtt of the function in the role would do (the check itself is sound):
    const withGetAtt = structuredClone(prod.template);
    const role = withGetAtt.Resources.CheckSchedulerRole as unknown as {
      Properties: { Policies: Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }> };
    };
    (role.Properties.Policies[0]?.PolicyDocument.Statement[0] as Record<string, unknown>).Resource = getAtt(FUNCTIONS.alarm.logicalId);
    expect(dependencyCycle(withGetAtt)).toEqual(expect.arrayContaining(['CheckSchedulerRole', FUNCTIONS.alarm.logicalId]));
  });

  it('the scheduler role: assumable only by EventBridge Scheduler of this account; may only invoke the alarm function and dead-letter to the failure queue', () => {
    const cfn = new CfnEvaluator(prod.template);
    const role = cfn.evaluate(props(prod.template, 'CheckSchedulerRole')) as {
      AssumeRolePolicyDocument: { Statement: unknown };
      Policies: Array<{ PolicyDocument: { Statement: unknown } }>;
      ManagedPolicyArns?: unknown;
    };
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(normalizeStatements(role.AssumeRolePolicyDocument.Statement)).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Resource: [],
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      },
    ]);
    const statements = role.Policies.flatMap((p) => normalizeStatements(p.PolicyDocument.Statement));
    expect(statements.map(({ Sid: _sid, ...s }) => s)).toEqual([
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [ALARM_FUNCTION_ARN] },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [cfn.getAtt('FailureQueue', 'Arn')] },
    ]);
  });

  it('the failure queue needs no KMS grant for Scheduler: SQS-managed encryption, no customer managed key', () => {
    const queue = props(prod.template, 'FailureQueue');
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.KmsMasterKeyId).toBeUndefined();
  });

  it('the alarm and monitoring roles may create and delete schedules only in the group, and pass only the scheduler role, only to Scheduler', () => {
    const cfn = new CfnEvaluator(prod.template);
    const statementsOf = (entry: Entry) => {
      const role = cfn.evaluate(props(prod.template, FUNCTIONS[entry].role)) as {
        Policies: Array<{ PolicyDocument: { Statement: unknown } }>;
      };
      return role.Policies.flatMap((p) => normalizeStatements(p.PolicyDocument.Statement));
    };
    for (const entry of ['alarm', 'monitoring'] as const) {
      const scheduling = statementsOf(entry).filter((s) => s.Action.some((a) => a.startsWith('scheduler:') || a === 'iam:PassRole'));
      expect(
        scheduling.map(({ Sid: _sid, ...s }) => s),
        entry,
      ).toEqual([
        {
          Effect: 'Allow',
          Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
          Resource: [`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${GROUP}/*`],
        },
        {
          Effect: 'Allow',
          Action: ['iam:PassRole'],
          Resource: [cfn.getAtt('CheckSchedulerRole', 'Arn')],
          Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        },
      ]);
    }
    const actions = statementsOf('endpoint-state').flatMap((s) => s.Action);
    expect(actions.filter((a) => a.startsWith('scheduler:') || a.startsWith('iam:'))).toEqual([]);
  });

  it('local stage: no scheduler in the environment (the container logs that ladders do not advance)', () => {
    const env = envOf(local.template, 'alarm');
    for (const name of SCHEDULER_ENV) expect(env[name], name).toBe('');
  });
});
