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
import { buildLocalityGroups } from './locality-endpoints.ts';
import { applyLocalityLb, localityLbSetting } from './locality-lb.ts';

export function buildClusterLoadAssignment(proxy: ProxyView, push: PushContext, clusterName: string): ClusterLoadAssignmentWire {
  const empty = { cluster_name: clusterName, endpoints: [] };
  const key = parseClusterName(clusterName);
  if (!key || key.direction !== 'outbound') return empty;
  const service = push.service(proxy, key.hostname);
  if (!service || !service.ports.some((p) => p.port === key.port)) return empty;
  const rule = push.destinationRule(proxy, service)?.spec;
  let labels: Readonly<Record<string, string>> | undefined;
  let subsetPolicy;
  if (key.subset !== '') {
    const subset = rule?.subsets?.find((s) => s.name === key.subset);
    if (!subset) return empty;
    labels = subset.labels ?? {};
    subsetPolicy = subset.trafficPolicy;
  }
  const policy = subsetTrafficPolicy(rule?.trafficPolicy, subsetPolicy, key.port);
  const endpoints = push.registry.endpointsForPort(service, key.port).filter((e) => selectorMatches(labels, e.labels));
  const { localities, endpointLabels } = buildLocalityGroups(endpoints, { sendUnhealthy: push.mesh.sendUnhealthyEndpoints, withHealthStatus: true });
  const proxyLocality = localityOfLabels(proxy.labels);
  return {
    cluster_name: clusterName,
    endpoints: applyLocalityLb(localities, {
      proxyLocality,
      proxyLabels: withTopologyLabels(proxy.labels, proxyLocality, ''),
      setting: localityLbSetting(push.mesh, policy?.loadBalancer?.localityLbSetting),
      enableFailover: policy?.outlierDetection !== undefined,
      endpointLabels,
    }),
  };
}

/** Assignments for the named clusters, or for every EDS cluster of the proxy when `names` is undefined (wildcard). */
export function buildClusterLoadAssignments(proxy: ProxyView, push: PushContext, names?: Iterable<string>): ClusterLoadAssignmentWire[] {
  const wanted = names ? [...names] : buildClusters(proxy, push).filter((c) => c.type === 'EDS').map((c) => c.name);
  return wanted.map((name) => buildClusterLoadAssignment(proxy, push, name));
}

/** The EDS generator, for the xDS server's registry. */
export const endpointGenerator: GeneratorEntry<PushContext> = {
  typeUrl: TypeUrl.ClusterLoadAssignment,
  generate: (proxy, push, request) =>
    buildClusterLoadAssignments(proxy, push, request.watched.isWildcard ? undefined : request.watched.names)
      .map((cla) => ({ name: cla.cluster_name, resource: cla as unknown as Record<string, unknown> })),
};
