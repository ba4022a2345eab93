/**
 * Builds the engine's adapters for a CLI run: the same engine as the Lambda handlers, with
 * recorded AWS state (default) or live reads (--aws), an in-memory state store, and a
 * writer that refuses unless --live.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AwsReader, AwsWriter } from '../shared/aws/ports.js';
import { RecordedAwsReader } from '../shared/aws/recorded.js';
import { refusingWriter } from '../shared/aws/refusing-writer.js';
import { type Clock, systemClock } from '../shared/clock.js';
import type { EngineDeps } from '../shared/engine.js';
import { type CompiledRunbook, compileRunbook, type OpenedRunbook, openRunbookFile } from '../shared/runbook/index.js';
import { MemoryStateStore } from '../shared/state/memory.js';
import type { StateStore } from '../shared/state/store.js';
import { notFiringTimers } from '../shared/timers/virtual.js';
import type { Io } from './io.js';
import { isDirectory, isFile } from './path-kind.js';
import { UsageError } from './usage-error.js';

export const DEFAULT_RUNBOOK = 'runbook.yml';
export const DEFAULT_AWS_STATE = 'events/aws-state.json';

/**
 * The recorded state that belongs to a folder of events: its own aws-state.json, as
 * `medic capture --events DIR` writes it, when every path given is that folder or a file in it.
 * Undefined otherwise (the default then applies). The path is as the user gave the folder.
 */
export function awsStateInFolder(paths: string[], cwd: string): string | undefined {
  const folders = new Map<string, string>();
  for (const path of paths) {
    const given = isDirectory(resolve(cwd, path)) ? path : dirname(path);
    folders.set(resolve(cwd, given), given);
  }
  const [only, ...others] = [...folders];
  if (!only || others.length > 0) return undefined;
  const candidate = join(only[1], 'aws-state.json');
  return isFile(resolve(cwd, candidate)) ? candidate : undefined;
}

export interface SourceOptions {
  runbook?: string;
  awsState?: string;
  aws?: boolean;
  live?: boolean;
}

/**
 * `path` as the user gave it (--runbook F or validate's RUNBOOK); undefined means runbook.yml here.
 * A runbook.yml, or a compiled runbook (`medic compile`, e.g. the one a package ships), whose
 * `${env:…}` references are resolved with the shell's environment as the function resolves them
 * with its own.
 */
export async function loadCompiledRunbook(path: string | undefined, io: Io): Promise<CompiledRunbook> {
  return compileRunbook((await openCliRunbook(path, io)).runbook);
}

/** The runbook at `path` (as loadCompiledRunbook), not yet compiled for matching, and which form it was in. */
async function openCliRunbook(path: string | undefined, io: Io): Promise<OpenedRunbook> {
  return openRunbookFile(runbookPath(path, io), io.env, path ?? DEFAULT_RUNBOOK);
}

/** The absolute path of the runbook `path` names (default runbook.yml here); a usage error when there is none. */
export function runbookPath(path: string | undefined, io: Io): string {
  const file = resolve(io.cwd, path ?? DEFAULT_RUNBOOK);
  if (!existsSync(file)) {
    throw new UsageError(
      path === undefined
        ? `no runbook: looked for ${file} (the default, ${DEFAULT_RUNBOOK} in the current folder). Run medic from the project folder, or give the runbook with --runbook F`
        : `runbook ${path} not found: looked for ${file}`,
    );
  }
  return file;
}

/** The recorded AWS state file, with the same kind of message as a missing runbook. */
export function awsStatePath(path: string | undefined, io: Io): string {
  const file = resolve(io.cwd, path ?? DEFAULT_AWS_STATE);
  if (!existsSync(file)) {
    throw new UsageError(
      path === undefined
        ? `no recorded AWS state: looked for ${file} (the default, ${DEFAULT_AWS_STATE} under the current folder). Run medic from the project folder, or give the file with --aws-state F`
        : `recorded AWS state ${path} not found: looked for ${file}`,
    );
  }
  return file;
}

export interface Adapters {
  reader: AwsReader;
  writer: AwsWriter;
  /** Endpoint config history known from the recorded state, to seed the store. */
  history: Record<string, string[]>;
}

export async function createAdapters(options: SourceOptions, io: Io): Promise<Adapters> {
  const live = options.live === true;
  const recorded =
    options.awsState !== undefined || !(options.aws || live) ? RecordedAwsReader.fromFile(awsStatePath(options.awsState, io)) : undefined;
  if (!(options.aws || live)) {
    return { reader: recorded as RecordedAwsReader, writer: refusingWriter, history: recorded?.endpointConfigHistory ?? {} };
  }
  // Loaded only when asked for: the SDK clients are most of the CLI's start-up cost.
  const { createSdkAdapters } = await import('../shared/aws/sdk.js');
  const sdk = createSdkAdapters(io.env);
  return { reader: sdk.reader, writer: live ? sdk.writer : refusingWriter, history: recorded?.endpointConfigHistory ?? {} };
}

export async function createCliEngine(
  runbook: CompiledRunbook,
  adapters: Adapters,
  options: { live: boolean; clock?: Clock | undefined },
): Promise<EngineDeps> {
  const store: StateStore = new MemoryStateStore();
  for (const [endpoint, configs] of Object.entries(adapters.history)) {
    for (const config of configs) await store.recordEndpointConfig(endpoint, config, 0);
  }
  return {
    runbook,
    reader: adapters.reader,
    writer: adapters.writer,
    store,
    clock: options.clock ?? systemClock,
    allowWrites: options.live,
    owner: `medic-cli-${randomUUID()}`,
    // Nothing waits for a check in a CLI run: replay reports what it would schedule.
    timers: notFiringTimers,
  };
}
