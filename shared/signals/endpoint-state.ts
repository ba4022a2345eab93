/** SageMaker Endpoint State Change -> EndpointStateChange (feeds the rollback history). */
import type { Envelope } from './envelope.js';
import { checked, object, optionalString, ROOT, string } from './shape.js';
import type { EndpointStateChange } from './types.js';

export const ENDPOINT_SOURCE = 'aws.sagemaker';
export const ENDPOINT_DETAIL_TYPE = 'SageMaker Endpoint State Change';

export function parseEndpointStateEvent(envelope: Envelope): EndpointStateChange {
  const d = checked('endpoint state event: ', 'detail', () => {
    const detail = object(envelope.detail, []);
    return {
      EndpointName: string(detail.EndpointName, ROOT, 'EndpointName', 'missing EndpointName'),
      EndpointArn: optionalString(detail.EndpointArn, ROOT, 'EndpointArn'),
      EndpointStatus: string(detail.EndpointStatus, ROOT, 'EndpointStatus', 'missing EndpointStatus'),
      EndpointConfigName: optionalString(detail.EndpointConfigName, ROOT, 'EndpointConfigName'),
    };
  });
  const change: EndpointStateChange = {
    endpoint: d.EndpointName,
    status: normalizeEndpointStatus(d.EndpointStatus),
    time: envelope.time,
    eventId: envelope.id,
  };
  if (d.EndpointArn) change.endpointArn = d.EndpointArn;
  if (d.EndpointConfigName) change.endpointConfig = d.EndpointConfigName;
  return change;
}

/**
 * The state-change event spells statuses IN_SERVICE, UPDATING, ...; DescribeEndpoint spells
 * them InService, Updating, ... We use the API's spelling everywhere.
 */
export function normalizeEndpointStatus(status: string): string {
  if (!/^[A-Z]+(_[A-Z]+)*$/.test(status)) return status;
  return status
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}
