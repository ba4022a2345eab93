/** SDK errors as MedicErrors: kinds by the real exception names, messages an engineer can act on. */
import { ObjectNotFoundException } from '@aws-sdk/client-application-auto-scaling';
import { PipelineNotFoundException } from '@aws-sdk/client-codepipeline';
import { ResourceNotFound, SageMakerServiceException } from '@aws-sdk/client-sagemaker';
import { AuthorizationErrorException, NotFoundException, ThrottledException } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { errorKindOf, resourceOf, toMedicError } from '../../shared/aws/errors.js';
import { MedicError } from '../../shared/errors.js';

const $metadata = { httpStatusCode: 400 };
const sm = (name: string, message: string, httpStatusCode = 400) =>
  new SageMakerServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode } });

describe('errorKindOf', () => {
  it.each([
    // Throttling: retried by the SDK; when it still escapes, the event is retried later.
    [sm('ThrottlingException', 'Rate exceeded'), 'aws-throttled'],
    [new ThrottledException({ message: 'Rate exceeded', $metadata }), 'aws-throttled'],
    [{ name: 'Throttling', message: 'Rate exceeded' }, 'aws-throttled'],
    [{ name: 'SomethingNew', $metadata: { httpStatusCode: 429 } }, 'aws-throttled'],
    [{ name: 'SomethingNew', $retryable: { throttling: true } }, 'aws-throttled'],
    // Permissions.
    [sm('AccessDeniedException', 'not authorized'), 'aws-denied'],
    [new AuthorizationErrorException({ message: 'not authorized', $metadata }), 'aws-denied'],
    [{ name: 'ExpiredTokenException' }, 'aws-denied'],
    [{ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }, 'aws-denied'],
    // Missing resources, each service its own way.
    [new ResourceNotFound({ message: 'Pipeline does not exist', $metadata }), 'aws-not-found'],
    [sm('ValidationException', 'Could not find endpoint "arn:aws:sagemaker:us-east-1:111122223333:endpoint/x".'), 'aws-not-found'],
    [sm('ValidationException', 'Could not find endpoint configuration "x".'), 'aws-not-found'],
    [new ObjectNotFoundException({ message: 'No scalable target', $metadata }), 'aws-not-found'],
    [new PipelineNotFoundException({ message: 'no such pipeline', $metadata }), 'aws-not-found'],
    [new NotFoundException({ message: 'Topic does not exist', $metadata }), 'aws-not-found'],
    [{ name: 'NoSuchKey' }, 'aws-not-found'],
    // Invalid requests and quotas: permanent.
    [sm('ValidationException', 'Value 0 at MinCapacity failed to satisfy constraint'), 'aws-validation'],
    [{ name: 'InvalidParameterException', message: 'Invalid parameter: Subject' }, 'aws-validation'],
    [sm('ResourceLimitExceeded', 'account-level service limit ml.g5.xlarge for endpoint usage is 2 Instances'), 'aws-validation'],
    [{ name: 'LimitExceededException' }, 'aws-validation'],
    // Another change in flight: transient.
    [{ name: 'ConcurrentUpdateException' }, 'aws-error'],
    [sm('ConflictException', 'conflict'), 'aws-error'],
    // 5xx, timeouts, network: transient.
    [sm('InternalFailure', 'boom', 500), 'aws-error'],
    [{ name: 'TimeoutError', message: 'Connection timed out after 3000 ms' }, 'aws-error'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'aws-error'],
    // Unknown names fall back on the status.
    [{ name: 'Brand-new', $metadata: { httpStatusCode: 403 } }, 'aws-denied'],
    [{ name: 'Brand-new', $metadata: { httpStatusCode: 404 } }, 'aws-not-found'],
    [{ name: 'Brand-new', $metadata: { httpStatusCode: 400 } }, 'aws-validation'],
  ])('%o -> %s', (error, kind) => {
    expect(errorKindOf(error)).toBe(kind);
  });
});

describe('toMedicError', () => {
  it('names the API, the resource and AWS error, with a hint', () => {
    const error = toMedicError(sm('AccessDeniedException', 'User x is not authorized'), 'sagemaker', 'UpdateEndpoint', 'fraud-prod');
    expect(error).toBeInstanceOf(MedicError);
    expect(error.kind).toBe('aws-denied');
    expect(error.transient).toBe(false);
    expect(error.message).toBe(
      "sagemaker:UpdateEndpoint on fraud-prod failed: AccessDeniedException: User x is not authorized (the function's role lacks this permission: check the IAM policy in serverless.yml)",
    );
  });

  it('says how many attempts were made when the SDK retried', () => {
    const throttled = Object.assign(sm('ThrottlingException', 'Rate exceeded'), { $metadata: { httpStatusCode: 400, attempts: 4 } });
    const error = toMedicError(throttled, 'sns', 'Publish', 'arn:aws:sns:us-east-1:1:t');
    expect(error.kind).toBe('aws-throttled');
    expect(error.transient).toBe(true);
    expect(error.message).toBe(
      'sns:Publish on arn:aws:sns:us-east-1:1:t failed: ThrottlingException: Rate exceeded (sent 4 times; AWS throttled the call and the retries ran out; the event will be retried)',
    );
  });

  it('a network error without an AWS name uses its code', () => {
    const error = toMedicError(
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      'codepipeline',
      'StartPipelineExecution',
      'build',
    );
    expect(error.message).toBe(
      'codepipeline:StartPipelineExecution on build failed: ECONNRESET: socket hang up (AWS or the network failed; the event will be retried)',
    );
    expect(error.transient).toBe(true);
  });

  it('a quota says so', () => {
    const error = toMedicError(
      sm('ResourceLimitExceeded', 'limit is 2 Instances'),
      'sagemaker',
      'UpdateEndpointWeightsAndCapacities',
      'fraud-prod',
    );
    expect(error.message).toMatch(
      /ResourceLimitExceeded: limit is 2 Instances \(a service quota or limit is reached: raise it or free capacity\)$/,
    );
  });

  it('keeps a MedicError as it is', () => {
    const original = new MedicError('busy', 'locked');
    expect(toMedicError(original, 'sns', 'Publish', undefined)).toBe(original);
  });
});

describe('resourceOf', () => {
  it.each([
    [{ EndpointName: 'churn-prod', EndpointConfigName: 'c' }, 'churn-prod'],
    [{ ServiceNamespace: 'sagemaker', ResourceId: 'endpoint/e/variant/v' }, 'endpoint/e/variant/v'],
    [{ PipelineName: 'churn-retrain' }, 'churn-retrain'],
    [{ name: 'fraud-model-build', clientRequestToken: 't' }, 'fraud-model-build'],
    [{ pipelineName: 'fraud-model-build' }, 'fraud-model-build'],
    [{ TopicArn: 'arn:aws:sns:us-east-1:1:ops', Message: 'm' }, 'arn:aws:sns:us-east-1:1:ops'],
    [{ Bucket: 'b', Key: 'k/x.json' }, 's3://b/k/x.json'],
    [{ ResourceIds: ['a', 'b'] }, 'a, b'],
    [{ AlarmNames: ['x'] }, 'x'],
    [{}, undefined],
  ])('%o -> %s', (input, resource) => {
    expect(resourceOf(input)).toBe(resource);
  });
});
