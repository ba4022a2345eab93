/** Lambda entry point for SageMaker endpoint state changes (busy endpoints, rollback history): wiring only. */
import { sqs } from '../shared/aws/loaders/sqs.js';
import { createHandler } from '../shared/lambda/create-handler.js';
import { endpointStateEntry } from '../shared/lambda/endpoint-state-entry.js';

/**
 * The AWS clients this function may call besides DynamoDB (the state store's): only SQS, to queue
 * a malformed event. It loads no runbook, so it reads no parameter and tells ops nothing.
 */
export const CLIENTS = [sqs];

export const handler = createHandler('endpoint-state', endpointStateEntry, CLIENTS);
