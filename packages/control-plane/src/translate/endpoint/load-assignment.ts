/**
 * EDS for one proxy (Istio's EndpointBuilder): the ClusterLoadAssignment of
 * an outbound EDS cluster `outbound|port|subset|host`. The service is the
 * one the proxy's scope resolves the host to; endpoints are those serving
 * the port, filtered by the subset's labels from the DestinationRule in
 * effect, grouped by locality with readiness as health status. With
 * outlier detection in the cluster's policy, localities get failover
 * priorities (or distributed weights) relative to the proxy's locality
 * and, with failoverPriority, its labels (locality-lb.ts).
 * A name the proxy cannot resolve yields an empty assignment, which Envoy
 * treats as "no healthy upstream", rather than nothing at all.
 *
 * An assignment is a pure function of its ClusterLoadAssignmentKey and
 * cached per push context by it, so every proxy with the same key is sent
 * the same (frozen) message, encoded once.
 */
import { TypeUrl } from '@skiff/api';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import { subsetTrafficPolicy } from '../../model/traffic-policy.ts';
import { selectorMatches } from '../../registry/labels.ts';
import { localityOfLabels, withTopologyLabels } from '../../registry/locality.ts';
import type { ClusterLoadAssignmentWire } from '../cluster/wire.ts';
import { buildClusters } from '../cluster/index.ts';
import { parseClusterName } from '../names.ts';
import type { GeneratorEntry } from '../../xds/types.ts';
import { xdsResource } from '../../xds/xds-resource.ts';
import { SharedResources, type NameSet } from '../../xds/shared-resources.ts';
import { cacheSlot } from '../../model/push-cache.ts';
import type { ProxyKey } from '../../model/proxy-key.ts';
import type { LocalityLoadBalancerSetting } from '@skiff/api';
import type { MeshSettings } from '../../registry/mesh-settings.ts';
import { NO_LOCALITY, type Locality, type ServiceEndpoint } from '../../registry/types.ts';
import { buildLocalityGroups } from './locality-endpoints.ts';
import { applyLocalityLb, localityLbSetting } from './locality-lb.ts';

/**
 * Everything one ClusterLoadAssignment depends on: the port's endpoints
 * (the push context's memoized list: its identity is the endpoints'
 * version), the subset's labels, the locality settings of the policy in
 * effect, and the proxy's locality (its labels too when failoverPriority
 * compares them). `resolved: false` is the empty assignment of a name the
 * proxy cannot resolve.
 */
export interface ClusterLoadAssignmentKey {
  readonly clusterName: string;
  readonly resolved: boolean;
  readonly endpoints: readonly ServiceEndpoint[];
  /** undefined: the default cluster (every endpoint). */
  readonly subsetLabels: Readonly<Record<string, string>> | undefined;
  readonly mesh: MeshSettings;
  /** The DestinationRule's localityLbSetting for this cluster, as written (the mesh's applies when unset). */
  readonly ruleLocalityLbSetting: LocalityLoadBalancerSetting | undefined;
  /** The cluster has outlier detection. */
  readonly enableFailover: boolean;
  readonly proxyLocality: Locality;
  /** With topology; only when the setting has failoverPriority (empty otherwise, unread). */
  readonly proxyLabels: Readonly<Record<string, string>>;
}

const NO_ENDPOINTS: readonly ServiceEndpoint[] = Object.freeze([]);
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});
const LOCALITIES = cacheSlot<Locality, Locality>('endpoint localities', (l) => ({ region: l.region, zone: l.zone, subZone: l.subZone }));

export function clusterLoadAssignmentKey(proxy: ProxyView, push: PushContext, clusterName: string): ClusterLoadAssignmentKey {
  const unresolved: ClusterLoadAssignmentKey = {
    clusterName, resolved: false, endpoints: NO_ENDPOINTS, subsetLabels: undefined, mesh: push.mesh,
    ruleLocalityLbSetting: undefined, enableFailover: false, proxyLocality: NO_LOCALITY, proxyLabels: NO_LABELS,
  };
  const key = parseClusterName(clusterName);
  if (!key || key.direction !== 'outbound') return unresolved;
  const service = push.service(proxy, key.hostname);
  if (!service || !service.ports.some((p) => p.port === key.port)) return unresolved;
  const rule = push.destinationRule(proxy, service)?.spec;
  let labels: Readonly<Record<string, string>> | undefined;
  let subsetPolicy;
  if (key.subset !== '') {
    const subset = rule?.subsets?.find((s) => s.name === key.subset);
    if (!subset) return unresolved;
    labels = subset.labels ?? NO_LABELS;
    subsetPolicy = subset.trafficPolicy;
  }
  const policy = subsetTrafficPolicy(rule?.trafficPolicy, subsetPolicy, key.port);
  const ruleSetting = policy?.loadBalancer?.localityLbSetting;
  const l = localityOfLabels(proxy.labels);
  const proxyLocality = push.cache.getOrBuild(LOCALITIES, { region: l.region, zone: l.zone, subZone: l.subZone });
  const failoverPriority = (localityLbSetting(push.mesh, ruleSetting)?.failoverPriority?.length ?? 0) > 0;
  return {
    clusterName,
    resolved: true,
    endpoints: push.endpointsForPort(service, key.port),
    subsetLabels: labels,
    mesh: push.mesh,
    ruleLocalityLbSetting: ruleSetting,
    enableFailover: policy?.outlierDetection !== undefined,
    proxyLocality,
    proxyLabels: failoverPriority ? push.cache.internLabels(withTopologyLabels(proxy.labels, proxyLocality, '')) : NO_LABELS,
  };
}

/** The assignment for a key: reads nothing else (STYLE §7 rule 4). */
export function buildClusterLoadAssignmentFromKey(key: ClusterLoadAssignmentKey): ClusterLoadAssignmentWire {
  if (!key.resolved) return { cluster_name: key.clusterName, endpoints: [] };
  const endpoints = key.endpoints.filter((e) => selectorMatches(key.subsetLabels, e.labels));
  const { localities, endpointLabels } = buildLocalityGroups(endpoints, { sendUnhealthy: key.mesh.sendUnhealthyEndpoints, withHealthStatus: true });
  return {
    cluster_name: key.clusterName,
    endpoints: applyLocalityLb(localities, {
      proxyLocality: key.proxyLocality,
      proxyLabels: key.proxyLabels,
      setting: localityLbSetting(key.mesh, key.ruleLocalityLbSetting),
      enableFailover: key.enableFailover,
      endpointLabels,
    }),
  };
}

/** ClusterLoadAssignments, cached per push context by their full key. */
export const CLUSTER_LOAD_ASSIGNMENTS = cacheSlot<ClusterLoadAssignmentKey, ClusterLoadAssignmentWire>('cluster load assignments', buildClusterLoadAssignmentFromKey);

/** By (ProxyKey, cluster name), so that the key itself is built once per kind of proxy, not once per proxy. */
const ASSIGNMENT_FOR_PROXY = cacheSlot<{ proxy: ProxyKey; clusterName: string }, ClusterLoadAssignmentWire, PushContext>(
  'cluster load assignments by proxy key',
  ({ proxy, clusterName }, push) => push.cache.getOrBuild(CLUSTER_LOAD_ASSIGNMENTS, clusterLoadAssignmentKey(proxy, push, clusterName)),
);

export function buildClusterLoadAssignment(proxy: ProxyView, push: PushContext, clusterName: string): ClusterLoadAssignmentWire {
  return push.cache.getOrBuild(ASSIGNMENT_FOR_PROXY, { proxy: push.proxyKey(proxy), clusterName });
}

/** Assignments for the named clusters, or for every EDS cluster of the proxy when `names` is undefined (wildcard). */
export function buildClusterLoadAssignments(proxy: ProxyView, push: PushContext, names?: Iterable<string>): ClusterLoadAssignmentWire[] {
  const wanted = names ? [...names] : buildClusters(proxy, push).filter((c) => c.type === 'EDS').map((c) => c.name);
  const key = push.proxyKey(proxy);
  return wanted.map((clusterName) => push.cache.getOrBuild(ASSIGNMENT_FOR_PROXY, { proxy: key, clusterName }));
}

/**
 * The assignments a subscription asks for (every EDS cluster when `names`
 * is null), as one list shared by every proxy with the same ProxyKey and
 * the same subscribed names (xds/shared-resources.ts).
 */
const SHARED_ASSIGNMENTS = cacheSlot<{ proxy: ProxyKey; names: NameSet | null }, SharedResources, PushContext>('shared load assignment lists', ({ proxy, names }, push) =>
  new SharedResources(buildClusterLoadAssignments(proxy, push, names?.names).map((cla) => xdsResource(cla.cluster_name, cla))));

/** The EDS generator, for the xDS server's registry. */
export const endpointGenerator: GeneratorEntry<PushContext> = {
  typeUrl: TypeUrl.ClusterLoadAssignment,
  generate: (proxy, push, request) => {
    const { isWildcard, names, nameSet } = request.watched;
    if (!isWildcard && !nameSet) return buildClusterLoadAssignments(proxy, push, names).map((cla) => xdsResource(cla.cluster_name, cla));
    return [push.cache.getOrBuild(SHARED_ASSIGNMENTS, { proxy: push.proxyKey(proxy), names: isWildcard ? null : nameSet! })];
  },
};
