/**
 * The container shim (ADR 0004 point 5): the supervisor forks one per
 * container with an IPC channel. The shim starts the container in its own
 * process group, appends its output to the log file, reports its exit, and
 * when asked to stop sends SIGTERM to the group, then SIGKILL after the
 * grace period. When the IPC channel closes — the supervisor exited or was
 * killed with -9 — it kills the group at once and exits, so nothing is
 * ever orphaned.
 *
 * Protocol (messages over the IPC channel):
 *   supervisor → shim: {type:'start', command, args, env, cwd, logFile}, {type:'stop', graceMs}
 *   shim → supervisor: {type:'started', pid}, {type:'error', message}, {type:'exited', code, signal}
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, writeSync } from 'node:fs';

export interface StartMessage {
  readonly type: 'start';
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logFile: string;
}
export interface StopMessage { readonly type: 'stop'; readonly graceMs: number }
export type ShimRequest = StartMessage | StopMessage;
export type ShimReport =
  | { readonly type: 'started'; readonly pid: number }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'exited'; readonly code: number | null; readonly signal: string | null };

let child: ChildProcess | undefined;
let exited = false;

function send(report: ShimReport): void {
  if (process.connected) process.send?.(report);
}

function killGroup(signal: NodeJS.Signals): void {
  if (!child?.pid || exited) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function start(msg: StartMessage): void {
  const fd = openSync(msg.logFile, 'a');
  try {
    child = spawn(msg.command, [...msg.args], { cwd: msg.cwd, env: { ...msg.env }, stdio: ['ignore', fd, fd], detached: true });
  } finally {
    closeSync(fd);
  }
  child.once('error', (err) => {
    exited = true;
    const fdw = openSync(msg.logFile, 'a');
    writeSync(fdw, `skiff: cannot start ${msg.command}: ${err.message}\n`);
    closeSync(fdw);
    send({ type: 'error', message: err.message });
    send({ type: 'exited', code: 127, signal: null });
    process.exit(0);
  });
  child.once('spawn', () => send({ type: 'started', pid: child?.pid ?? 0 }));
  child.once('exit', (code, signal) => {
    exited = true;
    // The group may still hold grandchildren; they go with their parent.
    try {
      if (child?.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Nothing left.
    }
    send({ type: 'exited', code, signal });
    process.disconnect?.();
    process.exit(0);
  });
}

process.on('message', (msg: ShimRequest) => {
  if (msg.type === 'start' && !child) start(msg);
  else if (msg.type === 'stop') {
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), msg.graceMs);
    timer.unref();
  }
});

process.on('disconnect', () => {
  killGroup('SIGKILL');
  process.exit(0);
});
// The supervisor's Ctrl-C reaches the whole foreground group; the shim stops only when told or orphaned.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {
  killGroup('SIGTERM');
  process.exit(0);
});
