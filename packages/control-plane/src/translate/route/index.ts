/**
 * RDS for one proxy: sidecars get one outbound route configuration per
 * HTTP port (`80`, `9080`), gateways `http.<port>` and
 * `https.<port>.<name>.<gateway>.<ns>` ones. Problems found on the way
 * (missing or conflicting delegates, shadowed catch-alls when VirtualServices
 * merge on a gateway host) are returned as conflicts, never thrown.
 */
import { TypeUrl } from '@skiff/api';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import type { GeneratorEntry } from '../../xds/types.ts';
import { outboundRouteName } from '../names.ts';
import type { RouteConflict } from './delegate.ts';
import { buildGatewayRouteConfiguration, gatewayRouteServers } from './gateway.ts';
import { buildSidecarRouteConfiguration, sidecarRoutePorts } from './sidecar.ts';
import type { RouteConfigurationWire } from './wire.ts';

export interface RouteBuildResult {
  readonly routeConfigurations: RouteConfigurationWire[];
  readonly conflicts: RouteConflict[];
}

/**
 * The route configurations named `names` (every one the proxy has when
 * `names` is undefined). A sidecar asking for a numeric name it has no
 * services on still gets one (only the passthrough or block-all host), as
 * Istio answers every RDS name an HCM asks for.
 */
export function buildRoutes(proxy: ProxyView, push: PushContext, names?: ReadonlySet<string>): RouteBuildResult {
  const conflicts: RouteConflict[] = [];
  const routeConfigurations: RouteConfigurationWire[] = [];
  if (proxy.type === 'sidecar') {
    const ports = new Set(sidecarRoutePorts(proxy, push));
    for (const n of names ?? []) if (/^\d+$/.test(n)) ports.add(Number(n));
    for (const port of [...ports].sort((a, b) => a - b)) {
      if (names && !names.has(outboundRouteName(port))) continue;
      routeConfigurations.push(buildSidecarRouteConfiguration(proxy, push, port, conflicts));
    }
  } else {
    for (const [name, servers] of gatewayRouteServers(proxy, push)) {
      if (names && !names.has(name)) continue;
      routeConfigurations.push(buildGatewayRouteConfiguration(proxy, push, name, servers, conflicts));
    }
  }
  return { routeConfigurations, conflicts };
}

export function buildRouteConfigurations(proxy: ProxyView, push: PushContext): RouteConfigurationWire[] {
  return buildRoutes(proxy, push).routeConfigurations;
}

/** The RDS generator for the xDS server's registry: RDS is never wildcard, so it builds what was asked. */
export const routeGenerator: GeneratorEntry<PushContext> = {
  typeUrl: TypeUrl.RouteConfiguration,
  generate: (proxy, push, request) => {
    const names = request.watched.isWildcard ? undefined : request.watched.names;
    return buildRoutes(proxy, push, names).routeConfigurations.map((r) => ({ name: r.name, resource: r as unknown as Record<string, unknown> }));
  },
};

export type { RouteConflict } from './delegate.ts';
export { buildHttpRoutes, destinationCluster, type RouteBuildContext, type ScopedHttpRoute } from './http-route.ts';
export { buildRetryPolicy, DEFAULT_RETRY_ON, DEFAULT_RETRY_ATTEMPTS } from './retry-policy.ts';
export { buildSidecarRouteConfiguration, sidecarRoutePorts } from './sidecar.ts';
export { buildGatewayRouteConfiguration, gatewayRouteServers } from './gateway.ts';
export { serviceVirtualHostDomains } from './virtual-host-domains.ts';
export { FAULT_FILTER_NAME } from './fault.ts';
export { CORS_FILTER_NAME } from './cors.ts';
export type * from './wire.ts';
