/**
 * Every action type, by the name used in runbook.yml. Adding an action type means one file
 * for it, its schema in params.ts, and one line here.
 */
import type { ActionDefinition } from './action.js';
import { notifyAction } from './notify.js';
import type { ActionType } from './params.js';
import { redeployAction } from './redeploy.js';
import { retrainAction } from './retrain.js';
import { rollbackAction } from './rollback.js';
import { scaleAction } from './scale.js';
import { shiftTrafficAction } from './shift-traffic.js';

// biome-ignore lint/suspicious/noExplicitAny: each entry is checked against its own params type where it is defined
export const ACTIONS: Record<ActionType, ActionDefinition<any>> = {
  notify: notifyAction,
  scale: scaleAction,
  'shift-traffic': shiftTrafficAction,
  rollback: rollbackAction,
  retrain: retrainAction,
  redeploy: redeployAction,
};
