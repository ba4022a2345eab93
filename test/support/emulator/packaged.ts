/**
 * The stack as `osls package` ships it, on the emulator: packaged once per test run (the
 * emulator suite's global setup), each function's zip unpacked into a folder of its own (the
 * task root Lambda would give it), then "deployed" to moto from the CloudFormation template
 * itself: the state table from the template's table definition, the failure queue, the ops
 * topic and the ladder checks' schedule group by their template names, and each function's
 * environment with its `Ref`s, `Fn::GetAtt`s and `Fn::Sub`s resolved to those resources, exactly
 * as CloudFormation would set it. The scheduler role is not created in moto (its Scheduler never
 * assumes a role nor checks one): its ARN is the one CloudFormation would give it.
 *
 * The operator bus is created too, with the template's policy (PutPermission with the policy
 * document: moto keeps it and returns it in DescribeEventBus, but does not enforce it), and its
 * rule with the template's name and pattern. The rule gets no target here: the functions run in
 * hosts, not in moto's Lambda; `routeOperatorRule` (world.ts) gives it a queue standing in for
 * the alarm function.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CreateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, PutPermissionCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleGroupCommand } from '@aws-sdk/client-scheduler';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type CfnTemplate, copyService, runOsls, zipEntries, zipFile } from '../../stack/package-stack.js';
import { SAMPLE_ACCOUNT, SAMPLE_REGION } from './moto-server.js';
import type { MotoClients } from './world.js';

/** The stage the suite packages, and the parameters it sets (a short runbook TTL, a runbook parameter). */
export const EMULATOR_STAGE = 'emulator';
export const EMULATOR_RUNBOOK_PARAMETER = '/model-medic/emulator/runbook';
export const EMULATOR_PARAMS = { runbookParameter: EMULATOR_RUNBOOK_PARAMETER, runbookTtlSeconds: '1' };

export interface PackagedFunction {
  /** The logical id in the template (AlarmLambdaFunction, ...). */
  logicalId: string;
  /** The function's deployed name (model-medic-emulator-alarm). */
  name: string;
  /** The unpacked zip: what Lambda mounts at /var/task. */
  taskRoot: string;
  /** `functions/alarm.handler`: file (without extension) and export. */
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  maximumRetryAttempts: number;
}

export interface PackagedStack {
  dir: string;
  templateFile: string;
  /** Functions by their serverless name: alarm, monitoring, endpoint-state. */
  functions: Record<string, PackagedFunction>;
  packageMs: number;
}

/** `osls package --stage emulator` into `dir`, each zip unpacked beside it. */
export async function packageStackInto(dir: string): Promise<PackagedStack> {
  const service = copyService();
  const out = join(dir, 'package');
  const started = Date.now();
  try {
    const params = Object.entries(EMULATOR_PARAMS).map(([k, v]) => `--param=${k}=${v}`);
    await runOsls(service.dir, ['package', '--stage', EMULATOR_STAGE, ...params, '--package', out]);
  } finally {
    service.remove();
  }
  const packageMs = Date.now() - started;
  const templateFile = join(out, 'cloudformation-template-update-stack.json');
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as CfnTemplate;
  const functions: Record<string, PackagedFunction> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const props = resource.Properties as Record<string, unknown>;
    const name = String(props.FunctionName);
    const short = name.replace(`model-medic-${EMULATOR_STAGE}-`, '');
    const zip = readFileSync(join(out, `${short}.zip`));
    const taskRoot = join(dir, 'functions', short);
    for (const entry of zipEntries(zip)) {
      if (entry.name.endsWith('/')) continue;
      const target = join(taskRoot, entry.name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, zipFile(zip, entry.name));
    }
    const invokeConfig = Object.values(template.Resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::EventInvokeConfig' &&
        JSON.stringify((r.Properties as Record<string, unknown>).FunctionName).includes(logicalId.replace(/LambdaFunction$/, '')),
    );
    functions[short] = {
      logicalId,
      name,
      taskRoot,
      handler: String(props.Handler),
      timeoutSeconds: Number(props.Timeout ?? 6),
      memoryMb: Number(props.MemorySize ?? 1024),
      maximumRetryAttempts: Number((invokeConfig?.Properties as Record<string, unknown> | undefined)?.MaximumRetryAttempts ?? 2),
    };
  }
  return { dir, templateFile, functions, packageMs };
}

export interface DeployedStack {
  template: CfnTemplate;
  tableName: string;
  failureQueueUrl: string;
  opsTopicArn: string;
  failureQueueArn: string;
  /** The ladder checks' schedule group (CheckScheduleGroup) and the role Scheduler would assume. */
  scheduleGroup: string;
  schedulerRoleArn: string;
  /** The operator bus (OperatorBus) and the rule on it, as the template defines them. */
  operatorBus: { name: string; arn: string; policy: Record<string, unknown> };
  operatorRule: { name: string; eventPattern: Record<string, unknown>; targetLogicalId: string };
  /** A function's environment variables as CloudFormation sets them. */
  environmentOf(fn: PackagedFunction): Record<string, string>;
}

/** Creates the template's table, queue, topic and schedule group in moto and resolves the functions' environments. */
export async function deployToEmulator(clients: MotoClients, stack: PackagedStack): Promise<DeployedStack> {
  const template = JSON.parse(readFileSync(stack.templateFile, 'utf8')) as CfnTemplate;
  const props = (id: string) => {
    const resource = template.Resources[id];
    if (!resource) throw new Error(`the packaged template has no ${id}`);
    return resource.Properties as Record<string, unknown>;
  };

  const table = props('StateTable');
  const tableName = `model-medic-${EMULATOR_STAGE}-state`;
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: table.BillingMode as 'PAY_PER_REQUEST',
      AttributeDefinitions: table.AttributeDefinitions as never,
      KeySchema: table.KeySchema as never,
      GlobalSecondaryIndexes: table.GlobalSecondaryIndexes as never,
    }),
  );
  const ttl = table.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean } | undefined;
  if (ttl) await clients.dynamodb.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: ttl }));

  const queue = props('FailureQueue');
  const { QueueUrl } = await clients.sqs.send(
    new CreateQueueCommand({
      QueueName: String(queue.QueueName),
      Attributes: { VisibilityTimeout: String(queue.VisibilityTimeout ?? 30) },
    }),
  );
  const queueAttributes = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const failureQueueArn = String(queueAttributes.Attributes?.QueueArn);
  const topic = props('OpsTopic');
  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: String(topic.TopicName) }));
  const scheduleGroup = String(props('CheckScheduleGroup').Name);
  await clients.scheduler.send(new CreateScheduleGroupCommand({ Name: scheduleGroup }));
  // What CloudFormation names a role without RoleName: <stack>-<logical id>-<random suffix>.
  props('CheckSchedulerRole');
  const schedulerRoleArn = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/model-medic-${EMULATOR_STAGE}-CheckSchedulerRole-EMU1A2B3C4D5`;
  const operatorBusName = String(props('OperatorBus').Name);
  const operatorBusArn = `arn:aws:events:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:event-bus/${operatorBusName}`;

  const refs: Record<string, string> = {
    StateTable: tableName,
    FailureQueue: String(QueueUrl),
    OpsTopic: String(TopicArn),
    CheckScheduleGroup: scheduleGroup,
    'AWS::AccountId': SAMPLE_ACCOUNT,
    'AWS::Region': SAMPLE_REGION,
    'AWS::Partition': 'aws',
  };
  const getAtts: Record<string, string> = {
    'FailureQueue.Arn': failureQueueArn,
    'CheckSchedulerRole.Arn': schedulerRoleArn,
    'CheckScheduleGroup.Arn': `arn:aws:scheduler:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:schedule-group/${scheduleGroup}`,
    'OperatorBus.Name': operatorBusName,
    'OperatorBus.Arn': operatorBusArn,
  };
  refs.OperatorBus = operatorBusName;
  const resolveName = (name: string): string => {
    const resolved = name.includes('.') ? getAtts[name] : refs[name];
    if (resolved === undefined) throw new Error(`the emulator cannot resolve ${name.includes('.') ? 'GetAtt' : 'Ref'} ${name}`);
    return resolved;
  };
  const resolveValue = (value: unknown): string => {
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    const intrinsic = (value ?? {}) as { Ref?: string; 'Fn::GetAtt'?: string[] | string; 'Fn::Sub'?: unknown };
    if (intrinsic.Ref !== undefined) return resolveName(intrinsic.Ref);
    if (intrinsic['Fn::GetAtt'] !== undefined) {
      const att = intrinsic['Fn::GetAtt'];
      return resolveName(Array.isArray(att) ? att.join('.') : att);
    }
    if (typeof intrinsic['Fn::Sub'] === 'string')
      return intrinsic['Fn::Sub'].replace(/\$\{([^}!]+)\}/g, (_, name: string) => resolveName(name));
    throw new Error(`the emulator cannot resolve ${JSON.stringify(value)}`);
  };
  /** Every intrinsic in a document (a policy) resolved; plain values kept as they are. */
  const resolveDeep = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolveDeep);
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && ['Ref', 'Fn::GetAtt', 'Fn::Sub'].includes(keys[0] as string)) return resolveValue(value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveDeep(v)]));
  };

  // The operator bus, its policy, and its rule (found by the bus it is on).
  const bus = props('OperatorBus');
  await clients.eventbridge.send(
    new CreateEventBusCommand({ Name: operatorBusName, ...(bus.Description ? { Description: String(bus.Description) } : {}) }),
  );
  const operatorBusPolicy = resolveDeep(bus.Policy) as Record<string, unknown>;
  await clients.eventbridge.send(new PutPermissionCommand({ EventBusName: operatorBusName, Policy: JSON.stringify(operatorBusPolicy) }));
  const rules = Object.values(template.Resources).filter(
    (r) => r.Type === 'AWS::Events::Rule' && (r.Properties as Record<string, unknown>).EventBusName !== undefined,
  );
  if (rules.length !== 1)
    throw new Error(`the packaged template has ${rules.length} rules on a custom bus, expected the operator rule only`);
  const rule = rules[0]?.Properties as Record<string, unknown>;
  if (resolveValue(rule.EventBusName) !== operatorBusName) throw new Error(`rule ${String(rule.Name)} is not on the operator bus`);
  const targets = rule.Targets as Array<{ Arn: { 'Fn::GetAtt': [string, string] } }>;
  const operatorRule = {
    name: String(rule.Name),
    eventPattern: rule.EventPattern as Record<string, unknown>,
    targetLogicalId: String(targets[0]?.Arn['Fn::GetAtt'][0]),
  };
  await clients.eventbridge.send(
    new PutRuleCommand({
      Name: operatorRule.name,
      EventBusName: operatorBusName,
      EventPattern: JSON.stringify(operatorRule.eventPattern),
      State: String(rule.State ?? 'ENABLED') as 'ENABLED',
      ...(rule.Description ? { Description: String(rule.Description) } : {}),
    }),
  );

  return {
    template,
    tableName,
    failureQueueUrl: String(QueueUrl),
    opsTopicArn: String(TopicArn),
    failureQueueArn,
    scheduleGroup,
    schedulerRoleArn,
    operatorBus: { name: operatorBusName, arn: operatorBusArn, policy: operatorBusPolicy },
    operatorRule,
    environmentOf(fn) {
      const variables = ((props(fn.logicalId).Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
        {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolveValue(v)]));
    },
  };
}
