/**
 * moto server, the AWS emulator the machine image ships in python3 (moto[server] 5.x), as one
 * process on 127.0.0.1 and a free port: the emulator suite's global setup starts one per test
 * run, and the benchmarks start their own. Nothing here emulates AWS: moto does.
 *
 * `MOTO_ACCOUNT_ID` is the samples' account, so ARNs moto builds (topics, endpoints) are the
 * ones in events/ and runbook.yml.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

export const SAMPLE_ACCOUNT = '111122223333';
export const SAMPLE_REGION = 'us-east-1';

export interface MotoServer {
  url: string;
  pid: number;
  /** POST /moto-api/reset: every emulated resource gone, as after a fresh start. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Why moto cannot run here, or undefined when it can. */
export function motoUnavailableReason(python = process.env.MEDIC_PYTHON ?? 'python3'): string | undefined {
  const probe = spawnSync(python, ['-c', 'import moto, moto.server; print(moto.__version__)'], { encoding: 'utf8' });
  if (probe.error) return `${python} is not installed (${probe.error.message})`;
  if (probe.status !== 0) return `${python} has no moto server (${(probe.stderr.trim().split('\n').pop() ?? '').slice(0, 200)})`;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startMoto(options: { python?: string; timeoutMs?: number } = {}): Promise<MotoServer> {
  const python = options.python ?? process.env.MEDIC_PYTHON ?? 'python3';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_ACCOUNT_ID: SAMPLE_ACCOUNT, AWS_DEFAULT_REGION: SAMPLE_REGION },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto server exited with code ${child.exitCode}: ${stderr.trim()}`);
    try {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto server did not answer on ${url} within ${options.timeoutMs ?? 30_000} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid ?? 0,
    async reset() {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
