/**
 * LDS for one proxy, in Istio's order (ListenerBuilder.getListeners).
 * Sidecars: the per-port outbound listeners, virtualOutbound, then
 * virtualInbound (and any inbound listener a Sidecar ingress binds with
 * captureMode NONE). Gateways: one listener per merged server port.
 */
import { TypeUrl } from '@skiff/api';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import type { GeneratorEntry } from '../../xds/types.ts';
import { buildVirtualOutboundListener } from './catch-all.ts';
import { buildGatewayListeners } from './gateway.ts';
import { buildInboundListeners } from './inbound.ts';
import { buildOutboundListeners } from './outbound.ts';
import { withTelemetry } from './telemetry.ts';
import type { ListenerWire } from './wire.ts';
import { cacheSlot } from '../../model/push-cache.ts';
import { SharedResources } from '../../xds/shared-resources.ts';
import { xdsResource } from '../../xds/xds-resource.ts';

export function buildListeners(proxy: ProxyView, push: PushContext): ListenerWire[] {
  if (proxy.type === 'router') return [...telemetered(buildGatewayListeners(proxy, push), push, true)];
  return [...telemetered([...buildOutboundListeners(proxy, push), buildVirtualOutboundListener(proxy, push), ...buildInboundListeners(proxy, push)], push, false)];
}

/** Each listener with Istio's telemetry (mesh access log, istio.stats on tcp_proxy), cached per built listener for the push. */
const WITH_TELEMETRY = cacheSlot<{ listener: ListenerWire; isGateway: boolean }, ListenerWire, PushContext>(
  'listeners with telemetry',
  ({ listener, isGateway }, push) => withTelemetry(listener, push.mesh, isGateway),
);

function telemetered(listeners: readonly ListenerWire[], push: PushContext, isGateway: boolean): readonly ListenerWire[] {
  return push.cache.internList(listeners.map((listener) => push.cache.getOrBuild(WITH_TELEMETRY, { listener, isGateway })));
}

/** A sidecar's outbound listeners and virtualOutbound, as one list shared by proxies alike (xds/shared-resources.ts). */
const SHARED_OUTBOUND = cacheSlot<{ listeners: readonly ListenerWire[]; virtualOutbound: ListenerWire }, SharedResources>(
  'shared outbound listener lists',
  ({ listeners, virtualOutbound }) => new SharedResources([...listeners, virtualOutbound].map((l) => xdsResource(l.name, l))),
);

/** The LDS generator, for the xDS server's registry: sidecars get the shared outbound part plus their own inbound listeners. */
export const listenerGenerator: GeneratorEntry<PushContext> = {
  typeUrl: TypeUrl.Listener,
  generate: (proxy, push) => {
    if (proxy.type === 'router') return telemetered(buildGatewayListeners(proxy, push), push, true).map((l) => xdsResource(l.name, l));
    const listeners = telemetered(buildOutboundListeners(proxy, push), push, false);
    const [virtualOutbound] = telemetered([buildVirtualOutboundListener(proxy, push)], push, false);
    const shared = push.cache.getOrBuild(SHARED_OUTBOUND, { listeners, virtualOutbound });
    return [shared, ...telemetered(buildInboundListeners(proxy, push), push, false).map((l) => xdsResource(l.name, l))];
  },
};

export { buildGatewayListeners } from './gateway.ts';
export { mergeGateway, resolveGatewayPort, type GatewayServer, type MergedGateway } from './merged-gateway.ts';
export { buildInboundListeners, inboundMatchOptions } from './inbound.ts';
export { buildOutboundListeners } from './outbound.ts';
export { buildVirtualOutboundListener, buildCatchAllFilters } from './catch-all.ts';
export { buildHttpFilters, type ListenerClass } from './http-filters.ts';
export { withTelemetry, buildMeshAccessLog, ISTIO_TEXT_LOG_FORMAT, ISTIO_JSON_LOG_FORMAT } from './telemetry.ts';
export { buildHttpConnectionManager, buildHttpConnectionManagerConfig } from './http-connection-manager.ts';
export type * from './wire.ts';
