/**
 * One container as the supervisor sees it: a forked shim (./shim.ts) that
 * runs the command in its own process group and reports its exit. `stop()`
 * asks for SIGTERM then SIGKILL after the grace period; if the supervisor
 * dies the shim kills the container by itself.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ShimReport, StartMessage } from './shim.ts';

const SHIM = fileURLToPath(new URL('./shim.ts', import.meta.url));

export interface ContainerSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logFile: string;
}

export interface ContainerExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Set when the command could not be started at all (not found, not executable). */
  readonly startError?: string;
}

export class ContainerProcess {
  readonly exited: Promise<ContainerExit>;
  #shim: ChildProcess;
  #pid = 0;
  #done = false;

  constructor(spec: ContainerSpec) {
    this.#shim = fork(SHIM, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
    let startError: string | undefined;
    this.exited = new Promise((resolve) => {
      const finish = (exit: ContainerExit) => {
        if (this.#done) return;
        this.#done = true;
        resolve(exit);
      };
      this.#shim.on('message', (report: ShimReport) => {
        if (report.type === 'started') this.#pid = report.pid;
        else if (report.type === 'error') startError = report.message;
        else if (report.type === 'exited') finish({ code: report.code, signal: report.signal, ...(startError ? { startError } : {}) });
      });
      this.#shim.once('exit', (code, signal) => finish({ code: code ?? null, signal: signal ?? null, ...(startError ? { startError } : {}) }));
      this.#shim.once('error', (err) => finish({ code: null, signal: null, startError: err.message }));
    });
    const start: StartMessage = { type: 'start', ...spec };
    this.#shim.send(start);
  }

  /** The container's pid once started (0 before). */
  get pid(): number {
    return this.#pid;
  }

  get shimPid(): number {
    return this.#shim.pid ?? 0;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the container has exited. */
  async stop(graceMs: number): Promise<ContainerExit> {
    if (!this.#done && this.#shim.connected) this.#shim.send({ type: 'stop', graceMs });
    else if (!this.#done) this.#shim.kill('SIGKILL');
    return this.exited;
  }
}
