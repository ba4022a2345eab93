// Every client model-medic calls: what the CLI installs (a Lambda function installs only its own,
// functions/*.ts). Importing this module puts every client's chunk in the bundle.
import type { ClientLoader } from '../client-loader.js';
import { applicationAutoScaling } from './application-auto-scaling.js';
import { cloudwatch } from './cloudwatch.js';
import { codepipeline } from './codepipeline.js';
import { eventbridge } from './eventbridge.js';
import { s3 } from './s3.js';
import { sagemaker } from './sagemaker.js';
import { scheduler } from './scheduler.js';
import { sns } from './sns.js';
import { sqs } from './sqs.js';
import { ssm } from './ssm.js';
import { sts } from './sts.js';

export const ALL_CLIENTS: readonly ClientLoader[] = [
  applicationAutoScaling,
  cloudwatch,
  codepipeline,
  eventbridge,
  s3,
  sagemaker,
  scheduler,
  sns,
  sqs,
  ssm,
  sts,
];
