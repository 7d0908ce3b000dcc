/**
 * What the client subscribes to, derived from what it holds (Envoy's
 * subscription dependencies): CDS and LDS are wildcards; EDS asks for the
 * service name of every EDS cluster (active or warming); RDS for every route
 * configuration a listener's HCM names. LDS starts only once the initial
 * clusters are warm, as Envoy's cluster manager initialization gates the
 * listener manager. Requests go out in Envoy's order: CDS, EDS, LDS, RDS.
 */
import { TypeUrl } from '@skiff/api';
import type { ClientTypeUrl } from './resource-types/index.ts';
import type { ClusterConfig, ListenerConfig, ResourceEntry } from './types.ts';

export interface Subscription {
  readonly wildcard: boolean;
  /** Sorted. */
  readonly names: readonly string[];
}

export interface WatchGraphInput {
  readonly clusters: Iterable<ResourceEntry<ClusterConfig>>;
  readonly listeners: Iterable<ResourceEntry<ListenerConfig>>;
  readonly clustersInitialized: boolean;
}

export function desiredSubscriptions(input: WatchGraphInput): ReadonlyMap<ClientTypeUrl, Subscription> {
  const edsNames = new Set<string>();
  for (const c of input.clusters) if (c.config.edsServiceName !== undefined) edsNames.add(c.config.edsServiceName);
  const routeNames = new Set<string>();
  for (const l of input.listeners) for (const n of l.config.routeConfigNames) routeNames.add(n);
  const out = new Map<ClientTypeUrl, Subscription>();
  out.set(TypeUrl.Cluster, { wildcard: true, names: [] });
  out.set(TypeUrl.ClusterLoadAssignment, { wildcard: false, names: [...edsNames].sort() });
  if (input.clustersInitialized) {
    out.set(TypeUrl.Listener, { wildcard: true, names: [] });
    out.set(TypeUrl.RouteConfiguration, { wildcard: false, names: [...routeNames].sort() });
  }
  return out;
}

export function sameSubscription(a: Subscription | undefined, b: Subscription | undefined): boolean {
  return a?.wildcard === b?.wildcard && a?.names.length === b?.names.length && (a?.names ?? []).every((n, i) => n === b?.names[i]);
}
