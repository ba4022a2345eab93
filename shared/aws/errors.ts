/**
 * SDK failures as MedicErrors: a kind the engine can act on (retry or not) and a message
 * naming the API, the resource and AWS's own words.
 */
import { type ErrorKind, MedicError } from '../errors.js';

const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'LimitExceededException',
]);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'AuthorizationError', 'AuthorizationErrorException', 'UnrecognizedClientException', 'InvalidClientTokenId', 'ExpiredTokenException', 'KMSAccessDeniedException']);
const NOT_FOUND = new Set([
  'ResourceNotFound',
  'ResourceNotFoundException',
  'NotFound',
  'NotFoundException',
  'NoSuchKey',
  'NoSuchBucket',
  'PipelineNotFoundException',
  'ObjectNotFoundException',
  'NotFoundError',
]);
const VALIDATION = new Set(['ValidationException', 'ValidationError', 'InvalidParameter', 'InvalidParameterException', 'InvalidParameterValue', 'InvalidParameterValueException', 'InvalidParameterCombination', 'ConflictException', 'ResourceInUse', 'InvalidStructureException']);

interface SdkErrorLike {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

export function errorKindOf(error: unknown): ErrorKind {
  const e = (error ?? {}) as SdkErrorLike;
  const name = e.name ?? e.Code ?? '';
  if (THROTTLED.has(name) || e.$metadata?.httpStatusCode === 429) return 'aws-throttled';
  if (DENIED.has(name) || e.$metadata?.httpStatusCode === 403) return 'aws-denied';
  if (NOT_FOUND.has(name) || e.$metadata?.httpStatusCode === 404) return 'aws-not-found';
  if (VALIDATION.has(name) || e.$metadata?.httpStatusCode === 400) return 'aws-validation';
  return 'aws-error';
}

export function toMedicError(error: unknown, service: string, operation: string, resource: string | undefined): MedicError {
  if (error instanceof MedicError) return error;
  const e = (error ?? {}) as SdkErrorLike;
  const kind = errorKindOf(error);
  const name = e.name ?? 'Error';
  const detail = e.message && e.message !== name ? `${name}: ${e.message}` : name;
  const hint = HINTS[kind];
  return new MedicError(kind, `${service}:${operation}${resource ? ` on ${resource}` : ''} failed: ${detail}${hint ? ` (${hint})` : ''}`, {
    cause: error,
  });
}

const HINTS: Partial<Record<ErrorKind, string>> = {
  'aws-throttled': 'AWS throttled the call and the retries ran out; the event will be retried',
  'aws-denied': "the function's role lacks this permission: check the IAM policy in serverless.yml",
  'aws-not-found': 'the resource does not exist in this account and region',
};

/** The resource a request is about, for error messages. */
export function resourceOf(input: Record<string, unknown>): string | undefined {
  for (const key of ['EndpointName', 'ResourceId', 'PipelineName', 'name', 'TopicArn', 'ProcessingJobName', 'Bucket']) {
    const value = input[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}
