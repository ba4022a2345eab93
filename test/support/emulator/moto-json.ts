/**
 * One JSON-protocol request straight to moto, for what a test cannot (or should not) say
 * through an SDK client: the stand-in's own reads and writes, and APIs whose client the
 * project does not depend on (EventBridge TestEventPattern).
 */
import { SAMPLE_REGION } from './moto-server.js';

export async function motoJson(
  motoUrl: string,
  target: string,
  input: Record<string, unknown>,
  options: { signingName: string; version?: '1.0' | '1.1' },
): Promise<Record<string, unknown>> {
  const res = await fetch(motoUrl, {
    method: 'POST',
    headers: {
      'content-type': `application/x-amz-json-${options.version ?? '1.1'}`,
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20261201/${SAMPLE_REGION}/${options.signingName}/aws4_request`,
    },
    body: JSON.stringify(input),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto ${target}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
