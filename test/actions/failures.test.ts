/**
 * Failure semantics (issue 3 §3) for every write an action makes: a permanent error marks
 * that action failed with a message naming the API, the resource and AWS's error; later
 * actions in the row still run; the notification names the failure; replay would exit 1.
 * (Throttling absorbed by the SDK's retries is tested against the fake endpoint in
 * test/aws/retry.test.ts: aws-sdk-client-mock replaces `send`, so no SDK middleware runs here.)
 */

import { createHash } from 'node:crypto';
import {
  ApplicationAutoScalingServiceException,
  ValidationException as AutoScalingValidationException,
  ObjectNotFoundException,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  CodePipelineServiceException,
  ValidationException as CodePipelineValidationException,
  PipelineNotFoundException,
  StartPipelineExecutionCommand as StartCodePipelineCommand,
} from '@aws-sdk/client-codepipeline';
import {
  CreateEndpointConfigCommand,
  DescribeEndpointCommand,
  ResourceNotFound,
  StartPipelineExecutionCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import { AuthorizationErrorException, NotFoundException, PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../shared/errors.js';
import { exitCodeFor } from '../../shared/report.js';
import { sample } from '../support/samples.js';
import { MockedAws, published, runbookWith, runEvent, sageMakerError } from './harness.js';

let aws: MockedAws;
beforeEach(() => {
  aws = new MockedAws();
});
afterEach(() => aws.restore());

type Service = 'sagemaker' | 'autoScaling' | 'codepipeline';
const meta = (status: number) => ({ $metadata: { httpStatusCode: status, requestId: 'req-1', attempts: 1 } });

/** Each AWS failure as its client really throws it. */
const FAILURES: Array<{ label: string; kind: ErrorKind; name: string; make: (service: Service) => Error }> = [
  {
    label: 'AccessDeniedException',
    kind: 'aws-denied',
    name: 'AccessDeniedException',
    make: (s) =>
      serviceError(
        s,
        'AccessDeniedException',
        'User: arn:aws:sts::111122223333:assumed-role/medic/fn is not authorized to perform this action',
        400,
      ),
  },
  {
    label: 'ValidationException',
    kind: 'aws-validation',
    name: 'ValidationException',
    make: (s) =>
      s === 'autoScaling'
        ? new AutoScalingValidationException({ message: 'The request is not valid', ...meta(400) })
        : s === 'codepipeline'
          ? new CodePipelineValidationException({ message: 'The request is not valid', ...meta(400) })
          : sageMakerError('ValidationException', 'The request is not valid'),
  },
  {
    label: 'resource not found',
    kind: 'aws-not-found',
    name: '',
    make: (s) =>
      s === 'autoScaling'
        ? new ObjectNotFoundException({ message: 'No scalable target found', ...meta(400) })
        : s === 'codepipeline'
          ? new PipelineNotFoundException({ message: "Account '111122223333' does not have a pipeline with that name", ...meta(400) })
          : new ResourceNotFound({ message: 'The resource does not exist', ...meta(400) }),
  },
  {
    label: 'throttling that outlasted the retries',
    kind: 'aws-throttled',
    name: 'ThrottlingException',
    make: (s) =>
      Object.assign(serviceError(s, 'ThrottlingException', 'Rate exceeded', 400), { $metadata: { httpStatusCode: 400, attempts: 4 } }),
  },
  {
    label: 'a timeout',
    kind: 'aws-error',
    name: 'TimeoutError',
    make: () => Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError' }),
  },
  {
    label: 'a network error',
    kind: 'aws-error',
    name: 'ECONNRESET',
    make: () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
  },
];

function serviceError(service: Service, name: string, message: string, status: number): Error {
  const options = { name, $fault: 'client' as const, message, ...meta(status) };
  if (service === 'autoScaling') return new ApplicationAutoScalingServiceException(options);
  if (service === 'codepipeline') return new CodePipelineServiceException(options);
  return sageMakerError(name, message, status);
}

/** A rule that redeploys fraud-prod (the default runbook has none). */
const REDEPLOY_RUNBOOK = runbookWith(
  '  - id: restart',
  '    match: { kind: alarm, state: ALARM, endpoint: fraud-prod }',
  '    actions: [{ redeploy: { wait: 2m } }, { notify: { topic: ops } }]',
);
const ROLLBACK_RUNBOOK = runbookWith(
  '  - id: error-rate-rollback',
  '    match: { kind: alarm, state: ALARM, endpoint: fraud-prod }',
  '    actions: [{ rollback: {} }, { notify: { topic: ops } }]',
);
/** The copy redeploy makes of fraud-prod's live config for event 05. */
const REDEPLOY_COPY = `fraud-prod-config-2026-11-20-medic-${createHash('sha256')
  .update('arn:aws:cloudwatch:us-east-1:111122223333:alarm:fraud-prod-5xx-rate|ALARM|2026-11-23T04:36:20.268+0000')
  .digest('hex')
  .slice(0, 8)}`;

/** Every write an action makes, on a sample event of the default runbook (or the runbook given). */
const WRITES: Array<{
  action: string;
  event: string;
  service: Service;
  command: new (input: never) => unknown;
  api: string;
  resource: string;
  runbook?: string;
}> = [
  {
    action: 'scale',
    event: '01-',
    service: 'autoScaling',
    command: RegisterScalableTargetCommand,
    api: 'application-auto-scaling:RegisterScalableTarget',
    resource: 'endpoint/churn-prod/variant/v2',
  },
  {
    action: 'scale',
    event: '02-',
    service: 'sagemaker',
    command: UpdateEndpointWeightsAndCapacitiesCommand,
    api: 'sagemaker:UpdateEndpointWeightsAndCapacities',
    resource: 'fraud-prod',
  },
  {
    action: 'shift-traffic',
    event: '04-',
    service: 'sagemaker',
    command: UpdateEndpointWeightsAndCapacitiesCommand,
    api: 'sagemaker:UpdateEndpointWeightsAndCapacities',
    resource: 'churn-prod',
  },
  {
    action: 'rollback',
    event: '05-',
    service: 'sagemaker',
    command: UpdateEndpointCommand,
    api: 'sagemaker:UpdateEndpoint',
    resource: 'fraud-prod',
    runbook: ROLLBACK_RUNBOOK,
  },
  {
    action: 'retrain',
    event: '20-',
    service: 'sagemaker',
    command: StartPipelineExecutionCommand,
    api: 'sagemaker:StartPipelineExecution',
    resource: 'churn-retrain',
  },
  {
    action: 'retrain',
    event: '22-',
    service: 'codepipeline',
    command: StartCodePipelineCommand,
    api: 'codepipeline:StartPipelineExecution',
    resource: 'fraud-model-build',
  },
  {
    action: 'redeploy',
    event: '05-',
    service: 'sagemaker',
    command: CreateEndpointConfigCommand,
    api: 'sagemaker:CreateEndpointConfig',
    resource: REDEPLOY_COPY,
    runbook: REDEPLOY_RUNBOOK,
  },
  {
    action: 'redeploy',
    event: '05-',
    service: 'sagemaker',
    command: UpdateEndpointCommand,
    api: 'sagemaker:UpdateEndpoint',
    resource: 'fraud-prod',
    runbook: REDEPLOY_RUNBOOK,
  },
];

const CASES = WRITES.flatMap((write) =>
  FAILURES.map((failure) => ({ ...write, failure, title: `${write.api} (${write.action}, ${write.event}) × ${failure.label}` })),
);

describe('a failing write', () => {
  it.each(CASES)(
    '$title: failed, named, reported, later actions run, exit 1',
    async ({ event, service, command, api, resource, action, failure, runbook }) => {
      const error = failure.make(service);
      // biome-ignore lint/suspicious/noExplicitAny: one stub per service, each with its own command types
      (aws[service] as any).on(command).rejects(error);
      const report = await runEvent(sample(event), runbook ? { runbook } : {});

      const [failed, notify] = report.actions;
      expect(failed?.type).toBe(action);
      expect(failed?.status).toBe('failed');
      expect(failed?.error?.kind).toBe(failure.kind);
      const name = failure.name || error.name;
      expect(failed?.error?.message).toMatch(
        new RegExp(`^${escapeRegExp(api)} on ${escapeRegExp(resource)} failed: ${escapeRegExp(name)}: ${escapeRegExp(error.message)}`),
      );
      expect(failed?.reason).toContain(failed?.error?.message ?? '?');

      expect(notify).toMatchObject({ type: 'notify', status: 'executed' });
      const [sent] = published(aws);
      expect(sent?.Subject).toMatch(/ \[ACTION FAILED\]$/);
      expect(sent?.Message).toContain(`!! 1 automatic action FAILED (${action}): a human is needed.`);
      expect(sent?.Message).toContain(`  - ${action}: FAILED: `);
      expect(sent?.Message).toContain(failed?.error?.message);
      expect(sent?.MessageAttributes?.outcome).toEqual({ DataType: 'String', StringValue: 'failed' });
      expect(exitCodeFor(report)).toBe(1);
    },
  );
});

describe('other failures', () => {
  it('a read failing while planning: the action fails naming the read, the notification still goes out', async () => {
    aws.sagemaker
      .on(DescribeEndpointCommand)
      .rejects(sageMakerError('AccessDeniedException', 'not authorized to perform: sagemaker:DescribeEndpoint'));
    const report = await runEvent(sample('02-'));
    expect(report.actions[0]?.status).toBe('failed');
    expect(report.actions[0]?.error).toEqual({
      kind: 'aws-denied',
      message:
        "sagemaker:DescribeEndpoint on fraud-prod failed: AccessDeniedException: not authorized to perform: sagemaker:DescribeEndpoint (the function's role lacks this permission: check the IAM policy in serverless.yml)",
    });
    expect(report.actions[1]?.status).toBe('executed');
    expect(exitCodeFor(report)).toBe(1);
  });

  it('a later non-notify action still runs after a failure', async () => {
    aws.sagemaker
      .on(UpdateEndpointCommand)
      .rejects(sageMakerError('ValidationException', 'Could not find endpoint configuration "fraud-prod-config-2026-10-01".'));
    const runbook = runbookWith(
      '  - id: everything',
      '    match: { kind: alarm, state: ALARM }',
      '    actions:',
      '      - rollback: {}',
      '      - scale: { by: 1 }',
      '      - notify: { topic: ops }',
    );
    const report = await runEvent(sample('05-'), { runbook });
    expect(report.actions.map((a) => [a.type, a.status])).toEqual([
      ['rollback', 'failed'],
      ['scale', 'executed'],
      ['notify', 'executed'],
    ]);
    // SageMaker's "Could not find ..." is a missing resource, whatever the exception name says.
    expect(report.actions[0]?.error?.kind).toBe('aws-not-found');
    expect(aws.writes()).toEqual(['UpdateEndpoint', 'UpdateEndpointWeightsAndCapacities', 'Publish']);
    expect(published(aws)[0]?.Message).toContain('  - scale: done: scale fraud-prod/AllTraffic from 2 to 3 instances');
  });

  it.each([
    [
      'AuthorizationErrorException',
      new AuthorizationErrorException({ message: 'User is not authorized to perform: SNS:Publish', ...meta(403) }),
      'aws-denied',
    ],
    ['NotFoundException', new NotFoundException({ message: 'Topic does not exist', ...meta(404) }), 'aws-not-found'],
  ] as const)('notify itself failing (%s): failed, the earlier action keeps its outcome, exit 1', async (name, error, kind) => {
    aws.sns.on(PublishCommand).rejects(error);
    const report = await runEvent(sample('02-'));
    expect(report.actions.map((a) => a.status)).toEqual(['executed', 'failed']);
    expect(report.actions[1]?.error?.kind).toBe(kind);
    expect(report.actions[1]?.error?.message).toMatch(
      new RegExp(`^sns:Publish on arn:aws:sns:us-east-1:111122223333:model-medic-ops failed: ${name}: ${escapeRegExp(error.message)}`),
    );
    expect(exitCodeFor(report)).toBe(1);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
