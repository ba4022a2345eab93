/** Lambda entry point for CloudWatch alarm state changes, ladder checks and operator events: wiring only. */
import { applicationAutoScaling } from '../shared/aws/loaders/application-auto-scaling.js';
import { cloudwatch } from '../shared/aws/loaders/cloudwatch.js';
import { codepipeline } from '../shared/aws/loaders/codepipeline.js';
import { sagemaker } from '../shared/aws/loaders/sagemaker.js';
import { scheduler } from '../shared/aws/loaders/scheduler.js';
import { sns } from '../shared/aws/loaders/sns.js';
import { sqs } from '../shared/aws/loaders/sqs.js';
import { ssm } from '../shared/aws/loaders/ssm.js';
import { createHandler } from '../shared/lambda/create-handler.js';
import { engineEntry } from '../shared/lambda/engine-entry.js';

/**
 * The AWS clients this function may call (DynamoDB, the state store's, is every function's), as
 * AlarmFunctionRole in serverless.yml allows: act on endpoints, retrain, notify, read composite
 * alarms' children, schedule ladder checks, read the runbook parameter, queue malformed events.
 */
export const CLIENTS = [applicationAutoScaling, cloudwatch, codepipeline, sagemaker, scheduler, sns, sqs, ssm];

export const handler = createHandler('alarm', engineEntry, CLIENTS);
