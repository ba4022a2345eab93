/**
 * Where a Lambda container gets its runbook: the file bundled with the code (MEDIC_RUNBOOK_FILE,
 * the runbook `osls package` compiled), or, when MEDIC_RUNBOOK_PARAMETER names one, an SSM
 * parameter, so operators change the runbook without a deploy. The parameter is re-read after the
 * TTL (MEDIC_RUNBOOK_TTL_SECONDS); the bundled file cannot change under a running container, so it
 * is loaded once per container.
 *
 * A parameter value that fails validation is refused as a whole: the last good runbook stays in
 * force (the last valid parameter version, else the bundled file), the refusal is logged with
 * every error, and ops is told ONCE per distinct bad version: once per container through an
 * in-memory set, and once across containers through a claim in the state store (the same
 * dedupe the engine uses for signals). A parameter that does not exist means the bundled file.
 * A parameter that cannot be read (denied, throttled, SSM down) keeps the last good version in
 * force; a container that has none yet refuses to act rather than use the bundled file, which
 * may be another policy than the operator's (the event is retried, then queued).
 *
 * Both hold the compiled runbook (`medic compile`, docs/runbook.md#compiled-runbooks), loaded
 * with no YAML parser and no schema. A YAML runbook is still accepted in either place, the parser
 * and the schema imported only then, with a warning: it costs the cold start what compiling saves.
 */

import type { AwsWriter } from '../aws/ports.js';
import { describeError, InvalidRunbookError, MedicError, RETRY_NOTE } from '../errors.js';
import { type CompiledRunbook, compileRunbook, type EnvRecord, openRunbook, openRunbookFile } from '../runbook/index.js';
import { snsSubject } from '../sns-subject.js';
import type { StateStore } from '../state/store.js';

/** One version of the parameter, as GetParameter returns it. */
export interface RunbookParameterValue {
  value: string;
  version: number;
}

/** Reads the parameter; undefined when it does not exist. Other failures throw. */
export type RunbookParameterReader = (name: string) => Promise<RunbookParameterValue | undefined>;

export interface RunbookSourceLog {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export interface RunbookSourceOptions {
  /** Absolute path of the bundled runbook. */
  file: string;
  /** How messages name the bundled file (default: the path). */
  fileLabel?: string;
  /** SSM parameter name; unset means the bundled file only. */
  parameter?: string;
  /** How long a loaded runbook is trusted before it is checked again. */
  ttlMs: number;
  /** For `${env:...}` substitution in the runbook. */
  env: EnvRecord;
  /** Defaults to SSM GetParameter through @aws-sdk/client-ssm (loaded on first use). */
  readParameter?: RunbookParameterReader;
  /** Where ops hears about a refused runbook; without it (or a writer) the refusal is only logged. */
  opsTopicArn?: string;
  writer?: AwsWriter;
  /** Dedupe of the ops notification across containers. */
  store?: StateStore;
  /** Who holds the dedupe claim (a container id). */
  owner?: string;
  log?: RunbookSourceLog;
}

/** Which runbook is in force. */
export type RunbookOrigin = { type: 'file'; file: string } | { type: 'parameter'; name: string; version: number };

/** A refused version is remembered this long in the store, so no container tells ops again. */
const REFUSAL_DEDUPE_MS = 30 * 24 * 3600_000;
const CLAIM_LEASE_MS = 60_000;
/** How many versions back a new container looks for the last valid one. */
const LAST_GOOD_LOOKBACK = 10;
const silentLog: RunbookSourceLog = { info() {}, warn() {}, error() {} };

export class RunbookSource {
  private readonly options: RunbookSourceOptions;
  private readonly readParameter: RunbookParameterReader;
  private readonly log: RunbookSourceLog;
  private fileRunbook: Promise<CompiledRunbook> | undefined;
  private good: { runbook: CompiledRunbook; version: number } | undefined;
  private checkedAt: number | undefined;
  /** Versions that failed validation: never parsed again by this container. */
  private readonly refused = new Set<number>();
  /** Refused versions ops has been told about (by us or, per the store, by another container). */
  private readonly reported = new Set<number>();
  private missingLogged = false;

  constructor(options: RunbookSourceOptions) {
    this.options = options;
    this.readParameter = options.readParameter ?? ssmParameterReader(options.env);
    this.log = options.log ?? silentLog;
  }

  /** The runbook in force at `now` (epoch ms). */
  async current(now: number): Promise<CompiledRunbook> {
    const { parameter } = this.options;
    if (!parameter) return await this.bundled();
    if (this.checkedAt === undefined || now - this.checkedAt > this.options.ttlMs) {
      await this.refresh(parameter, now);
      this.checkedAt = now;
    }
    return this.good?.runbook ?? (await this.bundled());
  }

  /** Which runbook `current` returns now (after at least one call). */
  get origin(): RunbookOrigin {
    if (this.options.parameter && this.good) return { type: 'parameter', name: this.options.parameter, version: this.good.version };
    return { type: 'file', file: this.fileLabel };
  }

  private get fileLabel(): string {
    return this.options.fileLabel ?? this.options.file;
  }

  /**
   * The bundled runbook, loaded (read, references resolved, compiled for matching) once per
   * container: the file ships with the code and never changes while the container lives, so the
   * TTL does not apply to it (it applies to the parameter only). A load that fails is not
   * remembered: it throws again.
   */
  private bundled(): Promise<CompiledRunbook> {
    this.fileRunbook ??= this.loadBundled().catch((error: unknown) => {
      this.fileRunbook = undefined;
      throw error;
    });
    return this.fileRunbook;
  }

  private async loadBundled(): Promise<CompiledRunbook> {
    const { runbook, format } = await openRunbookFile(this.options.file, this.options.env, this.fileLabel);
    if (format === 'yaml') {
      this.log.warn('bundled runbook is YAML: parsed and validated on this cold start; package the compiled runbook instead', {
        file: this.fileLabel,
        fix: 'osls package compiles runbook.yml into MEDIC_RUNBOOK_FILE (docs/deploy.md)',
      });
    }
    return compileRunbook(runbook);
  }

  private inForce(): string {
    if (this.good) return `version ${this.good.version} of ${this.options.parameter}`;
    return `the bundled ${this.fileLabel}`;
  }

  private async refresh(name: string, now: number): Promise<void> {
    let read: RunbookParameterValue | undefined;
    try {
      read = await this.readParameter(name);
    } catch (error) {
      if (!this.good) {
        // Nothing of the operator's is known yet (a cold start): acting on the bundled file
        // would be another policy than the one the operator put, with no word to anyone. Refuse
        // instead: the event fails, Lambda retries it, and what cannot be handled waits in the
        // failure queue (whose alarm pages) until SSM can be read.
        this.log.error('runbook parameter unreadable at cold start: not acting on the bundled runbook instead', {
          parameter: name,
          error: describeError(error),
        });
        this.checkedAt = undefined;
        throw new MedicError(
          error instanceof MedicError && error.transient ? error.kind : 'aws-error',
          `the runbook parameter ${name} cannot be read (${describeError(error)}): not acting on the bundled ${this.fileLabel}, which may not be the operator's runbook; ${RETRY_NOTE}`,
          { cause: error },
        );
      }
      // Throttled, denied, network: keep the operator's last good runbook and look again after the TTL.
      this.log.warn('runbook parameter unreadable: the runbook in force stays', {
        parameter: name,
        inForce: this.inForce(),
        error: describeError(error),
      });
      return;
    }
    if (!read) {
      if (!this.missingLogged || this.good) {
        this.log.warn('runbook parameter does not exist: using the bundled runbook', { parameter: name, file: this.fileLabel });
      }
      this.missingLogged = true;
      this.good = undefined;
      return;
    }
    this.missingLogged = false;
    if (read.version === this.good?.version) return;
    if (this.refused.has(read.version)) {
      if (!this.reported.has(read.version)) await this.reportRefusal(name, read.version, undefined, now);
      return;
    }
    try {
      const runbook = await this.compileVersion(name, read.version, read.value);
      this.good = { runbook, version: read.version };
      this.log.info('runbook loaded from parameter', { parameter: name, version: read.version, rules: runbook.runbook.rules.length });
    } catch (error) {
      if (!(error instanceof InvalidRunbookError)) throw error;
      this.refused.add(read.version);
      // A container that starts after the bad put never saw the good version before it: it asks
      // SSM for it, so every container acts on the same last good runbook, not the bundled one.
      if (!this.good) await this.loadLastGoodVersion(name, read.version);
      this.log.error('runbook parameter refused: it is invalid; the runbook in force stays', {
        parameter: name,
        version: read.version,
        inForce: this.inForce(),
        errors: error.message.split('\n'),
      });
      await this.reportRefusal(name, read.version, error, now);
    }
  }

  /**
   * The newest valid version before `refused`, read by version (`name:N`), at most
   * LAST_GOOD_LOOKBACK versions back; none found (or SSM unreadable) leaves the bundled file.
   */
  private async loadLastGoodVersion(name: string, refused: number): Promise<void> {
    for (let version = refused - 1; version >= Math.max(1, refused - LAST_GOOD_LOOKBACK); version--) {
      let read: RunbookParameterValue | undefined;
      try {
        read = await this.readParameter(`${name}:${version}`);
      } catch (error) {
        this.log.warn('cannot read earlier runbook parameter versions', { parameter: name, version, error: describeError(error) });
        return;
      }
      if (!read) continue;
      try {
        const runbook = await this.compileVersion(name, version, read.value);
        this.good = { runbook, version };
        this.log.info('runbook loaded from the last good parameter version', { parameter: name, version, refused });
        return;
      } catch (error) {
        if (!(error instanceof InvalidRunbookError)) throw error;
        this.refused.add(version);
      }
    }
  }

  /** One version of the parameter, loaded and compiled; its identity names the parameter and version. */
  private async compileVersion(name: string, version: number, text: string): Promise<CompiledRunbook> {
    const { runbook, format } = await openRunbook(text, `${name}@${version}`, this.options.env);
    if (format === 'yaml') {
      this.log.warn(
        'runbook parameter holds YAML: accepted, but parsed and validated on the cold start; put the compiled runbook instead',
        {
          parameter: name,
          version,
          fix: `npx medic compile RUNBOOK --put-parameter ${name}`,
        },
      );
    }
    return compileRunbook({ ...runbook, identity: { ...runbook.identity, parameter: name, version } });
  }

  /** Tells ops about a refused version, at most once across containers. */
  private async reportRefusal(name: string, version: number, error: InvalidRunbookError | undefined, now: number): Promise<void> {
    const { opsTopicArn, writer, store } = this.options;
    if (!opsTopicArn || !writer) {
      this.reported.add(version);
      return;
    }
    const key = `runbook-refused#${name}#${version}`;
    const owner = this.options.owner ?? 'runbook-source';
    let claimed = false;
    if (store) {
      try {
        const claim = await store.claimSignal(key, owner, now, CLAIM_LEASE_MS, REFUSAL_DEDUPE_MS);
        if (claim.status !== 'started') {
          this.reported.add(version); // another container told ops (or is telling them now)
          return;
        }
        claimed = true;
      } catch (storeError) {
        // Better told twice than never: notify without the cross-container dedupe.
        this.log.warn('cannot claim the runbook refusal notice; notifying anyway', { error: describeError(storeError) });
      }
    }
    const errors = error ? error.message.split('\n') : ['(see the log of the container that first refused it)'];
    try {
      await writer.send({
        service: 'sns',
        operation: 'Publish',
        input: {
          TopicArn: opsTopicArn,
          Subject: snsSubject(`[model-medic] runbook ${name}`, { flag: `version ${version} refused` }),
          Message: refusalMessage(name, version, this.inForce(), errors),
          MessageAttributes: {
            severity: { DataType: 'String', StringValue: 'high' },
            kind: { DataType: 'String', StringValue: 'runbook' },
          },
        },
      });
      this.reported.add(version);
      if (claimed && store) await store.completeSignal(key, owner, now, REFUSAL_DEDUPE_MS).catch(() => undefined);
    } catch (publishError) {
      // Not reported: the next refresh tries again (and another container may claim it).
      this.log.error('cannot tell ops that the runbook parameter was refused', {
        parameter: name,
        version,
        error: describeError(publishError),
      });
      if (claimed && store) await store.releaseSignal(key, owner).catch(() => undefined);
    }
  }
}

function refusalMessage(name: string, version: number, inForce: string, errors: string[]): string {
  const shown = errors.slice(0, 50);
  const more = errors.length > shown.length ? [`... and ${errors.length - shown.length} more`] : [];
  return [
    `model-medic refused version ${version} of the runbook parameter ${name}: it is not a valid runbook.`,
    `Still in force: ${inForce}. Nothing changes until a valid version is put.`,
    '',
    ...shown,
    ...more,
    '',
    `Validate, compile and put a runbook in one step: npx medic compile FILE --put-parameter ${name}`,
  ].join('\n');
}

/** GetParameter through the SDK adapter; the SSM client is imported on first use (a cold start without a parameter never loads it). */
export function ssmParameterReader(env: EnvRecord): RunbookParameterReader {
  let loaded: Promise<(name: string) => Promise<RunbookParameterValue | undefined>> | undefined;
  const load = async () => {
    const { createAwsSend, notFoundAsUndefined } = await import('../aws/sdk.js');
    const send = createAwsSend(env);
    return async (name: string): Promise<RunbookParameterValue | undefined> => {
      const out = (await notFoundAsUndefined(() => send('ssm', 'GetParameter', { Name: name, WithDecryption: true }))) as
        | { Parameter?: { Value?: string; Version?: number } }
        | undefined;
      const value = out?.Parameter?.Value;
      if (value === undefined) return undefined;
      return { value, version: out?.Parameter?.Version ?? 0 };
    };
  };
  return async (name) => {
    loaded ??= load().catch((error) => {
      loaded = undefined;
      throw error;
    });
    return (await loaded)(name);
  };
}
