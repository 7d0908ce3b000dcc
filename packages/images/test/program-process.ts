/**
 * Test harness for the built-in images: runs a program as a real process
 * (`node entry args`), waits for the line it prints once listening, and
 * stops it by its pid; runs one-shot commands (curl, fortio load) to
 * completion with their stdout, stderr and exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';

export interface RunningProgram {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now (bound to 0 and released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts `node entry ...args`, resolving once stdout matches `ready`; rejects if the process exits first. */
export async function startProgram(entry: string, args: readonly string[], env: Record<string, string>, ready: RegExp): Promise<RunningProgram> {
  const child = spawn(process.execPath, [entry, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => { out += d; });
  await new Promise<void>((resolve, reject) => {
    const onData = (d: string): void => {
      out += d;
      if (ready.test(out)) {
        child.stdout!.off('data', onData);
        child.stdout!.on('data', (more: string) => { out += more; });
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null): void => reject(new Error(`${entry} exited with ${code} before it was ready:\n${out}`));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      process.kill(child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node entry ...args` to completion. */
export async function runCommand(entry: string, args: readonly string[], env: Record<string, string> = {}): Promise<CommandResult> {
  const child = spawn(process.execPath, [entry, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** A server the test owns, closed (with its connections) by the returned function. */
export async function listenLocal(server: Server): Promise<{ port: number; close: () => Promise<void> }> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      const closed = once(server, 'close');
      server.close();
      await closed;
    },
  };
}
