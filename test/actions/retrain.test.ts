/** retrain: SageMaker and CodePipeline starts, idempotency tokens, running executions. */
import {
  ListPipelineExecutionsCommand as ListCodePipelineExecutionsCommand,
  StartPipelineExecutionCommand as StartCodePipelineCommand,
} from '@aws-sdk/client-codepipeline';
import { ListPipelineExecutionsCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestToken } from '../../shared/actions/retrain.js';
import { exitCodeFor } from '../../shared/report.js';
import { sample } from '../support/samples.js';
import { inputsOf, MockedAws, runbookWith, runEvent } from './harness.js';

let aws: MockedAws;
beforeEach(() => {
  aws = new MockedAws();
});
afterEach(() => aws.restore());

const retrainWith = (pipeline: string) =>
  runbookWith(
    '  - id: retrain',
    '    match: { kind: monitoring }',
    '    actions:',
    `      - retrain: { pipeline: ${pipeline} }`,
    '      - notify: { topic: ops }',
  );

describe('retrain: SageMaker pipeline', () => {
  it('StartPipelineExecution with parameters, a description and a token derived from the signal key', async () => {
    const report = await runEvent(sample('20-'));
    const key = String(report.signal?.key);
    expect(key).toContain('processing-job/model-monitoring-202611230400-7c1e9a42');
    expect(inputsOf(aws.sagemaker, ListPipelineExecutionsCommand)).toEqual([
      { PipelineName: 'churn-retrain', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 10 },
    ]);
    const token = requestToken(key, 'churn-drift-retrain');
    expect(inputsOf(aws.sagemaker, StartPipelineExecutionCommand)).toEqual([
      {
        PipelineName: 'churn-retrain',
        ClientRequestToken: token,
        PipelineExecutionDescription:
          'Started by model-medic rule churn-drift-retrain for churn-prod (monitoring job model-monitoring-202611230400-7c1e9a42)',
        PipelineParameters: [
          { Name: 'Endpoint', Value: 'churn-prod' },
          { Name: 'Trigger', Value: 'churn-drift-retrain' },
        ],
      },
    ]);
    // SageMaker: 32 to 128 characters.
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(token.length).toBeLessThanOrEqual(128);
    expect(aws.writes()).toEqual(['StartPipelineExecution', 'Publish']);
  });

  it('a redelivered event carries the same token: SageMaker starts one execution, not two', async () => {
    await runEvent(sample('20-'));
    await runEvent(sample('32-')); // the duplicate SageMaker event, with a new event id, in a fresh store
    const [first, second] = inputsOf(aws.sagemaker, StartPipelineExecutionCommand);
    expect(second?.ClientRequestToken).toBe(first?.ClientRequestToken);
  });

  it('a pipeline without parameters sends none', async () => {
    await runEvent(sample('21-'), { runbook: retrainWith('fraud-retrain') });
    expect(aws.sagemaker).not.toHaveReceivedCommand(StartPipelineExecutionCommand); // fraud-retrain is running
    aws.world.sagemaker?.pipelineExecutions?.['fraud-retrain']?.splice(0, 1);
    const report = await runEvent(sample('21-'), { runbook: retrainWith('fraud-retrain') });
    expect(inputsOf(aws.sagemaker, StartPipelineExecutionCommand)).toEqual([
      {
        PipelineName: 'fraud-retrain',
        ClientRequestToken: requestToken(String(report.signal?.key), 'retrain'),
        PipelineExecutionDescription:
          'Started by model-medic rule retrain for fraud-prod (monitoring job model-monitoring-202611230400-b3d85f10)',
      },
    ]);
  });

  it('an execution is already running: skipped with its ARN', async () => {
    const report = await runEvent(sample('21-'), { runbook: retrainWith('fraud-retrain') });
    expect(report.actions[0]).toMatchObject({
      status: 'skipped',
      reason:
        'SageMaker pipeline fraud-retrain already has a running execution (arn:aws:sagemaker:us-east-1:111122223333:pipeline/fraud-retrain/execution/p8t2w6n4c0zd)',
    });
    expect(aws.writes()).toEqual(['Publish']);
  });

  it('an execution that is Stopping counts as running', async () => {
    const [latest] = aws.world.sagemaker?.pipelineExecutions?.['churn-retrain'] ?? [];
    if (latest) latest.PipelineExecutionStatus = 'Stopping';
    const report = await runEvent(sample('20-'));
    expect(report.actions[0]?.status).toBe('skipped');
  });

  it('the pipeline does not exist: the action fails naming ListPipelineExecutions, the pipeline and ResourceNotFound; notify still runs', async () => {
    const report = await runEvent(sample('20-'), { runbook: retrainWith('missing') });
    expect(report.actions[0]?.status).toBe('failed');
    expect(report.actions[0]?.error?.kind).toBe('aws-not-found');
    expect(report.actions[0]?.error?.message).toBe(
      "sagemaker:ListPipelineExecutions on no-such-pipeline failed: ResourceNotFound: Pipeline 'no-such-pipeline' does not exist. (the resource does not exist in this account and region)",
    );
    expect(report.actions[1]?.status).toBe('executed');
    expect(exitCodeFor(report)).toBe(1);
  });
});

describe('retrain: CodePipeline', () => {
  it('StartPipelineExecution with variables and a clientRequestToken from the signal key', async () => {
    const report = await runEvent(sample('22-'));
    expect(report.actions[0]).toMatchObject({
      status: 'executed',
      reason: 'start CodePipeline fraud-model-build with ENDPOINT=fraud-prod',
    });
    expect(inputsOf(aws.codepipeline, ListCodePipelineExecutionsCommand)).toEqual([{ pipelineName: 'fraud-model-build', maxResults: 10 }]);
    const token = requestToken(String(report.signal?.key), 'model-quality-rebuild');
    expect(inputsOf(aws.codepipeline, StartCodePipelineCommand)).toEqual([
      { name: 'fraud-model-build', clientRequestToken: token, variables: [{ name: 'ENDPOINT', value: 'fraud-prod' }] },
    ]);
    expect(token).toMatch(/^[a-zA-Z0-9-]{1,128}$/);
  });

  it.each(['InProgress', 'Stopping'])('an execution that is %s: skipped', async (status) => {
    const [latest] = aws.world.codepipeline?.pipelineExecutions?.['fraud-model-build'] ?? [];
    if (latest) latest.status = status;
    const report = await runEvent(sample('22-'));
    expect(report.actions[0]).toMatchObject({
      status: 'skipped',
      reason: 'CodePipeline fraud-model-build already has a running execution (3f2b8c1e-7d4a-4b9e-a6f0-51c2d8e9b7a4)',
    });
    expect(aws.codepipeline).not.toHaveReceivedCommand(StartCodePipelineCommand);
  });

  it('the pipeline does not exist: failed naming the API, the pipeline and PipelineNotFoundException', async () => {
    delete aws.world.codepipeline?.pipelineExecutions?.['fraud-model-build'];
    const report = await runEvent(sample('22-'));
    expect(report.actions[0]?.error?.message).toMatch(
      /^codepipeline:ListPipelineExecutions on fraud-model-build failed: PipelineNotFoundException: Account '111122223333' does not have a pipeline with name 'fraud-model-build'/,
    );
    expect(report.actions[1]?.status).toBe('executed');
  });
});
