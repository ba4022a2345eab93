/**
 * One lazily created client per service per adapter set: constructed on the first call that
 * needs it, with the shared configuration, and reused by reads and writes alike.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsSend, createSdkAdapters } from '../../shared/aws/sdk.js';

const constructed = vi.hoisted(() => ({ sns: [] as unknown[], sagemaker: [] as unknown[] }));

// Wrap the client classes to count constructions; their `send` is replaced so nothing leaves the process.
vi.mock('@aws-sdk/client-sns', async (importOriginal) => {
  const original = await importOriginal<typeof import('@aws-sdk/client-sns')>();
  class SNSClient extends original.SNSClient {
    constructor(...args: ConstructorParameters<typeof original.SNSClient>) {
      super(...args);
      constructed.sns.push(args[0]);
    }
    override send = (async () => ({ MessageId: 'm-1' })) as never;
  }
  return { ...original, SNSClient };
});
vi.mock('@aws-sdk/client-sagemaker', async (importOriginal) => {
  const original = await importOriginal<typeof import('@aws-sdk/client-sagemaker')>();
  class SageMakerClient extends original.SageMakerClient {
    constructor(...args: ConstructorParameters<typeof original.SageMakerClient>) {
      super(...args);
      constructed.sagemaker.push(args[0]);
    }
    override send = (async () => ({ EndpointName: 'e', EndpointStatus: 'InService' })) as never;
  }
  return { ...original, SageMakerClient };
});

const ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
  AWS_ACCESS_KEY_ID: 'AKIAFAKE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  MEDIC_AWS_MAX_ATTEMPTS: '3',
};

beforeEach(() => {
  constructed.sns.length = 0;
  constructed.sagemaker.length = 0;
});
afterEach(() => vi.clearAllMocks());

describe('createSdkAdapters', () => {
  it('creates no client before a call needs one', () => {
    createSdkAdapters(ENV);
    expect(constructed.sns).toHaveLength(0);
    expect(constructed.sagemaker).toHaveLength(0);
  });

  it('one client per service, shared by reads and writes, configured from the environment', async () => {
    const { reader, writer } = createSdkAdapters(ENV);
    await reader.describeEndpoint('e');
    await reader.describeEndpoint('f');
    await writer.send({ service: 'sagemaker', operation: 'UpdateEndpoint', input: { EndpointName: 'e', EndpointConfigName: 'c' } });
    expect(constructed.sagemaker).toHaveLength(1);
    expect(constructed.sns).toHaveLength(0);
    await writer.send({ service: 'sns', operation: 'Publish', input: { TopicArn: 'arn:aws:sns:eu-west-1:1:t', Message: 'm' } });
    await writer.send({ service: 'sns', operation: 'Publish', input: { TopicArn: 'arn:aws:sns:eu-west-1:1:t', Message: 'm' } });
    expect(constructed.sns).toHaveLength(1);
    expect(constructed.sns[0]).toEqual({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:1',
      maxAttempts: 3,
      retryMode: 'adaptive',
      credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'secret' },
      requestHandler: { connectionTimeout: 3000, requestTimeout: 15000, throwOnRequestTimeout: true },
    });
  });

  it('a second adapter set (another container) has its own clients', async () => {
    await createSdkAdapters(ENV).reader.describeEndpoint('e');
    await createSdkAdapters(ENV).reader.describeEndpoint('e');
    expect(constructed.sagemaker).toHaveLength(2);
  });

  it('a service whose client this process did not install is refused, naming the clients it has', async () => {
    await expect(createAwsSend(ENV)('kinesis', 'PutRecord', {})).rejects.toThrow(
      /kinesis:PutRecord failed: Error: model-medic does not call the kinesis service here \(clients installed in this process: application-auto-scaling, cloudwatch, .*\); a Lambda function lists its clients in functions\/<name>\.ts/,
    );
  });

  it('an operation model-medic does not call is refused with a message naming it', async () => {
    const { writer } = createSdkAdapters(ENV);
    await expect(writer.send({ service: 'sagemaker', operation: 'DeleteEndpoint', input: { EndpointName: 'e' } })).rejects.toThrow(
      'sagemaker:DeleteEndpoint on e failed: Error: model-medic does not call sagemaker:DeleteEndpoint',
    );
  });
});
