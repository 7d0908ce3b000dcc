/**
 * The kubelet of the local cluster: follows Pods in the store and keeps a
 * PodWorker (processes, probes, status) for each one that is not hosted by
 * the supervisor itself (the gateways). Pod IPs are allocated here and kept
 * in the Pod's status, so a restarted cluster gives pods their old
 * addresses. Deleting a Pod stops its containers; `close()` drains every
 * pod and leaves the Pods in the store for the next `skiff up`.
 */
import type { kube } from '@skiff/api';
import { isSkiffError, type Clock } from '@skiff/common';
import { StoreErrorCode, type ConfigStore, type StoredObject } from '@skiff/config';
import { appAddressOf, inPodNetwork, type PodIpAllocator, type PodNetwork } from '../net/pod-cidr.ts';
import type { BuiltinImages } from '../images/resolve.ts';
import type { BackoffOptions } from './container-runner.ts';
import { SIDECAR_CONTAINER } from './inject.ts';
import { PodWorker } from './pod-worker.ts';

/** Pods the supervisor runs in-process (gateways) carry this annotation; the kubelet leaves them alone. */
export const HOSTED_BY_ANNOTATION = 'skiff.dev/hosted-by';
const POD = { group: '', kind: 'Pod' } as const;

export interface KubeletOptions {
  readonly store: ConfigStore;
  readonly clock: Clock;
  readonly network: PodNetwork;
  readonly allocator: PodIpAllocator;
  readonly podsDir: string;
  readonly logsDir: string;
  readonly xdsAddress: string;
  readonly skiff: readonly [string, string];
  readonly localCapture: boolean;
  readonly builtins?: BuiltinImages;
  readonly backoff: BackoffOptions;
  readonly baseEnv: Readonly<Record<string, string>>;
  /** How long a deleted pod's containers get between SIGTERM and SIGKILL (capped terminationGracePeriodSeconds). */
  readonly maxGraceMs: number;
  readonly log: (line: string) => void;
}

export class Kubelet {
  readonly #o: KubeletOptions;
  readonly #workers = new Map<string, PodWorker>();
  #unwatch: (() => void) | undefined;
  #closed = false;
  #writes: Promise<void> = Promise.resolve();

  constructor(o: KubeletOptions) {
    this.#o = o;
  }

  async start(): Promise<void> {
    const { items, resourceVersion } = await this.#o.store.list(POD);
    // Reserve every address already in use first, so restarted pods keep theirs.
    for (const pod of items) {
      const ip = (pod.status as { podIP?: string } | undefined)?.podIP;
      if (ip && inPodNetwork(this.#o.network, ip)) this.#o.allocator.reserve(ip);
    }
    for (const pod of items) this.#sync(pod);
    this.#unwatch = this.#o.store.watch({ resourceVersion, kinds: [POD] }, {
      onEvent: (e) => {
        if (e.type === 'DELETED') void this.#remove(e.object);
        else this.#sync(e.object);
      },
      onError: (err) => {
        if (!this.#closed) this.#o.log(`kubelet: pod watch ended: ${err.message}`);
      },
    });
  }

  worker(namespace: string, name: string): PodWorker | undefined {
    return this.#workers.get(`${namespace}/${name}`);
  }

  /** The container pids of every pod (for `skiff down`'s check that nothing is left). */
  pids(): number[] {
    return [...this.#workers.values()].flatMap((w) => w.pids());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatch?.();
    await Promise.all([...this.#workers.values()].map((w) => w.stop(this.#o.maxGraceMs)));
    this.#workers.clear();
    await this.#writes;
  }

  #sync(object: StoredObject): void {
    if (this.#closed) return;
    const pod = object as unknown as kube.Pod;
    if (pod.metadata.annotations?.[HOSTED_BY_ANNOTATION]) return;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const existing = this.#workers.get(key);
    if (existing && existing.pod.metadata.uid === pod.metadata.uid) return;
    if (existing) void this.#stopWorker(key, existing);
    if (pod.metadata.deletionTimestamp) return;
    const stored = (pod.status as { podIP?: string } | undefined)?.podIP;
    const podIp = stored && inPodNetwork(this.#o.network, stored) ? (this.#o.allocator.reserve(stored), stored) : this.#o.allocator.allocate();
    const sidecar = (pod.spec?.containers ?? []).some((c) => c.name === SIDECAR_CONTAINER);
    const worker = new PodWorker({
      pod,
      addressing: { podIp, appIp: sidecar ? appAddressOf(this.#o.network, podIp) : podIp, sidecar },
      clock: this.#o.clock,
      backoff: this.#o.backoff,
      podsDir: this.#o.podsDir,
      logsDir: this.#o.logsDir,
      xdsAddress: this.#o.xdsAddress,
      skiff: this.#o.skiff,
      localCapture: this.#o.localCapture,
      builtins: this.#o.builtins,
      baseEnv: this.#o.baseEnv,
      onStatus: (status) => this.#writeStatus(pod, status),
    });
    this.#workers.set(key, worker);
    worker.start();
  }

  async #remove(object: StoredObject): Promise<void> {
    const key = `${object.metadata.namespace}/${object.metadata.name}`;
    const worker = this.#workers.get(key);
    if (worker && worker.pod.metadata.uid === object.metadata.uid) await this.#stopWorker(key, worker);
  }

  async #stopWorker(key: string, worker: PodWorker): Promise<void> {
    if (this.#workers.get(key) === worker) this.#workers.delete(key);
    const grace = Number(worker.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    await worker.stop(Math.min(grace, this.#o.maxGraceMs));
    if (![...this.#workers.values()].some((w) => w.podIp === worker.podIp)) this.#o.allocator.release(worker.podIp);
  }

  /** Writes status as the API server's status subresource would: only status changes, retried on conflict. */
  #writeStatus(pod: kube.Pod, status: Record<string, unknown>): void {
    const key = { group: '', kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '' };
    this.#writes = this.#writes.then(async () => {
      for (let attempt = 0; attempt < 5 && !this.#closed; attempt++) {
        const current = await this.#o.store.get(key);
        if (!current || current.metadata.uid !== pod.metadata.uid) return;
        try {
          await this.#o.store.update({ ...current, status });
          return;
        } catch (err) {
          if (isSkiffError(err, StoreErrorCode.Conflict)) continue;
          if (isSkiffError(err, StoreErrorCode.NotFound) || isSkiffError(err, StoreErrorCode.Closed)) return;
          this.#o.log(`kubelet: cannot write status of pod ${key.namespace}/${key.name}: ${(err as Error).message}`);
          return;
        }
      }
    });
  }
}
