/**
 * The configuration every SDK client model-medic creates shares, read from one environment
 * record (the Lambda's process.env, or the CLI's own env so tests can run it in-process):
 *
 * - region from AWS_REGION / AWS_DEFAULT_REGION (Lambda always sets AWS_REGION); when neither
 *   is set the SDK's own chain (shared config file) decides;
 * - AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL points the client at an AWS-compatible
 *   endpoint (the SDK only reads these from process.env, and only when no endpoint is set);
 * - credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN of that
 *   record when present, otherwise the SDK's default chain (role, profile, SSO);
 * - retry mode `adaptive` (client-side rate limiting after throttling) with a bounded number
 *   of attempts, so throttling is absorbed without outliving the Lambda timeout;
 * - connection and socket timeouts, so a black-holed endpoint fails the call (a transient
 *   `aws-error`) instead of hanging the invocation until Lambda kills it.
 */
type Env = Record<string, string | undefined>;

export const DEFAULT_MAX_ATTEMPTS = 4;
/** Adaptive backoff doubles per attempt (1 s base for throttling): 10 attempts is already ~17 min worst case. */
const MAX_MAX_ATTEMPTS = 10;
const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** The env-var suffix of each client's service id (AWS_ENDPOINT_URL_<suffix>). */
const ENDPOINT_ENV_SUFFIX: Record<string, string> = {
  sns: 'SNS',
  sagemaker: 'SAGEMAKER',
  'application-auto-scaling': 'APPLICATION_AUTO_SCALING',
  codepipeline: 'CODEPIPELINE',
  cloudwatch: 'CLOUDWATCH',
  s3: 'S3',
  dynamodb: 'DYNAMODB',
  sqs: 'SQS',
  ssm: 'SSM',
  scheduler: 'SCHEDULER',
  eventbridge: 'EVENTBRIDGE',
  sts: 'STS',
};

export interface ClientConfig {
  region?: string;
  endpoint?: string;
  maxAttempts: number;
  retryMode: 'adaptive';
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
}

/** `service` is the short client name (sns, sagemaker, ...), for its own endpoint override. */
export function clientConfig(env: Env, service?: string): ClientConfig {
  const timeout = positiveInt(env.MEDIC_AWS_TIMEOUT_MS);
  const config: ClientConfig = {
    maxAttempts: boundedAttempts(env.MEDIC_AWS_MAX_ATTEMPTS ?? env.AWS_MAX_ATTEMPTS),
    retryMode: 'adaptive',
    requestHandler: {
      connectionTimeout: timeout ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      requestTimeout: timeout ?? DEFAULT_REQUEST_TIMEOUT_MS,
      // Without it this SDK version only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
    },
  };
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (region) config.region = region;
  const suffix = service ? ENDPOINT_ENV_SUFFIX[service] : undefined;
  const endpoint = (suffix && env[`AWS_ENDPOINT_URL_${suffix}`]) || env.AWS_ENDPOINT_URL;
  if (endpoint) config.endpoint = endpoint;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
    if (env.AWS_SESSION_TOKEN) config.credentials.sessionToken = env.AWS_SESSION_TOKEN;
  }
  return config;
}

function boundedAttempts(raw: string | undefined): number {
  const n = positiveInt(raw);
  return n === undefined ? DEFAULT_MAX_ATTEMPTS : Math.min(n, MAX_MAX_ATTEMPTS);
}

function positiveInt(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}
