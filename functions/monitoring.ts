/** Lambda entry point for SageMaker processing job state changes (Model Monitor results): wiring only. */
import { createHandler } from '../shared/lambda/create-handler.js';

export const handler = createHandler('monitoring');
