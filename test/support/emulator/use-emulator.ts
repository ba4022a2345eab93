/**
 * What an emulator test file uses: the run's moto server (reset before the file, so files never
 * see each other's resources), a stand-in in front of it for what moto lacks, SDK clients
 * straight to moto for seeding and inspecting, and the packaged stack deployed onto it with a
 * host per function. Files run one after another (vitest.config.ts), so a reset is safe.
 */
import { afterAll, afterEach, beforeAll, describe, inject } from 'vitest';
import { FunctionHost, type FunctionHost as Host } from './lambda-host.js';
import { type DeployedStack, deployToEmulator, type PackagedFunction, type PackagedStack } from './packaged.js';

const opsTopicName = (deployed: DeployedStack) => deployed.opsTopicArn.split(':').pop() as string;

import { StandIn } from './stand-in.js';
import { emulatorEnv, type MotoClients, motoClients, type SeedOptions, type Subscriber, seedWorld, subscribeQueue } from './world.js';

export type EmulatorContext = { available: true; motoUrl: string; stack: PackagedStack } | { available: false; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    emulator: EmulatorContext;
  }
}

export interface Emulator {
  motoUrl: string;
  standIn: StandIn;
  clients: MotoClients;
  /** Environment for a process (the built CLI) that talks to AWS through the stand-in. */
  env(): Record<string, string>;
  stack: PackagedStack;
  /** The stack's table, queue, topic and schedule group in moto; created by `deployStack()`. */
  deployed(): DeployedStack;
  deployStack(): Promise<DeployedStack>;
  /** A host for a packaged function (alarm, monitoring, endpoint-state), stopped after the file. */
  host(name: string, envOverrides?: Record<string, string>, configuration?: Partial<Pick<PackagedFunction, 'timeoutSeconds'>>): Host;
  /** moto reset and the stand-in cleared, then the sample world seeded again: an account of the test's own. */
  freshWorld(options?: SeedOptions): Promise<void>;
  /** A fresh account: the stack deployed onto the sample world, with a subscriber on the stack's ops topic. */
  deployOntoWorld(options?: SeedOptions): Promise<{ deployed: DeployedStack; ops: Subscriber }>;
}

const context = inject('emulator');

/** `describe`, skipped with the reason when moto is not available. */
export const describeEmulator = (name: string, body: () => void) =>
  context.available ? describe(name, body) : describe.skip(`${name} (skipped: ${context.reason})`, body);

export function useEmulator(): () => Emulator {
  let emulator: Emulator | undefined;
  const hosts: Host[] = [];
  beforeAll(async () => {
    if (!context.available) return;
    const reset = () => fetch(`${context.motoUrl}/moto-api/reset`, { method: 'POST' });
    await reset();
    const standIn = await StandIn.start(context.motoUrl);
    const clients = motoClients(context.motoUrl);
    let deployed: DeployedStack | undefined;
    emulator = {
      motoUrl: context.motoUrl,
      standIn,
      clients,
      stack: context.stack,
      env: () => emulatorEnv(standIn.url),
      deployed() {
        if (!deployed) throw new Error('deployStack() first');
        return deployed;
      },
      async deployStack() {
        deployed = await deployToEmulator(clients, context.stack);
        return deployed;
      },
      host(name, envOverrides = {}, configuration = {}) {
        const packaged = context.stack.functions[name];
        const fn = packaged && { ...packaged, ...configuration };
        if (!fn) throw new Error(`no packaged function ${name}`);
        const d = emulator?.deployed() as DeployedStack;
        const host = new FunctionHost(
          fn,
          { ...d.environmentOf(fn), ...emulatorEnv(standIn.url), ...envOverrides },
          { clients, queueUrl: d.failureQueueUrl },
        );
        hosts.push(host);
        return host;
      },
      async freshWorld(options) {
        await reset();
        standIn.clear();
        await seedWorld(clients, standIn, options);
      },
      async deployOntoWorld(options) {
        await reset();
        standIn.clear();
        deployed = await deployToEmulator(clients, context.stack);
        await seedWorld(clients, standIn, options);
        return { deployed, ops: await subscribeQueue(clients, opsTopicName(deployed)) };
      },
    };
  });
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
  });
  afterAll(async () => {
    await emulator?.standIn.stop();
    for (const client of Object.values(emulator?.clients ?? {})) if (typeof client === 'object') client.destroy();
  });
  return () => {
    if (!emulator) throw new Error('the emulator is not available');
    return emulator;
  };
}
