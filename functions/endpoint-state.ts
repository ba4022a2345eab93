/** Lambda entry point for SageMaker endpoint state changes (rollback history): wiring only. */
import { createHandler } from '../shared/lambda/create-handler.js';

export const handler = createHandler('endpoint-state');
