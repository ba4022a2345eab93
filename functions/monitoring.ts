/** Lambda entry point for SageMaker processing job state changes (Model Monitor results): wiring only. */
import { applicationAutoScaling } from '../shared/aws/loaders/application-auto-scaling.js';
import { codepipeline } from '../shared/aws/loaders/codepipeline.js';
import { s3 } from '../shared/aws/loaders/s3.js';
import { sagemaker } from '../shared/aws/loaders/sagemaker.js';
import { scheduler } from '../shared/aws/loaders/scheduler.js';
import { sns } from '../shared/aws/loaders/sns.js';
import { sqs } from '../shared/aws/loaders/sqs.js';
import { ssm } from '../shared/aws/loaders/ssm.js';
import { createHandler } from '../shared/lambda/create-handler.js';
import { engineEntry } from '../shared/lambda/engine-entry.js';

/**
 * The AWS clients this function may call (DynamoDB, the state store's, is every function's), as
 * MonitoringFunctionRole in serverless.yml allows: describe the job and read its violations
 * report, act on endpoints, retrain, notify, schedule an approval's deadline, read the runbook
 * parameter, queue malformed events. No CloudWatch (alarms, and ladders, are the alarm function's).
 */
export const CLIENTS = [applicationAutoScaling, codepipeline, s3, sagemaker, scheduler, sns, sqs, ssm];

export const handler = createHandler('monitoring', engineEntry, CLIENTS);
