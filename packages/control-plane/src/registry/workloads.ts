/**
 * Pods and WorkloadEntries as selectable workloads: address, labels,
 * service account, readiness and named ports. A Pod is healthy when its
 * Ready condition is True (or, with no conditions reported, when it is
 * Running) and it is not being deleted; finished Pods are not workloads.
 * A WorkloadEntry is always healthy (no health checking without an agent).
 */
import type { kube, WorkloadEntry } from '@skiff/api';
import { localityOfLabels, parseLocality } from './locality.ts';
import { podTlsMode, tlsModeOfLabels } from './sidecar-presence.ts';
import type { Workload } from './types.ts';

interface PodStatus {
  phase?: string;
  podIP?: string;
  podIPs?: { ip?: string }[];
  conditions?: { type?: string; status?: string }[];
}

/** `namespaceLabels`: the labels of the Pod's Namespace, for the injection rule. */
export function podWorkload(pod: kube.Pod, namespaceLabels: Readonly<Record<string, string>> = {}): Workload | undefined {
  const status = (pod.status ?? {}) as PodStatus;
  if (status.phase === 'Succeeded' || status.phase === 'Failed') return undefined;
  const labels = pod.metadata.labels ?? {};
  const namedPorts = new Map<string, number>();
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name && p.containerPort !== undefined) namedPorts.set(p.name, p.containerPort);
  }
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  const running = ready ? ready.status === 'True' : status.phase === 'Running';
  return {
    kind: 'Pod',
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? '',
    labels,
    address: status.podIP ?? status.podIPs?.[0]?.ip ?? '',
    serviceAccount: pod.spec?.serviceAccountName ?? pod.spec?.serviceAccount ?? 'default',
    healthy: running && pod.metadata.deletionTimestamp === undefined,
    locality: localityOfLabels(labels),
    weight: 1,
    network: labels['topology.istio.io/network'] ?? '',
    namedPorts,
    tlsMode: podTlsMode(pod, namespaceLabels),
  };
}

export function workloadEntryWorkload(entry: WorkloadEntry): Workload {
  const spec = entry.spec ?? {};
  const labels = { ...(entry.metadata.labels ?? {}), ...(spec.labels ?? {}) };
  return {
    kind: 'WorkloadEntry',
    name: entry.metadata.name ?? '',
    namespace: entry.metadata.namespace ?? '',
    labels,
    address: spec.address ?? '',
    serviceAccount: spec.serviceAccount || 'default',
    healthy: true,
    locality: spec.locality ? parseLocality(spec.locality) : localityOfLabels(labels),
    weight: spec.weight || 1,
    network: spec.network ?? '',
    namedPorts: new Map(Object.entries(spec.ports ?? {})),
    tlsMode: tlsModeOfLabels(labels) ?? 'disabled',
  };
}
