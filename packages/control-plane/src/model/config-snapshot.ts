/**
 * One consistent view of the store: the objects of every kind the control
 * plane reads, listed at (about) one resourceVersion. A PushContext is built
 * from exactly one snapshot, so translation never sees half of a change.
 */
import {
  DestinationRuleKind, GatewayKind, IstioOperatorKind, ServiceEntryKind, SidecarKind, VirtualServiceKind,
  WorkloadEntryKind, WorkloadGroupKind, kube, type KindDefinition, type ResourceObject,
} from '@skiff/api';
import { kindRefOf, type ConfigStore } from '@skiff/config';

export interface ConfigSnapshot {
  readonly objects: readonly ResourceObject[];
  /** The store version the snapshot reflects ('' when not from a store). */
  readonly resourceVersion: string;
}

/** The kinds a PushContext reads, in the order they are listed. */
export const PUSH_CONTEXT_KINDS: readonly KindDefinition[] = [
  kube.NamespaceKind, kube.ServiceKind, kube.PodKind, kube.EndpointSliceKind,
  ServiceEntryKind, WorkloadEntryKind, WorkloadGroupKind,
  DestinationRuleKind, VirtualServiceKind, GatewayKind, SidecarKind, IstioOperatorKind,
];

export function configSnapshot(objects: readonly ResourceObject[], resourceVersion = ''): ConfigSnapshot {
  return { objects, resourceVersion };
}

/** Lists every kind in PUSH_CONTEXT_KINDS; the snapshot's version is the newest list version. */
export async function loadConfigSnapshot(store: ConfigStore): Promise<ConfigSnapshot> {
  const lists = await Promise.all(PUSH_CONTEXT_KINDS.map((k) => store.list(kindRefOf(k))));
  const objects = lists.flatMap((l) => l.items);
  const resourceVersion = lists.map((l) => l.resourceVersion).reduce((a, b) => (BigInt(b || '0') > BigInt(a || '0') ? b : a), '');
  return { objects, resourceVersion };
}

/**
 * The objects of one kind, oldest first (creationTimestamp, then namespace
 * and name), the order Istio resolves conflicts in.
 */
export function objectsOfKind<T extends ResourceObject>(snapshot: ConfigSnapshot, kind: KindDefinition): T[] {
  const apiGroup = (o: ResourceObject) => {
    const slash = o.apiVersion.lastIndexOf('/');
    return slash < 0 ? '' : o.apiVersion.slice(0, slash);
  };
  return (snapshot.objects.filter((o) => o.kind === kind.kind && apiGroup(o) === kind.group) as T[]).sort(byCreation);
}

function byCreation(a: ResourceObject, b: ResourceObject): number {
  const ta = Date.parse(String(a.metadata.creationTimestamp ?? '')) || 0;
  const tb = Date.parse(String(b.metadata.creationTimestamp ?? '')) || 0;
  if (ta !== tb) return ta - tb;
  const na = `${a.metadata.namespace ?? ''}\0${a.metadata.name ?? ''}`;
  const nb = `${b.metadata.namespace ?? ''}\0${b.metadata.name ?? ''}`;
  return na < nb ? -1 : na > nb ? 1 : 0;
}
