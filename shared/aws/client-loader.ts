/**
 * How an SDK client is loaded, and which clients this process may load. Each service has one
 * loader (shared/aws/loaders/<service>.ts) whose `import()` of the client module is the only
 * reference to it; a Lambda entry installs the loaders of the services its role allows
 * (functions/*.ts), the CLI installs them all. esbuild gives every `import()` it sees its own
 * chunk, so a loader that no entry imports leaves its client out of that function's bundle.
 *
 * Installed here, not passed down: the runbook source and the failure queue ask for a sender
 * without knowing which function they run in, and the answer is a property of the deployment.
 */
import type { ClientConfig } from './client-config.js';

/** Sends one operation of one service; the client behind it is created on first use. */
export type Sender = (operation: string, input: Record<string, unknown>, abortSignal?: AbortSignal) => Promise<unknown>;

export interface ClientLoader {
  /** The short service name every call names (sns, sagemaker, application-auto-scaling, ...). */
  service: string;
  /** Imports the client module and builds the client; called once per service per adapter set. */
  load(config: ClientConfig): Promise<Sender>;
}

/** Command constructors by operation name: only what model-medic calls. */
type Commands = Record<string, new (input: never) => unknown>;

interface SdkClient {
  send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

export function senderFor(client: SdkClient, commands: Commands, service: string): Sender {
  return async (operation, input, abortSignal) => {
    const Command = commands[operation];
    if (!Command) throw new Error(`model-medic does not call ${service}:${operation}`);
    return client.send(new Command(input as never) as never, abortSignal ? { abortSignal } : undefined);
  };
}

const installed = new Map<string, ClientLoader>();

/** Allows these services in this process (added to those already installed). */
export function installClients(loaders: readonly ClientLoader[]): void {
  for (const loader of loaders) installed.set(loader.service, loader);
}

/** The loader of `service`, or an error that says which services this process may call. */
export function installedLoader(service: string): ClientLoader {
  const loader = installed.get(service);
  if (loader) return loader;
  const known = [...installed.keys()].sort().join(', ') || 'none';
  throw new Error(
    `model-medic does not call the ${service} service here (clients installed in this process: ${known}); ` +
      'a Lambda function lists its clients in functions/<name>.ts, next to its IAM role in serverless.yml',
  );
}
