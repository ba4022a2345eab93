/** SageMaker Endpoint State Change -> EndpointStateChange (feeds the rollback history). */
import * as z from 'zod';
import { InvalidEventError } from '../errors.js';
import type { Envelope } from './envelope.js';
import type { EndpointStateChange } from './types.js';
import { firstIssueLine } from './zod-message.js';

const endpointDetailSchema = z.looseObject({
  EndpointName: z.string({ error: 'missing EndpointName' }),
  EndpointArn: z.string().optional(),
  EndpointStatus: z.string({ error: 'missing EndpointStatus' }),
  EndpointConfigName: z.string().optional(),
});

export function parseEndpointStateEvent(envelope: Envelope): EndpointStateChange {
  const parsed = endpointDetailSchema.safeParse(envelope.detail);
  if (!parsed.success) throw new InvalidEventError(`endpoint state event: ${firstIssueLine(parsed.error, 'detail')}`);
  const d = parsed.data;
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
