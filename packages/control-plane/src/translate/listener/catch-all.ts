/**
 * Where outbound traffic that matches no service goes (Istio's
 * buildOutboundCatchAllNetworkFiltersOnly): PassthroughCluster under
 * ALLOW_ANY (or the Sidecar's egressProxy), BlackHoleCluster under
 * REGISTRY_ONLY. The virtualOutbound listener on 15001 (use_original_dst)
 * hands each connection to the listener for its original destination and
 * keeps two chains of its own: a blackhole for connections addressed to
 * 15001 itself (no loops) and the catch-all.
 */
import { BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER, VIRTUAL_OUTBOUND_BLACKHOLE_CHAIN, VIRTUAL_OUTBOUND_CATCH_ALL_TCP_CHAIN, VIRTUAL_OUTBOUND_LISTENER } from '../names.ts';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import { resolveShortName } from '../../registry/host.ts';
import { destinationCluster, tcpProxyFilter } from './tcp-proxy.ts';
import { OUTBOUND_CAPTURE_PORT, WILDCARD_ADDRESS } from './well-known.ts';
import type { ListenerWire, NetworkFilterWire } from './wire.ts';
import { cacheSlot } from '../../model/push-cache.ts';
import type { ProxyKey } from '../../model/proxy-key.ts';

export function buildCatchAllFilters(proxy: ProxyView, push: PushContext): NetworkFilterWire[] {
  const scope = push.sidecarScope(proxy);
  let cluster = BLACKHOLE_CLUSTER;
  if (scope.outboundTrafficPolicy === 'ALLOW_ANY') {
    cluster = PASSTHROUGH_CLUSTER;
    const egressProxy = scope.sidecar?.spec?.outboundTrafficPolicy?.egressProxy;
    if (egressProxy?.host) {
      const host = resolveShortName(egressProxy.host, scope.sidecar?.metadata.namespace ?? proxy.namespace, push.mesh.clusterDomain);
      cluster = destinationCluster(egressProxy, undefined, host, 0);
    }
  }
  return [tcpProxyFilter(cluster, cluster)];
}

/** virtualOutbound reads only the proxy's scope and namespace: one per ProxyKey. */
const VIRTUAL_OUTBOUND = cacheSlot<ProxyKey, ListenerWire, PushContext>('virtualOutbound listeners', (key, push) => virtualOutboundListener(key, push));

export function buildVirtualOutboundListener(proxy: ProxyView, push: PushContext): ListenerWire {
  return push.cache.getOrBuild(VIRTUAL_OUTBOUND, push.proxyKey(proxy));
}

function virtualOutboundListener(proxy: ProxyView, push: PushContext): ListenerWire {
  return {
    name: VIRTUAL_OUTBOUND_LISTENER,
    address: { socket_address: { address: WILDCARD_ADDRESS, port_value: OUTBOUND_CAPTURE_PORT } },
    use_original_dst: { value: true },
    traffic_direction: 'OUTBOUND',
    filter_chains: [
      {
        name: VIRTUAL_OUTBOUND_BLACKHOLE_CHAIN,
        filter_chain_match: { destination_port: { value: OUTBOUND_CAPTURE_PORT } },
        filters: [tcpProxyFilter(BLACKHOLE_CLUSTER, BLACKHOLE_CLUSTER)],
      },
      { name: VIRTUAL_OUTBOUND_CATCH_ALL_TCP_CHAIN, filters: buildCatchAllFilters(proxy, push) },
    ],
  };
}
