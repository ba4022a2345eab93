/**
 * One entry for every input: EventBridge event -> signal, endpoint state change, or a
 * reason to ignore it. Throws InvalidEventError for malformed input.
 */
import type { AwsReader } from '../aws/ports.js';
import { InvalidEventError } from '../errors.js';
import { parseAlarmEvent } from './alarm.js';
import { APPROVAL_EXPIRY_DETAIL_TYPE, type ApprovalExpiry, parseApprovalExpiryEvent } from './approval-expiry.js';
import { CHECK_DETAIL_TYPE, CHECK_SOURCE, parseCheckEvent, type RemediationCheck } from './check.js';
import { resolveCompositeTarget } from './composite.js';
import { ENDPOINT_DETAIL_TYPE, parseEndpointStateEvent } from './endpoint-state.js';
import { parseEnvelope } from './envelope.js';
import { normalizeProcessingJobEvent } from './monitoring.js';
import { isOperatorDetailType, OPERATOR_SOURCE, type OperatorEvent, parseOperatorEvent } from './operator.js';
import type { EndpointStateChange, Signal } from './types.js';

export const ALARM_DETAIL_TYPE = 'CloudWatch Alarm State Change';
export const PROCESSING_JOB_DETAIL_TYPE = 'SageMaker Processing Job State Change';
export { ENDPOINT_DETAIL_TYPE };

export type Normalized =
  | { type: 'signal'; signal: Signal }
  | { type: 'endpoint-state'; change: EndpointStateChange }
  | { type: 'check'; check: RemediationCheck }
  | { type: 'approval-expiry'; expiry: ApprovalExpiry }
  | { type: 'operator'; event: OperatorEvent }
  | { type: 'ignored'; reason: string };

export async function normalizeEvent(raw: unknown, reader: AwsReader): Promise<Normalized> {
  const envelope = parseEnvelope(raw);
  if (envelope.source === OPERATOR_SOURCE) return { type: 'operator', event: parseOperatorEvent(envelope) };
  if (isOperatorDetailType(envelope['detail-type'])) {
    // An operator's change from anywhere else is refused, not ignored: it lands in the failure queue.
    throw new InvalidEventError(
      `operator event "${envelope['detail-type']}" from source ${envelope.source} refused: operator events come from ${OPERATOR_SOURCE} on the stack's bus`,
    );
  }
  const kind = `${envelope.source}/${envelope['detail-type']}`;
  switch (kind) {
    case `aws.cloudwatch/${ALARM_DETAIL_TYPE}`: {
      const signal = await resolveCompositeTarget(parseAlarmEvent(envelope), reader);
      return { type: 'signal', signal };
    }
    case `aws.sagemaker/${PROCESSING_JOB_DETAIL_TYPE}`: {
      const outcome = await normalizeProcessingJobEvent(envelope, reader);
      return 'signal' in outcome ? { type: 'signal', signal: outcome.signal } : { type: 'ignored', reason: outcome.ignored };
    }
    case `aws.sagemaker/${ENDPOINT_DETAIL_TYPE}`:
      return { type: 'endpoint-state', change: parseEndpointStateEvent(envelope) };
    case `${CHECK_SOURCE}/${CHECK_DETAIL_TYPE}`:
      return { type: 'check', check: parseCheckEvent(envelope) };
    case `${CHECK_SOURCE}/${APPROVAL_EXPIRY_DETAIL_TYPE}`:
      return { type: 'approval-expiry', expiry: parseApprovalExpiryEvent(envelope) };
    default:
      return { type: 'ignored', reason: `unsupported event type "${envelope['detail-type']}" from ${envelope.source}` };
  }
}
