/**
 * The emulator suite's global setup: one moto server for the whole run, and the stack packaged
 * once (`osls package --stage emulator`) with each function's zip unpacked. Both are handed to
 * the test files through `inject('emulator')`.
 *
 * Where moto cannot start, the suite is skipped with one line saying why and how to get it,
 * unless MEDIC_REQUIRE_EMULATOR is set (CI sets it): then the run fails instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { motoUnavailableReason, startMoto } from '../support/emulator/moto-server.js';
import { packageStackInto } from '../support/emulator/packaged.js';
import type { EmulatorContext } from '../support/emulator/use-emulator.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const reason = motoUnavailableReason();
  if (reason) {
    const how = `Install moto's server to run it: pip install "moto[server]"`;
    if (process.env.MEDIC_REQUIRE_EMULATOR) {
      throw new Error(`the emulator suite cannot run: ${reason}. ${how} (MEDIC_REQUIRE_EMULATOR is set, so this fails the run)`);
    }
    process.stderr.write(`\nemulator suite skipped: ${reason}. ${how}\n\n`);
    project.provide('emulator', { available: false, reason } satisfies EmulatorContext);
    return async () => {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'medic-emulator-'));
  const [moto, stack] = await Promise.all([startMoto(), packageStackInto(dir)]);
  project.provide('emulator', { available: true, motoUrl: moto.url, stack } satisfies EmulatorContext);
  return async () => {
    await moto.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
