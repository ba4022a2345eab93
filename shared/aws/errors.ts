/**
 * SDK failures as MedicErrors: a kind the engine can act on (retry later or not) and a
 * message naming the API, the resource and AWS's own words, e.g.
 * `sagemaker:UpdateEndpoint on fraud-prod failed: ValidationException: Could not find endpoint
 * configuration "…" (the resource does not exist in this account and region)`.
 *
 * Names are the SDK v3 exception names (the `name` of the thrown error); awsQuery services
 * (SNS) also carry the wire code in `Code`, so both spellings are listed where they differ.
 */
import { type ErrorKind, MedicError, RETRY_NOTE } from '../errors.js';

/** Slow down: the SDK already retried these; when they still escape, retry the event later. */
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException', // SNS
  'Throttled',
  'KMSThrottlingException', // SNS with an encrypted topic
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

const DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'AuthorizationErrorException', // SNS (wire code AuthorizationError)
  'AuthorizationError',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidSecurityException', // SNS
  'KMSAccessDeniedException',
  'KmsAccessDeniedException',
  'FailedResourceAccessException', // Application Auto Scaling could not reach the resource with its role
  'CredentialsProviderError', // no credentials at all (SDK-side)
]);

const NOT_FOUND = new Set([
  'ResourceNotFound', // SageMaker (processing jobs, pipelines)
  'ResourceNotFoundException',
  'NotFoundException', // SNS (wire code NotFound): the topic does not exist
  'NotFound',
  'NoSuchKey',
  'NoSuchBucket',
  'ObjectNotFoundException', // Application Auto Scaling
  'PipelineNotFoundException', // CodePipeline
  'ParameterNotFound', // SSM
  'ParameterVersionNotFound',
  'PipelineExecutionNotFoundException',
]);

const VALIDATION = new Set([
  'ValidationException',
  'ValidationError',
  'InvalidParameter',
  'InvalidParameterException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'InvalidParameterCombination',
  'InvalidParameterCombinationException',
  'MissingParameter',
  'MissingRequiredParameterException',
  'SerializationException',
  'InvalidStructureException',
  'InvalidClientTokenException', // CodePipeline: malformed clientRequestToken
  'UserErrorException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
]);

/** A quota: AWS refuses until someone raises it or frees capacity; retrying the event will not help. */
const QUOTA = new Set([
  'ResourceLimitExceeded', // SageMaker, e.g. the instance quota of an instance type
  'LimitExceededException', // Application Auto Scaling, CodePipeline
  'ConcurrentPipelineExecutionsLimitExceededException',
  'ServiceQuotaExceededException', // EventBridge Scheduler: schedules per account and region
]);

/** Another change is in flight on the same resource: worth trying the event again later. */
const CONFLICT = new Set([
  'ConflictException',
  'ConcurrentUpdateException', // Application Auto Scaling: a pending update on the target
  'ConcurrentModificationException',
  'ConcurrentAccessException',
  'ResourceInUse',
]);

interface SdkErrorLike {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $retryable?: { throttling?: boolean };
}

/** The SDK's own error when neither the client config, AWS_REGION nor the profile names a region. */
function isRegionMissing(e: SdkErrorLike): boolean {
  return e.name === 'Error' && e.message === 'Region is missing';
}

/** SageMaker answers a missing endpoint or config with ValidationException "Could not find ...". */
export function isSageMakerMissing(error: unknown): boolean {
  const e = error as SdkErrorLike | undefined;
  return e?.name === 'ValidationException' && /could not find|does not exist/i.test(e.message ?? '');
}

function namesOf(e: SdkErrorLike): string[] {
  return [e.name, e.Code].filter((n): n is string => typeof n === 'string' && n.length > 0);
}

export function errorKindOf(error: unknown): ErrorKind {
  if (error instanceof MedicError) return error.kind;
  const e = (error ?? {}) as SdkErrorLike;
  const names = namesOf(e);
  const is = (set: Set<string>) => names.some((n) => set.has(n));
  const status = e.$metadata?.httpStatusCode;
  if (isRegionMissing(e)) return 'aws-config';
  if (is(THROTTLED) || e.$retryable?.throttling || status === 429) return 'aws-throttled';
  if (is(DENIED)) return 'aws-denied';
  if (is(NOT_FOUND) || isSageMakerMissing(e)) return 'aws-not-found';
  if (is(CONFLICT)) return 'aws-error';
  if (is(VALIDATION) || is(QUOTA)) return 'aws-validation';
  // Unknown exception names: fall back on the HTTP status. 5xx, timeouts and network errors
  // (no status at all) stay `aws-error`, which the engine treats as transient.
  if (status === 403) return 'aws-denied';
  if (status === 404) return 'aws-not-found';
  if (status !== undefined && status >= 400 && status < 500) return 'aws-validation';
  return 'aws-error';
}

export function toMedicError(error: unknown, service: string, operation: string, resource: string | undefined): MedicError {
  if (error instanceof MedicError) return error;
  const e = (error ?? {}) as SdkErrorLike;
  const kind = errorKindOf(error);
  const name = e.name && e.name !== 'Error' ? e.name : (e.code ?? e.Code ?? 'Error');
  // One line: SDK deserialization errors append a multi-line hint about hidden fields.
  const message = e.message?.split('\n')[0]?.trim();
  const detail = message && message !== name ? `${name}: ${message}` : name;
  // How often the SDK sent it, first: the hint may say what happens next (the Lambda's retry).
  const attempts = (e.$metadata?.attempts ?? 0) > 1 ? `sent ${e.$metadata?.attempts} times` : '';
  const deadline = e.name === 'AbortError' ? "the invocation's deadline came first: stopped to release what it holds" : '';
  const notes = [attempts, notAnAwsAnswer(e), deadline, hintFor(kind, namesOf(e))].filter(Boolean);
  const where = `${service}:${operation}${resource ? ` on ${resource}` : ''}`;
  return new MedicError(kind, `${where} failed: ${detail}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`, {
    cause: error,
  });
}

/**
 * A failure of where or how medic reaches AWS (no region, no credentials, an answer that is not
 * AWS's), not of one resource: the same call on any other resource fails the same way.
 */
export function failsEveryCall(error: unknown): boolean {
  const e = ((error instanceof MedicError ? error.cause : error) ?? {}) as SdkErrorLike;
  return isRegionMissing(e) || namesOf(e).includes('CredentialsProviderError') || notAnAwsAnswer(e) !== '';
}

/** An answer the SDK could not read at all (an HTML page, say): the endpoint is not AWS, or not that service. */
function notAnAwsAnswer(e: SdkErrorLike): string {
  return e.name === 'SyntaxError' && /Deserialization error|<!doctype|<html/i.test(e.message ?? '')
    ? 'the answer was not an AWS response: is AWS_ENDPOINT_URL right, and does it serve this service?'
    : '';
}

function hintFor(kind: ErrorKind, names: string[]): string {
  if (names.some((n) => QUOTA.has(n))) return 'a service quota or limit is reached: raise it or free capacity';
  if (names.includes('CredentialsProviderError')) return 'no AWS credentials were found';
  switch (kind) {
    case 'aws-config':
      return 'no AWS region is set: set AWS_REGION, e.g. AWS_REGION=us-east-1, or a region in your AWS profile';
    case 'aws-throttled':
      return `AWS throttled the call and the retries ran out; ${RETRY_NOTE}`;
    case 'aws-denied':
      return "the function's role lacks this permission: check the IAM policy in serverless.yml";
    case 'aws-not-found':
      return 'the resource does not exist in this account and region';
    case 'aws-error':
      return names.some((n) => CONFLICT.has(n))
        ? `another change to this resource is in progress; ${RETRY_NOTE}`
        : `AWS or the network failed; ${RETRY_NOTE}`;
    default:
      return '';
  }
}

/** The resource a request is about, for error messages. */
export function resourceOf(input: Record<string, unknown>): string | undefined {
  if (typeof input.Bucket === 'string' && typeof input.Key === 'string') return `s3://${input.Bucket}/${input.Key}`;
  for (const key of [
    'EndpointName',
    'EndpointConfigName',
    'ResourceId',
    'PipelineName',
    'name',
    'pipelineName',
    'TopicArn',
    'ProcessingJobName',
    'QueueUrl',
    'Name',
    'AlarmName',
  ]) {
    const value = input[key];
    if (typeof value === 'string') return value;
  }
  for (const key of ['ResourceIds', 'AlarmNames']) {
    const value = input[key];
    if (Array.isArray(value) && value.length > 0) return value.join(', ');
  }
  return undefined;
}
