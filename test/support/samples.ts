/** Sample events and the recorded AWS state, for tests. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordedAwsReader } from '../../shared/aws/recorded.js';

/** The repository root: the nearest folder above this module with the project's package.json (bench bundles this file elsewhere). */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'model-medic') return `${dir}/`;
    if (dirname(dir) === dir) throw new Error(`no model-medic package.json above ${from}`);
  }
}
export const EVENTS_DIR = join(ROOT, 'events');
export const INVALID_DIR = join(EVENTS_DIR, 'invalid');
export const AWS_STATE = join(EVENTS_DIR, 'aws-state.json');
/** The test copy of runbook.yml (see test-runbook.ts): an operator's edit to runbook.yml breaks no test. */
export const RUNBOOK = join(ROOT, 'test/fixtures/runbook.yml');
/** A runbook that rolls back at once on event 05 (the default one escalates to a rollback). */
export const ROLLBACK_RUNBOOK = join(ROOT, 'test/fixtures/rollback-runbook.yml');

/** The sample event files in events/ (not invalid/, not the state file), sorted. */
export function sampleEventFiles(): string[] {
  return readdirSync(EVENTS_DIR)
    .filter((n) => n.endsWith('.json') && !n.startsWith('aws-state'))
    .sort();
}

/** A sample event by the start of its file name, e.g. sample('01-'). */
export function sample(prefix: string): Record<string, unknown> {
  const name = sampleEventFiles().find((n) => n.startsWith(prefix));
  if (!name) throw new Error(`no sample event starts with ${prefix}`);
  return JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8'));
}

export function recordedReader(): RecordedAwsReader {
  return RecordedAwsReader.fromFile(AWS_STATE);
}

/** A deep copy of a sample with `detail` changed by `edit`. */
export function withDetail(event: Record<string, unknown>, edit: (detail: Record<string, unknown>) => void): Record<string, unknown> {
  const copy = structuredClone(event);
  edit(copy.detail as Record<string, unknown>);
  return copy;
}
