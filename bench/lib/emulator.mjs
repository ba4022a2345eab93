// AWS for the cold-init benchmarks: moto (the emulator the test suite uses) behind the
// stand-in, seeded with events/aws-state.json, so handlers and the reference make real SDK calls
// over HTTP with no network. Every request is recorded (operation, start and end) for the report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importBundled, ROOT } from './common.mjs';

/** Undefined (with the reason on stderr) when moto cannot run here. */
export async function startBenchAws() {
  const emu = await importBundled('entries/emulator.mjs', 'emulator');
  const reason = emu.motoUnavailableReason();
  if (reason) {
    console.error(`cold init skipped: ${reason}. Install moto's server: pip install "moto[server]"`);
    return undefined;
  }
  const moto = await emu.startMoto();
  const standIn = await emu.StandIn.start(moto.url);
  const clients = emu.motoClients(moto.url);
  await emu.seedWorld(clients, standIn);
  return {
    url: standIn.url,
    /** Requests since the last call (service, operation, when each started and ended), in order of arrival. */
    takeRequests() {
      return standIn.requests
        .splice(0)
        .map((r) => ({ service: r.service, operation: r.operation, startedAt: r.startedAt, endedAt: r.endedAt }));
    },
    /**
     * The scalable targets back to events/aws-state.json: a run that scaled raised a MinCapacity,
     * and moto keeps it, so without this later runs of the alarm event find the cap reached and skip
     * the scale (other work, other requests). Sent to moto directly: not counted as the run's calls.
     */
    async restoreScalableTargets() {
      const state = JSON.parse(readFileSync(join(ROOT, 'events', 'aws-state.json'), 'utf8'));
      for (const target of state.applicationAutoScaling?.scalableTargets ?? []) {
        await clients.autoscaling.send(
          new emu.RegisterScalableTargetCommand({
            ServiceNamespace: 'sagemaker',
            ResourceId: String(target.ResourceId),
            ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
            MinCapacity: Number(target.MinCapacity),
            MaxCapacity: Number(target.MaxCapacity),
          }),
        );
      }
    },
    /** A state table with the deployed layout. */
    async createTable(name) {
      await clients.dynamodb.send(new emu.CreateTableCommand(emu.createTableInput(name)));
    },
    async close() {
      for (const client of Object.values(clients)) if (typeof client === 'object') client.destroy();
      await standIn.stop();
      await moto.stop();
    },
  };
}

/** The one dynalite helper of the test suite (DynamoDB in process), for the storm benchmark. */
export async function startDynalite() {
  const emu = await importBundled('entries/emulator.mjs', 'emulator');
  return emu.startDynalite();
}

/** Requests counted per `service:Operation`, sorted. */
export function countCalls(requests) {
  const counts = new Map();
  for (const r of requests) counts.set(`${r.service}:${r.operation}`, (counts.get(`${r.service}:${r.operation}`) ?? 0) + 1);
  return Object.fromEntries([...counts].sort());
}
