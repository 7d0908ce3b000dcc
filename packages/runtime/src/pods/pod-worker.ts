/**
 * One pod on this machine: its addresses (pod IP, and the application
 * address when it has a sidecar), a ContainerRunner per container, the
 * sidecar's bootstrap, and the Pod status it writes back to the store
 * (phase, conditions, IPs, container statuses) — which is all the control
 * plane's registry needs to make the pod an endpoint once it is Ready.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { kube } from '@skiff/api';
import type { Clock } from '@skiff/common';
import { envoyBootstrapFromFlags } from '@skiff/proxy/bootstrap/index.ts';
import { resolveContainer, type BuiltinImages, type ImageResolution } from '../images/resolve.ts';
import { ContainerRunner, type BackoffOptions } from './container-runner.ts';
import { PROXY_ADMIN_PORT, PROXY_IMAGE, PROXY_PROMETHEUS_PORT, PROXY_READINESS_PORT, PROXY_STATUS_PORT, SIDECAR_CONTAINER } from './inject.ts';
import { containerEnv, expand, type PodAddressing } from './pod-env.ts';

export interface PodWorkerOptions {
  readonly pod: kube.Pod;
  readonly addressing: PodAddressing;
  readonly clock: Clock;
  readonly backoff: BackoffOptions;
  /** DATA_DIR/pods: bootstraps live in <ns>/<pod>/. */
  readonly podsDir: string;
  /** DATA_DIR/logs/pods: <ns>_<pod>_<container>.log. */
  readonly logsDir: string;
  readonly xdsAddress: string;
  /** How to run `skiff`: [node, skiff.js]. */
  readonly skiff: readonly [string, string];
  /** The proxy understands --local-capture --app-ip (ADR 0004 points 2-3). */
  readonly localCapture: boolean;
  readonly builtins?: BuiltinImages;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly onStatus: (status: Record<string, unknown>) => void;
}

export function containerLogFile(logsDir: string, namespace: string, pod: string, container: string): string {
  return join(logsDir, `${namespace}_${pod}_${container}.log`);
}

export class PodWorker {
  readonly #o: PodWorkerOptions;
  readonly #runners: ContainerRunner[];
  readonly #startTime: string;
  #scheduled = false;
  #stopped = false;
  readonly #transitions = new Map<string, { status: string; at: string }>();

  constructor(o: PodWorkerOptions) {
    this.#o = o;
    this.#startTime = timestamp(o.clock.now());
    const pod = o.pod;
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    mkdirSync(o.logsDir, { recursive: true });
    this.#runners = (pod.spec?.containers ?? []).map((container) => {
      const env = containerEnv(pod, container, o.addressing, o.baseEnv);
      const isSidecar = container.name === SIDECAR_CONTAINER && (container.image ?? '').startsWith(PROXY_IMAGE);
      const resolved = isSidecar ? this.#sidecarCommand() : resolveContainer(container, { builtins: o.builtins, path: env.PATH ?? '', cwd: container.workingDir || process.cwd() });
      // Kubernetes expands $(VAR) in command and args from the container's environment.
      const resolution: ImageResolution = resolved.ok ? { ok: true, value: { command: resolved.value.command, args: resolved.value.args.map((a) => expand(a, env)) } } : resolved;
      return new ContainerRunner({
        container,
        resolution,
        spec: { env, cwd: container.workingDir || process.cwd(), logFile: containerLogFile(o.logsDir, ns, name, container.name ?? '') },
        probeTarget: { host: isSidecar ? o.addressing.podIp : o.addressing.appIp, ports: isSidecar ? [{ containerPort: PROXY_ADMIN_PORT }, { containerPort: PROXY_READINESS_PORT }] : container.ports ?? [], env, cwd: process.cwd() },
        clock: o.clock,
        backoff: o.backoff,
        onChange: () => this.#changed(),
      });
    });
  }

  get pod(): kube.Pod {
    return this.#o.pod;
  }

  get podIp(): string {
    return this.#o.addressing.podIp;
  }

  get ready(): boolean {
    return this.#runners.length > 0 && this.#runners.every((r) => r.ready);
  }

  start(): void {
    this.#changed();
    for (const r of this.#runners) r.start();
  }

  /** Stops every container (SIGTERM, SIGKILL after graceMs); writes no more status. */
  async stop(graceMs: number): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#runners.map((r) => r.stop(graceMs)));
  }

  pids(): number[] {
    return this.#runners.map((r) => r.pid).filter((p) => p > 0);
  }

  status(): Record<string, unknown> {
    const ready = this.ready;
    const now = timestamp(this.#o.clock.now());
    const anyStarted = this.#runners.some((r) => r.running || r.restartCount > 0);
    const condition = (type: string, status: boolean) => {
      const value = status ? 'True' : 'False';
      const last = this.#transitions.get(type);
      if (last?.status !== value) this.#transitions.set(type, { status: value, at: now });
      return { type, status: value, lastProbeTime: null, lastTransitionTime: this.#transitions.get(type)?.at ?? now };
    };
    return {
      phase: anyStarted ? 'Running' : 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', true),
        condition('Initialized', true),
        condition('Ready', ready),
        condition('ContainersReady', ready),
        condition('PodScheduled', true),
      ],
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      podIP: this.#o.addressing.podIp,
      podIPs: [{ ip: this.#o.addressing.podIp }],
      startTime: this.#startTime,
      containerStatuses: this.#runners.map((r) => r.status()),
      qosClass: 'BestEffort',
    };
  }

  #changed(): void {
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (!this.#stopped) this.#o.onStatus(this.status());
    });
  }

  #sidecarCommand(): ImageResolution {
    const pod = this.#o.pod;
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    const dir = join(this.#o.podsDir, ns, name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'envoy-bootstrap.json');
    const bootstrap = envoyBootstrapFromFlags({
      proxyType: 'sidecar',
      ip: this.#o.addressing.podIp,
      podName: name,
      namespace: ns,
      labels: pod.metadata.labels ?? {},
      serviceAccount: pod.spec?.serviceAccountName || pod.spec?.serviceAccount || 'default',
      xdsAddress: this.#o.xdsAddress,
      adminHost: this.#o.addressing.podIp,
      adminPort: PROXY_ADMIN_PORT,
    });
    writeFileSync(file, `${JSON.stringify(bootstrap, null, 2)}\n`);
    const [node, skiff] = this.#o.skiff;
    const capture = this.#o.localCapture
      ? ['--ip', this.#o.addressing.podIp, '--local-capture', '--app-ip', this.#o.addressing.appIp,
        '--status-port', String(PROXY_STATUS_PORT), '--readiness-port', String(PROXY_READINESS_PORT), '--prometheus-port', String(PROXY_PROMETHEUS_PORT)]
      : [];
    return { ok: true, value: { command: node, args: [skiff, 'proxy', 'sidecar', '--bootstrap', file, ...capture] } };
  }
}

function timestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
