/** Lambda entry point for CloudWatch alarm state changes: wiring only. */
import { createHandler } from '../shared/lambda/create-handler.js';

export const handler = createHandler('alarm');
