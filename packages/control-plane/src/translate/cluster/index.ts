/**
 * CDS for one proxy, in Istio's order: outbound service clusters, then
 * BlackHoleCluster and (sidecars) PassthroughCluster, then (sidecars)
 * inbound clusters and InboundPassthroughCluster. A name built twice (two
 * services claiming one host and port) keeps its first cluster, as Istio's
 * normalizeClusters does.
 */
import { TypeUrl } from '@skiff/api';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import type { GeneratorEntry } from '../../xds/types.ts';
import { xdsResource } from '../../xds/xds-resource.ts';
import { cacheSlot } from '../../model/push-cache.ts';
import type { MeshSettings } from '../../registry/mesh-settings.ts';
import { buildInboundClusters } from './inbound.ts';
import { buildOutboundClusters } from './outbound.ts';
import { buildBlackHoleCluster, buildInboundPassthroughCluster, buildPassthroughCluster } from './special.ts';
import type { ClusterWire } from './wire.ts';

const SPECIAL_CLUSTERS = cacheSlot<{ mesh: MeshSettings }, { blackHole: ClusterWire; passthrough: ClusterWire; inboundPassthrough: ClusterWire }>(
  'special clusters',
  ({ mesh }) => ({ blackHole: buildBlackHoleCluster(mesh), passthrough: buildPassthroughCluster(mesh), inboundPassthrough: buildInboundPassthroughCluster(mesh) }),
);

export function buildClusters(proxy: ProxyView, push: PushContext): ClusterWire[] {
  const special = push.cache.getOrBuild(SPECIAL_CLUSTERS, { mesh: push.mesh });
  const all = [...buildOutboundClusters(proxy, push), special.blackHole];
  if (proxy.type === 'sidecar') {
    all.push(special.passthrough, ...buildInboundClusters(proxy, push), special.inboundPassthrough);
  }
  const seen = new Set<string>();
  return all.filter((c) => !seen.has(c.name) && seen.add(c.name));
}

/** The CDS generator, for the xDS server's registry. */
export const clusterGenerator: GeneratorEntry<PushContext> = {
  typeUrl: TypeUrl.Cluster,
  generate: (proxy, push) => buildClusters(proxy, push).map((c) => xdsResource(c.name, c)),
};

export { buildOutboundClusters, buildServicePortClusters, SERVICE_PORT_CLUSTERS, outboundClusterKey, discoveryType, type OutboundClusterKey } from './outbound.ts';
export { buildInboundClusters } from './inbound.ts';
export { buildBlackHoleCluster, buildPassthroughCluster, buildInboundPassthroughCluster } from './special.ts';
export { buildHashPolicy, hashPolicyFor, type HashPolicyWire } from './hash-policy.ts';
export type * from './wire.ts';
