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
import type { ProxyKey } from '../../model/proxy-key.ts';
import { SharedResources } from '../../xds/shared-resources.ts';
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

/**
 * Everything in a proxy's CDS but its inbound clusters, as one list shared
 * by every proxy with the same ProxyKey (xds/shared-resources.ts): the
 * server encodes and frames it once per push, not once per proxy.
 */
const SHARED_CLUSTERS = cacheSlot<ProxyKey, SharedResources, PushContext>('shared cluster lists', (key, push) => {
  const special = push.cache.getOrBuild(SPECIAL_CLUSTERS, { mesh: push.mesh });
  const all = [...buildOutboundClusters(key, push), special.blackHole];
  if (key.type === 'sidecar') all.push(special.passthrough, special.inboundPassthrough);
  const seen = new Set<string>();
  return new SharedResources(all.filter((c) => !seen.has(c.name) && seen.add(c.name)).map((c) => xdsResource(c.name, c)));
});

/** The CDS generator, for the xDS server's registry: the shared list plus the proxy's own inbound clusters. */
export const clusterGenerator: GeneratorEntry<PushContext> = {
  typeUrl: TypeUrl.Cluster,
  generate: (proxy, push) => {
    const shared = push.cache.getOrBuild(SHARED_CLUSTERS, push.proxyKey(proxy));
    if (proxy.type !== 'sidecar') return [shared];
    return [shared, ...buildInboundClusters(proxy, push).map((c) => xdsResource(c.name, c))];
  },
};

export { buildOutboundClusters, buildServicePortClusters, SERVICE_PORT_CLUSTERS, outboundClusterKey, discoveryType, type OutboundClusterKey } from './outbound.ts';
export { buildInboundClusters } from './inbound.ts';
export { buildBlackHoleCluster, buildPassthroughCluster, buildInboundPassthroughCluster } from './special.ts';
export { buildHashPolicy, hashPolicyFor, type HashPolicyWire } from './hash-policy.ts';
export type * from './wire.ts';
