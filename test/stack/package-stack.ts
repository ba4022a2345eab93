/**
 * Packages serverless.yml with osls, offline, into a temporary copy of the service, so runs in
 * parallel (prod and local, or two test runs) never share `.esbuild/` or `.serverless/` (the
 * esbuild plugin copies artifacts to `<service>/.serverless/` whatever `--package` says).
 * node_modules is a symlink, so nothing is installed.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { ROOT } from '../support/samples.js';

const run = promisify(execFile);

/**
 * What the bundles need, plus the config osls and esbuild read, and what compiles the runbook when
 * packaging: the plugin (scripts/) and the medic command it runs (bin/, and dist/, which the
 * suite's global setup builds).
 */
const SERVICE_FILES = [
  'serverless.yml',
  'package.json',
  'tsconfig.json',
  'runbook.yml',
  'functions',
  'shared',
  'events',
  'scripts',
  'bin',
  'dist',
];
const OSLS = join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');

export type CfnValue = unknown;
export interface CfnResource {
  Type: string;
  Properties?: Record<string, CfnValue>;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Conditions?: Record<string, CfnValue>;
  Outputs?: Record<string, CfnValue>;
}

export interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
  /** 0 stored, 8 deflated. */
  method: number;
  localHeaderOffset: number;
}

export interface PackagedStack {
  stage: string;
  template: CfnTemplate;
  zips: Record<string, { bytes: number; entries: ZipEntry[]; data: Buffer }>;
  /** Wall time of `osls package`, ms. */
  packageMs: number;
}

/** A temporary copy of the service; `remove()` deletes it. */
export function copyService(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'medic-stack-'));
  for (const name of SERVICE_FILES) cpSync(join(ROOT, name), join(dir, name), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Environment for osls: no AWS credentials or profile at all, so anything reaching AWS fails fast. */
export function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|DEFAULT_PROFILE)$/.test(key)) env[key] = value;
  }
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', SLS_TELEMETRY_DISABLED: '1', NO_COLOR: '1' };
}

export async function runOsls(cwd: string, args: string[], timeoutMs = 200_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(process.execPath, [OSLS, ...args], { cwd, env: offlineEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`osls ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** `params` are passed as `--param=name=value`, as a stage's params would set them. */
export async function packageStack(stage: string, params: Record<string, string> = {}): Promise<PackagedStack> {
  const service = copyService();
  try {
    const out = join(service.dir, 'packaged');
    const started = Date.now();
    const paramArgs = Object.entries(params).map(([k, v]) => `--param=${k}=${v}`);
    await runOsls(service.dir, ['package', '--stage', stage, ...paramArgs, '--package', out]);
    const packageMs = Date.now() - started;
    const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
    const zips: PackagedStack['zips'] = {};
    for (const name of readdirSync(out).filter((n) => n.endsWith('.zip'))) {
      const path = join(out, name);
      const data = readFileSync(path);
      zips[name] = { bytes: statSync(path).size, entries: zipEntries(data), data };
    }
    return { stage, template, zips, packageMs };
  } finally {
    service.remove();
  }
}

/** The file list of a zip, from its central directory (no zip library needed). */
export function zipEntries(zip: Buffer): ZipEntry[] {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeaderOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({ name, size, compressedSize, method, localHeaderOffset });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** One file's content from a zip. */
export function zipFile(zip: Buffer, name: string): Buffer {
  const entry = zipEntries(zip).find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in the zip`);
  const at = entry.localHeaderOffset;
  if (zip.readUInt32LE(at) !== 0x04034b50) throw new Error('corrupt zip local header');
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(raw);
  if (entry.method === 8) return inflateRawSync(raw);
  throw new Error(`unsupported zip compression method ${entry.method}`);
}
