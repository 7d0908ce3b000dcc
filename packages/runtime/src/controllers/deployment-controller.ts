/**
 * The Deployment controller, with the ReplicaSet step folded in: for each
 * Deployment it keeps `replicas` Pods of the current template (named
 * `<deployment>-<pod-template-hash>-<5 random>`, labelled
 * `pod-template-hash`, owned by the ReplicaSet Kubernetes would have
 * created), removes Pods of older templates once the new ones are Ready
 * (a rolling update with full surge), deletes a removed Deployment's Pods,
 * and writes the Deployment's status (replicas, updated, ready, available,
 * observedGeneration, Available/Progressing conditions).
 */
import type { kube } from '@skiff/api';
import { isSkiffError, type Clock, type Random } from '@skiff/common';
import { matchesLabelSelector, parseLabelSelector, StoreErrorCode, type ConfigStore, type StoredObject, type WatchEvent } from '@skiff/config';
import { admitPod } from '../pods/admit-pod.ts';
import { randomSuffix, templateHash } from './template-hash.ts';

const DEPLOYMENT = { group: 'apps', kind: 'Deployment' } as const;
const POD = { group: '', kind: 'Pod' } as const;
export const TEMPLATE_HASH_LABEL = 'pod-template-hash';

export interface DeploymentControllerOptions {
  readonly store: ConfigStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: (line: string) => void;
}

export class DeploymentController {
  readonly #o: DeploymentControllerOptions;
  readonly #queue = new Set<string>();
  #running: Promise<void> | undefined;
  #unwatch: (() => void) | undefined;
  #closed = false;

  constructor(o: DeploymentControllerOptions) {
    this.#o = o;
  }

  async start(): Promise<void> {
    const rv = await this.#o.store.currentResourceVersion();
    const deployments = await this.#o.store.list(DEPLOYMENT);
    for (const d of deployments.items) this.#enqueue(`${d.metadata.namespace}/${d.metadata.name}`);
    this.#unwatch = this.#o.store.watch({ resourceVersion: rv, kinds: [DEPLOYMENT, POD] }, {
      onEvent: (e) => void this.#onEvent(e),
      onError: (err) => {
        if (!this.#closed) this.#o.log(`deployment controller: watch ended: ${err.message}`);
      },
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unwatch?.();
    await this.#running;
  }

  /** Resolves once the queue is empty (tests). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #onEvent(e: WatchEvent): Promise<void> {
    const o = e.object;
    if (o.kind === 'Deployment') {
      this.#enqueue(`${o.metadata.namespace}/${o.metadata.name}`);
      return;
    }
    const owner = o.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'ReplicaSet')?.name;
    const hash = o.metadata.labels?.[TEMPLATE_HASH_LABEL];
    if (owner && hash && owner.endsWith(`-${hash}`)) this.#enqueue(`${o.metadata.namespace}/${owner.slice(0, -hash.length - 1)}`);
  }

  #enqueue(key: string): void {
    if (this.#closed) return;
    this.#queue.add(key);
    this.#running ??= this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.size > 0 && !this.#closed) {
        const key = this.#queue.values().next().value as string;
        this.#queue.delete(key);
        try {
          await this.#reconcile(key);
        } catch (err) {
          if (isSkiffError(err, StoreErrorCode.Closed)) return;
          this.#o.log(`deployment controller: ${key}: ${(err as Error).message}`);
        }
      }
    } finally {
      this.#running = undefined;
    }
  }

  async #reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const store = this.#o.store;
    const stored = await store.get({ ...DEPLOYMENT, namespace, name });
    const pods = (await store.list(POD, { namespace })).items.filter((p) => ownedBy(p, name));
    if (!stored) {
      for (const p of pods) await deleteQuietly(store, p);
      return;
    }
    const d = stored as unknown as kube.Deployment;
    const template = d.spec?.template ?? {};
    const hash = templateHash(template);
    const selector = selectorText(d.spec?.selector);
    const desired = d.spec?.replicas ?? 1;
    const current = pods.filter((p) => p.metadata.labels?.[TEMPLATE_HASH_LABEL] === hash);
    const old = pods.filter((p) => p.metadata.labels?.[TEMPLATE_HASH_LABEL] !== hash);

    for (let i = current.length; i < desired; i++) current.push(await this.#createPod(d, hash));
    if (current.length > desired) {
      // Scale down the least useful first: not ready, then the youngest (Kubernetes' ranking, simplified).
      const ranked = [...current].sort((a, b) => Number(isReady(a)) - Number(isReady(b)) || b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp));
      for (const p of ranked.slice(0, current.length - desired)) {
        await deleteQuietly(store, p);
        current.splice(current.indexOf(p), 1);
      }
    }
    const readyCurrent = current.filter(isReady).length;
    if (old.length > 0 && readyCurrent >= desired) {
      for (const p of old) await deleteQuietly(store, p);
      old.length = 0;
    }
    const parsed = parseLabelSelector(selector);
    const all = [...current, ...old].filter((p) => !parsed.ok || matchesLabelSelector(parsed.value, p.metadata.labels ?? {}));
    const ready = all.filter(isReady).length;
    await this.#writeStatus(stored, {
      observedGeneration: stored.metadata.generation,
      replicas: all.length,
      updatedReplicas: current.length,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(all.length - ready > 0 ? { unavailableReplicas: all.length - ready } : {}),
      conditions: [
        { type: 'Available', status: ready >= desired ? 'True' : 'False', reason: ready >= desired ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: ready >= desired ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.' },
        { type: 'Progressing', status: 'True', reason: old.length === 0 && readyCurrent >= desired ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', message: `ReplicaSet "${name}-${hash}" ${old.length === 0 && readyCurrent >= desired ? 'has successfully progressed' : 'is progressing'}.` },
      ],
    });
  }

  async #createPod(d: kube.Deployment, hash: string): Promise<StoredObject> {
    const namespace = d.metadata.namespace ?? 'default';
    const template = structuredClone(d.spec?.template ?? {});
    const replicaSet = `${d.metadata.name}-${hash}`;
    const pod: kube.Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...(template.metadata ?? {}),
        name: `${replicaSet}-${randomSuffix(this.#o.random)}`,
        namespace,
        labels: { ...(template.metadata?.labels ?? {}), [TEMPLATE_HASH_LABEL]: hash },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet, uid: d.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      spec: template.spec ?? {},
    };
    const admitted = await admitPod(this.#o.store, pod);
    return this.#o.store.create(admitted);
  }

  async #writeStatus(d: StoredObject, status: Record<string, unknown>): Promise<void> {
    const previous = (d.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string; lastUpdateTime?: string }[] };
    const now = new Date(Math.floor(this.#o.clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    for (const c of status.conditions as { type: string; status: string; lastTransitionTime?: string; lastUpdateTime?: string; reason?: string }[]) {
      const was = previous.conditions?.find((p) => p.type === c.type);
      c.lastTransitionTime = was && was.status === c.status ? was.lastTransitionTime : now;
      c.lastUpdateTime = was && was.status === c.status && (was as { reason?: string }).reason === c.reason ? was.lastUpdateTime : now;
    }
    try {
      await this.#o.store.update({ ...d, status });
    } catch (err) {
      // A newer version arrived meanwhile: its own event reconciles again.
      if (!isSkiffError(err, StoreErrorCode.Conflict) && !isSkiffError(err, StoreErrorCode.NotFound)) throw err;
    }
  }
}

function ownedBy(pod: StoredObject, deployment: string): boolean {
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'ReplicaSet')?.name;
  const hash = pod.metadata.labels?.[TEMPLATE_HASH_LABEL];
  return owner !== undefined && hash !== undefined && owner === `${deployment}-${hash}`;
}

export function isReady(pod: StoredObject): boolean {
  const status = pod.status as { conditions?: { type?: string; status?: string }[] } | undefined;
  return status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' && !pod.metadata.deletionTimestamp;
}

function selectorText(selector: kube.LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(`${e.key}`);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

async function deleteQuietly(store: ConfigStore, pod: StoredObject): Promise<void> {
  try {
    await store.delete({ group: '', kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name });
  } catch (err) {
    if (!isSkiffError(err, StoreErrorCode.NotFound)) throw err;
  }
}
