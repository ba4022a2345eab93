/**
 * Everything the Lambda runtime reads from its environment, read in one place and checked
 * once per container. Names are the ones serverless.yml sets.
 */
export interface RuntimeConfig {
  /** DynamoDB state table; unset means an in-memory store (local invoke only). */
  tableName?: string;
  /** Runbook file, relative to the function's root (bundled with the code). */
  runbookFile: string;
  /** SSM parameter holding the runbook; when set it wins over the file. */
  runbookParameter?: string;
  /** How long a loaded runbook is trusted before it is read again (ms). */
  runbookTtlMs: number;
  /** False: plan only, never write to AWS (the local stage). */
  allowWrites: boolean;
  /** Recorded AWS state to read from instead of AWS (the local stage). */
  awsStateFile?: string;
  /** Accounts and regions whose events we act on; empty means any. */
  allowedAccounts: string[];
  allowedRegions: string[];
  /** SQS queue for events that can never succeed (malformed). */
  failureQueueUrl?: string;
  /** SNS topic told about problems of model-medic itself (e.g. an invalid runbook in SSM). */
  opsTopicArn?: string;
  /**
   * Where ladder checks are scheduled (EventBridge Scheduler): the stack's schedule group, the
   * role Scheduler assumes, the function it invokes, and the dead-letter queue of a check that
   * could not be delivered. Without the first three, ladders do not advance (the local stage).
   */
  scheduleGroup?: string;
  schedulerRoleArn?: string;
  checkFunctionArn?: string;
  failureQueueArn?: string;
}

export function readRuntimeConfig(env: Record<string, string | undefined> = process.env): RuntimeConfig {
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const config: RuntimeConfig = {
    runbookFile: env.MEDIC_RUNBOOK_FILE || 'runbook.yml',
    runbookTtlMs: Number(env.MEDIC_RUNBOOK_TTL_SECONDS ?? 60) * 1000,
    allowWrites: env.MEDIC_WRITES !== 'off',
    allowedAccounts: list(env.MEDIC_ALLOWED_ACCOUNTS),
    allowedRegions: list(env.MEDIC_ALLOWED_REGIONS),
  };
  if (env.MEDIC_TABLE) config.tableName = env.MEDIC_TABLE;
  if (env.MEDIC_RUNBOOK_PARAMETER) config.runbookParameter = env.MEDIC_RUNBOOK_PARAMETER;
  if (env.MEDIC_AWS_STATE) config.awsStateFile = env.MEDIC_AWS_STATE;
  if (env.MEDIC_FAILURE_QUEUE_URL) config.failureQueueUrl = env.MEDIC_FAILURE_QUEUE_URL;
  if (env.MEDIC_OPS_TOPIC_ARN) config.opsTopicArn = env.MEDIC_OPS_TOPIC_ARN;
  if (env.MEDIC_SCHEDULE_GROUP) config.scheduleGroup = env.MEDIC_SCHEDULE_GROUP;
  if (env.MEDIC_SCHEDULER_ROLE_ARN) config.schedulerRoleArn = env.MEDIC_SCHEDULER_ROLE_ARN;
  if (env.MEDIC_CHECK_FUNCTION_ARN) config.checkFunctionArn = env.MEDIC_CHECK_FUNCTION_ARN;
  if (env.MEDIC_FAILURE_QUEUE_ARN) config.failureQueueArn = env.MEDIC_FAILURE_QUEUE_ARN;
  return config;
}
