/**
 * Drives `skiff` as a user does, in a temporary data directory with random
 * ports and a random pod range, so several clusters (and test files) can
 * run at once. Every process started here is stopped by its own pid.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
export const SKIFF = join(ROOT, 'packages/runtime/bin/skiff.js');

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, tries = 2400): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    if (i > tries) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Processes (Linux /proc) whose environment gives them a pod IP in 127.<octet>/16: the cluster's containers and sidecars. */
export function podProcesses(octet: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').some((v) => v.startsWith(`POD_IP=127.${octet}.`))) out.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

export class TestCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  readonly octet = 20 + Math.floor(Math.random() * 200);
  httpPort = 0;
  httpsPort = 0;

  async ports(): Promise<void> {
    this.httpPort = await freePort();
    this.httpsPort = await freePort();
  }

  upArgs(): string[] {
    return [
      'up', '--data-dir', this.dir,
      '--api-address', '127.0.0.1:0', '--xds-address', '127.0.0.1:0', '--monitoring-address', '127.0.0.1:0',
      '--ingress-http-port', String(this.httpPort), '--ingress-https-port', String(this.httpsPort),
      '--pod-cidr', `127.${this.octet}.0.0/16`,
    ];
  }

  /** Runs `skiff ARGS` to completion (asynchronously, so servers in this process keep running). */
  run(args: readonly string[], stdin?: string): Promise<RunResult> {
    return new Promise((resolvePromise) => {
      const child = spawn(process.execPath, [SKIFF, ...args], { cwd: ROOT, env: { ...process.env, SKIFF_DATA_DIR: this.dir }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
      child.stdin.end(stdin ?? '');
      child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
    });
  }

  supervisorPid(): number | undefined {
    try {
      return (JSON.parse(readFileSync(join(this.dir, 'cluster.json'), 'utf8')) as { pid: number }).pid;
    } catch {
      return undefined;
    }
  }

  /** Stops what is left (the test's own supervisor, by pid) and removes the directory. */
  async cleanup(): Promise<void> {
    const pid = this.supervisorPid();
    if (pid && alive(pid)) {
      await this.run(['down', '--data-dir', this.dir, '--timeout', '30']);
      // The shims take the containers with them when the supervisor goes.
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
