/** What every SDK client is configured with, from one environment record. */
import { describe, expect, it } from 'vitest';
import { clientConfig, DEFAULT_MAX_ATTEMPTS } from '../../shared/aws/client-config.js';

describe('clientConfig', () => {
  it('region from AWS_REGION, else AWS_DEFAULT_REGION, else left to the SDK chain', () => {
    expect(clientConfig({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' }).region).toBe('eu-west-1');
    expect(clientConfig({ AWS_DEFAULT_REGION: 'us-west-2' }).region).toBe('us-west-2');
    expect(clientConfig({})).not.toHaveProperty('region');
  });

  it('AWS_ENDPOINT_URL points every client elsewhere; AWS_ENDPOINT_URL_<SERVICE> wins for its service', () => {
    const env = { AWS_ENDPOINT_URL: 'http://localhost:4566', AWS_ENDPOINT_URL_SNS: 'http://localhost:9911' };
    expect(clientConfig(env, 'sagemaker').endpoint).toBe('http://localhost:4566');
    expect(clientConfig(env, 'sns').endpoint).toBe('http://localhost:9911');
    expect(clientConfig({ AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING: 'http://aas' }, 'application-auto-scaling').endpoint).toBe(
      'http://aas',
    );
    expect(clientConfig({})).not.toHaveProperty('endpoint');
  });

  it('adaptive retries with a bounded number of attempts', () => {
    expect(clientConfig({})).toMatchObject({ retryMode: 'adaptive', maxAttempts: DEFAULT_MAX_ATTEMPTS });
    expect(clientConfig({ MEDIC_AWS_MAX_ATTEMPTS: '2' }).maxAttempts).toBe(2);
    expect(clientConfig({ AWS_MAX_ATTEMPTS: '6' }).maxAttempts).toBe(6);
    expect(clientConfig({ MEDIC_AWS_MAX_ATTEMPTS: '500' }).maxAttempts).toBe(10);
    for (const junk of ['0', '-1', '2.5', 'many', ''])
      expect(clientConfig({ MEDIC_AWS_MAX_ATTEMPTS: junk }).maxAttempts).toBe(DEFAULT_MAX_ATTEMPTS);
  });

  it('connection and request timeouts, so a black-holed endpoint fails instead of hanging', () => {
    expect(clientConfig({}).requestHandler).toEqual({ connectionTimeout: 3000, requestTimeout: 15000, throwOnRequestTimeout: true });
    expect(clientConfig({ MEDIC_AWS_TIMEOUT_MS: '250' }).requestHandler).toEqual({
      connectionTimeout: 250,
      requestTimeout: 250,
      throwOnRequestTimeout: true,
    });
  });

  it('credentials from the same record when it has keys, else the SDK default chain', () => {
    expect(clientConfig({ AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' }).credentials).toEqual({
      accessKeyId: 'AKIA1',
      secretAccessKey: 's',
      sessionToken: 't',
    });
    expect(clientConfig({ AWS_ACCESS_KEY_ID: 'AKIA1' })).not.toHaveProperty('credentials');
  });
});
