/**
 * RDS for one proxy: sidecars get one outbound route configuration per
 * HTTP port (`80`, `9080`) and per sniffed port with its own listener
 * (`legacy.default.svc.cluster.local:8000`), gateways `http.<port>` and
 * `https.<port>.<name>.<gateway>.<ns>` ones. Problems found on the way
 * (missing or conflicting delegates, shadowed catch-alls when VirtualServices
 * merge on a gateway host) are returned as conflicts, never thrown.
 */
import { TypeUrl } from '@skiff/api';
import type { Proxy } from '../../model/proxy.ts';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import type { GeneratorEntry } from '../../xds/types.ts';
import { xdsResource } from '../../xds/xds-resource.ts';
import { buildOutboundListeners } from '../listener/outbound.ts';
import { outboundRouteName, parseOutboundRouteName } from '../names.ts';
import type { RouteConflict } from './delegate.ts';
import { buildGatewayRouteConfiguration, gatewayRouteServers } from './gateway.ts';
import { buildSidecarRouteConfiguration, sidecarRoutePorts } from './sidecar.ts';
import type { RouteConfigurationWire } from './wire.ts';

export interface RouteBuildResult {
  readonly routeConfigurations: RouteConfigurationWire[];
  readonly conflicts: RouteConflict[];
}

/**
 * The route configurations named `names` (every one the proxy's listeners
 * may name when `names` is undefined). A sidecar asking for a numeric name
 * it has no services on still gets one (only the passthrough or block-all
 * host), and `<host>:<port>` names of sniffed ports get the service's own
 * virtual host, as Istio answers every RDS name an HCM asks for.
 */
export function buildRoutes(proxy: ProxyView, push: PushContext, names?: ReadonlySet<string>): RouteBuildResult {
  const conflicts: RouteConflict[] = [];
  const routeConfigurations: RouteConfigurationWire[] = [];
  if (proxy.type === 'sidecar') {
    for (const name of names ? [...names].sort(byOutboundRouteName) : sidecarRouteNames(proxy, push)) {
      const parsed = parseOutboundRouteName(name);
      if (!parsed) continue;
      routeConfigurations.push(buildSidecarRouteConfiguration(proxy, push, parsed.port, conflicts, parsed.sniffedHost));
    }
  } else {
    for (const [name, servers] of gatewayRouteServers(proxy, push)) {
      if (names && !names.has(name)) continue;
      routeConfigurations.push(buildGatewayRouteConfiguration(proxy, push, name, servers, conflicts));
    }
  }
  return { routeConfigurations, conflicts };
}

/** Every route configuration a sidecar's listeners may name: one per HTTP port, and one per sniffed port with a listener of its own. */
function sidecarRouteNames(proxy: ProxyView, push: PushContext): string[] {
  const names = new Set(sidecarRoutePorts(proxy, push).map(outboundRouteName));
  for (const listener of buildOutboundListeners(proxy, push)) {
    for (const chain of [...listener.filter_chains, ...(listener.default_filter_chain ? [listener.default_filter_chain] : [])]) {
      for (const f of chain.filters) {
        const rds = (f.typed_config as { rds?: { route_config_name?: string } } | undefined)?.rds?.route_config_name;
        if (rds !== undefined) names.add(rds);
      }
    }
  }
  return [...names].sort(byOutboundRouteName);
}

/** Port first (numeric), then name. */
function byOutboundRouteName(a: string, b: string): number {
  const pa = parseOutboundRouteName(a)?.port ?? 0;
  const pb = parseOutboundRouteName(b)?.port ?? 0;
  return pa !== pb ? pa - pb : a < b ? -1 : a > b ? 1 : 0;
}

export function buildRouteConfigurations(proxy: ProxyView, push: PushContext): RouteConfigurationWire[] {
  return buildRoutes(proxy, push).routeConfigurations;
}

/** Told the conflicts found while building a proxy's RDS (an empty list when there were none). */
export type RouteConflictListener = (proxy: Proxy, conflicts: readonly RouteConflict[]) => void;

/**
 * The RDS generator for the xDS server's registry: RDS is never wildcard,
 * so it builds what was asked. Conflicts go to `onConflicts`, so the
 * control plane can log and show them instead of dropping them.
 */
export function createRouteGenerator(onConflicts?: RouteConflictListener): GeneratorEntry<PushContext> {
  return {
    typeUrl: TypeUrl.RouteConfiguration,
    generate: (proxy, push, request) => {
      const names = request.watched.isWildcard ? undefined : request.watched.names;
      const { routeConfigurations, conflicts } = buildRoutes(proxy, push, names);
      onConflicts?.(proxy, conflicts);
      return routeConfigurations.map((r) => xdsResource(r.name, r));
    },
  };
}

export const routeGenerator: GeneratorEntry<PushContext> = createRouteGenerator();

export type { RouteConflict } from './delegate.ts';
export { buildHttpRoutes, destinationCluster, type RouteBuildContext, type ScopedHttpRoute } from './http-route.ts';
export { buildRetryPolicy, DEFAULT_RETRY_ON, DEFAULT_RETRY_ATTEMPTS } from './retry-policy.ts';
export { buildSidecarRouteConfiguration, sidecarRoutePorts } from './sidecar.ts';
export { buildGatewayRouteConfiguration, gatewayRouteServers } from './gateway.ts';
export { serviceVirtualHostDomains } from './virtual-host-domains.ts';
export { FAULT_FILTER_NAME } from './fault.ts';
export { CORS_FILTER_NAME } from './cors.ts';
export type * from './wire.ts';
