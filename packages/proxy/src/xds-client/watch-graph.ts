/**
 * What the client subscribes to, derived from what it holds (Envoy's
 * subscription dependencies): CDS and LDS are wildcards; EDS asks for the
 * service name of every EDS cluster (active or warming); RDS for every route
 * configuration a listener's HCM names. LDS starts only once the initial
 * clusters are warm, as Envoy's cluster manager initialization gates the
 * listener manager. SDS asks for every secret a listener's or cluster's TLS
 * transport socket names over ADS, except those answered locally (static
 * bootstrap secrets, the in-process agent). Requests go out in Envoy's
 * order: CDS, EDS, LDS, RDS, SDS.
 */
import { TypeUrl } from '@skiff/api';
import { clusterSecretRefs, listenerSecretRefs } from '../transport-sockets/transport-socket-config.ts';
import type { SdsSecretRef } from '../transport-sockets/tls/config.ts';
import { isLocalSecretByDefault } from '../transport-sockets/tls/secret-manager.ts';
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
  /** Secrets answered without SDS over ADS (static, the agent's); default: isLocalSecretByDefault. */
  readonly isLocalSecret?: (ref: SdsSecretRef) => boolean;
}

export function desiredSubscriptions(input: WatchGraphInput): ReadonlyMap<ClientTypeUrl, Subscription> {
  const edsNames = new Set<string>();
  for (const c of input.clusters) if (c.config.edsServiceName !== undefined) edsNames.add(c.config.edsServiceName);
  const routeNames = new Set<string>();
  const secretNames = new Set<string>();
  const isLocal = input.isLocalSecret ?? isLocalSecretByDefault;
  const addSecrets = (refs: readonly SdsSecretRef[]) => {
    for (const ref of refs) if (!isLocal(ref)) secretNames.add(ref.name);
  };
  for (const c of input.clusters) addSecrets(clusterSecretRefs(c.config));
  for (const l of input.listeners) {
    for (const n of l.config.routeConfigNames) routeNames.add(n);
    addSecrets(listenerSecretRefs(l.config));
  }
  const out = new Map<ClientTypeUrl, Subscription>();
  out.set(TypeUrl.Cluster, { wildcard: true, names: [] });
  out.set(TypeUrl.ClusterLoadAssignment, { wildcard: false, names: [...edsNames].sort() });
  if (input.clustersInitialized) {
    out.set(TypeUrl.Listener, { wildcard: true, names: [] });
    out.set(TypeUrl.RouteConfiguration, { wildcard: false, names: [...routeNames].sort() });
  }
  out.set(TypeUrl.Secret, { wildcard: false, names: [...secretNames].sort() });
  return out;
}

export function sameSubscription(a: Subscription | undefined, b: Subscription | undefined): boolean {
  return a?.wildcard === b?.wildcard && a?.names.length === b?.names.length && (a?.names ?? []).every((n, i) => n === b?.names[i]);
}
