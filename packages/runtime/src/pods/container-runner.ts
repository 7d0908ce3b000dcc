/**
 * One container of a running pod: starts its process through the shim,
 * restarts it when it exits (Kubernetes' backoff: base × 2^n up to the cap,
 * reset after it ran for 10 minutes; `CrashLoopBackOff` while waiting),
 * runs its readiness and liveness probes, and reports a Kubernetes
 * ContainerStatus on every change.
 */
import type { kube } from '@skiff/api';
import type { Cancel, Clock } from '@skiff/common';
import { ContainerProcess, type ContainerSpec } from '../supervisor/container-process.ts';
import { runProbe, type ProbeTarget } from './probes.ts';
import type { ImageResolution } from '../images/resolve.ts';

export interface BackoffOptions {
  /** Kubernetes: 10 s. */
  readonly baseMs: number;
  /** Kubernetes: 300 s. */
  readonly maxMs: number;
}

export const KUBELET_BACKOFF: BackoffOptions = { baseMs: 10_000, maxMs: 300_000 };

export interface ContainerRunnerOptions {
  readonly container: kube.Container;
  readonly resolution: ImageResolution;
  readonly spec: Omit<ContainerSpec, 'command' | 'args'>;
  readonly probeTarget: ProbeTarget;
  readonly clock: Clock;
  readonly backoff: BackoffOptions;
  readonly onChange: () => void;
}

type State =
  | { readonly waiting: { readonly reason: string; readonly message?: string } }
  | { readonly running: { readonly startedAt: string } }
  | { readonly terminated: { readonly exitCode: number; readonly reason: string; readonly startedAt?: string; readonly finishedAt: string; readonly signal?: number } };

export class ContainerRunner {
  readonly #o: ContainerRunnerOptions;
  #process: ContainerProcess | undefined;
  #state: State = { waiting: { reason: 'ContainerCreating' } };
  #lastState: State | undefined;
  #restartCount = 0;
  #ready = false;
  #started = false;
  #startedAtMs = 0;
  #stopping = false;
  #timers: Cancel[] = [];
  #probeTimers = new Map<string, Cancel>();
  #readyStreak = 0;
  #unreadyStreak = 0;
  #liveFailures = 0;
  #killedByLiveness = false;

  constructor(o: ContainerRunnerOptions) {
    this.#o = o;
  }

  get name(): string {
    return this.#o.container.name ?? '';
  }

  get ready(): boolean {
    return this.#ready;
  }

  get running(): boolean {
    return 'running' in this.#state;
  }

  get restartCount(): number {
    return this.#restartCount;
  }

  get pid(): number {
    return this.#process?.pid ?? 0;
  }

  start(): void {
    const r = this.#o.resolution;
    if (!r.ok) {
      this.#state = { waiting: { reason: r.reason, message: r.message } };
      this.#o.onChange();
      return;
    }
    this.#launch();
  }

  status(): Record<string, unknown> {
    return {
      name: this.name,
      image: this.#o.container.image ?? '',
      imageID: '',
      ready: this.#ready,
      started: this.#started,
      restartCount: this.#restartCount,
      state: this.#state,
      ...(this.#lastState ? { lastState: this.#lastState } : { lastState: {} }),
    };
  }

  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    for (const t of [...this.#timers, ...this.#probeTimers.values()]) t();
    this.#timers = [];
    this.#probeTimers.clear();
    const proc = this.#process;
    if (proc) await proc.stop(graceMs);
  }

  #launch(): void {
    const r = this.#o.resolution;
    if (!r.ok || this.#stopping) return;
    const proc = new ContainerProcess({ ...this.#o.spec, command: r.value.command, args: r.value.args });
    this.#process = proc;
    this.#startedAtMs = this.#o.clock.now();
    this.#state = { running: { startedAt: timestamp(this.#startedAtMs) } };
    this.#started = true;
    this.#killedByLiveness = false;
    this.#readyStreak = 0;
    this.#unreadyStreak = 0;
    this.#liveFailures = 0;
    this.#setReady(this.#o.container.readinessProbe === undefined);
    this.#startProbes();
    this.#o.onChange();
    void proc.exited.then((exit) => {
      if (this.#process !== proc) return;
      for (const t of this.#probeTimers.values()) t();
      this.#probeTimers.clear();
      this.#process = undefined;
      this.#ready = false;
      const finishedAt = this.#o.clock.now();
      const exitCode = exit.code ?? (exit.signal ? 128 + signalNumber(exit.signal) : 1);
      const terminated: State = {
        terminated: {
          exitCode,
          reason: exit.startError ? 'StartError' : this.#killedByLiveness ? 'Error' : exitCode === 0 ? 'Completed' : 'Error',
          startedAt: timestamp(this.#startedAtMs),
          finishedAt: timestamp(finishedAt),
          ...(exit.signal ? { signal: signalNumber(exit.signal) } : {}),
        },
      };
      if (this.#stopping) {
        this.#state = terminated;
        return;
      }
      this.#lastState = terminated;
      const delay = Math.min(this.#o.backoff.maxMs, this.#o.backoff.baseMs * 2 ** Math.min(20, this.#crashes(finishedAt)));
      this.#restartCount++;
      this.#state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${this.name}` } };
      this.#o.onChange();
      this.#timers = [this.#o.clock.setTimeout(() => this.#launch(), delay)];
    });
  }

  #consecutiveCrashes = 0;

  #crashes(finishedAt: number): number {
    this.#consecutiveCrashes = finishedAt - this.#startedAtMs >= 600_000 ? 0 : this.#consecutiveCrashes + 1;
    return this.#consecutiveCrashes - 1;
  }

  #setReady(ready: boolean): void {
    if (this.#ready === ready) return;
    this.#ready = ready;
    this.#o.onChange();
  }

  #startProbes(): void {
    const { readinessProbe, livenessProbe } = this.#o.container;
    if (readinessProbe) this.#schedule('readiness', readinessProbe, (ok) => {
      const success = Math.max(1, readinessProbe.successThreshold ?? 1);
      const failure = Math.max(1, readinessProbe.failureThreshold ?? 3);
      if (ok) {
        this.#unreadyStreak = 0;
        if (++this.#readyStreak >= success) this.#setReady(true);
      } else {
        this.#readyStreak = 0;
        if (++this.#unreadyStreak >= failure || !this.#ready) this.#setReady(false);
      }
    });
    if (livenessProbe) this.#schedule('liveness', livenessProbe, (ok) => {
      if (ok) {
        this.#liveFailures = 0;
        return;
      }
      if (++this.#liveFailures >= Math.max(1, livenessProbe.failureThreshold ?? 3)) {
        this.#killedByLiveness = true;
        const grace = Number(livenessProbe.terminationGracePeriodSeconds ?? 30) * 1000;
        void this.#process?.stop(Math.min(grace, 5000));
      }
    });
  }

  #schedule(kind: string, probe: kube.Probe, onResult: (ok: boolean) => void): void {
    const periodMs = Math.max(1, probe.periodSeconds ?? 10) * 1000;
    const proc = this.#process;
    const attempt = () => {
      void runProbe(probe, this.#o.probeTarget).then((result) => {
        if (this.#process !== proc || this.#stopping) return;
        onResult(result.ok);
        this.#probeTimers.set(kind, this.#o.clock.setTimeout(attempt, periodMs));
      });
    };
    this.#probeTimers.set(kind, this.#o.clock.setTimeout(attempt, Math.max(0, probe.initialDelaySeconds ?? 0) * 1000));
  }
}

function timestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function signalNumber(signal: string): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15 } as Record<string, number>)[signal] ?? 0;
}
