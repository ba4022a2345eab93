/** An action as it stands in a validated rule: its type and its parsed parameters. */
import type { NotifyParams, RedeployParams, RetrainParams, RollbackParams, ScaleParams, ShiftTrafficParams } from './params.js';

export type ActionSpec =
  | { type: 'notify'; params: NotifyParams }
  | { type: 'scale'; params: ScaleParams }
  | { type: 'shift-traffic'; params: ShiftTrafficParams }
  | { type: 'rollback'; params: RollbackParams }
  | { type: 'retrain'; params: RetrainParams }
  | { type: 'redeploy'; params: RedeployParams };
