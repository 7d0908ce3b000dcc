/**
 * A sidecar's outbound route configuration for one port, named by the port
 * (`9080`), or by host and port for a sniffed service port with a listener
 * of its own, as Istio's buildSidecarOutboundHTTPRouteConfig builds it:
 *   1. each VirtualService bound to `mesh` in the egress listener's scope
 *      gives its routes to the services it names (exact host first, else the
 *      most specific wildcard), one virtual host per service port, and to
 *      its hosts that are not services (`bookinfo.com:80`; such hosts ride
 *      on port 80 when the VirtualService names no service);
 *   2. every other HTTP (or sniffed) service port gets a virtual host with
 *      the default route to its cluster;
 *   3. `allow_any` (PassthroughCluster) or `block_all` (502) catches the
 *      rest, by the outbound traffic policy.
 * A domain claimed twice stays with its first virtual host, so Envoy never
 * sees a duplicate. The result is a pure function of a SidecarRouteKey and
 * cached per push context by it: the sidecars of a namespace share it.
 */
import type { EgressListenerScope } from '../../model/sidecar-scope.ts';
import { MESH_GATEWAY } from '../../model/gateway-name.ts';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import type { VirtualServiceEntry } from '../../model/virtual-service-index.ts';
import { hostMatches, isWildcard } from '../../registry/host.ts';
import { isHttpProtocol, type Protocol } from '../../registry/protocol.ts';
import type { Service } from '../../registry/types.ts';
import { ALLOW_ANY_VIRTUAL_HOST, BLOCK_ALL_VIRTUAL_HOST, PASSTHROUGH_CLUSTER, outboundClusterName, outboundRouteName, sniffedOutboundRouteName, virtualHostName } from '../names.ts';
import type { HashPolicyWire } from '../cluster/hash-policy.ts';
import { protoDuration } from '../cluster/wire.ts';
import { expandDelegates, type RouteConflict } from './delegate.ts';
import { buildHttpRoutes } from './http-route.ts';
import { buildRetryPolicy } from './retry-policy.ts';
import { delegateLookup, routeContext } from './route-context.ts';
import { finishRouteConfiguration } from './route-configuration.ts';
import { plainVirtualHostDomains, serviceVirtualHostDomains } from './virtual-host-domains.ts';
import type { RouteConfigurationWire, RouteWire, VirtualHostWire } from './wire.ts';
import { cacheSlot } from '../../model/push-cache.ts';
import type { ProxyKey } from '../../model/proxy-key.ts';

const MESH = new Set([MESH_GATEWAY]);
/** Istio's fallback port for VirtualService hosts that are not services. */
const NON_SERVICE_HOST_PORT = 80;

function isHttpOrSniffed(p: Protocol): boolean {
  return isHttpProtocol(p) || p === 'Unsupported';
}

function httpPorts(s: Service): number[] {
  return s.ports.filter((p) => isHttpOrSniffed(p.protocol)).map((p) => p.port);
}

/** The ports a sidecar gets an outbound HTTP route configuration for, ascending. */
export function sidecarRoutePorts(proxy: ProxyView, push: PushContext): number[] {
  const ports = new Set<number>();
  for (const egress of push.sidecarScope(proxy).egress) {
    const listenerPort = egress.listener?.port?.number;
    for (const s of egress.services) for (const p of httpPorts(s)) if (listenerPort === undefined || listenerPort === p) ports.add(p);
    const owning = new Set(assignOwners(egress).values());
    const hostnames = new Set(egress.services.map((s) => s.hostname));
    for (const vs of egress.virtualServices) {
      if (!owning.has(vs) && plainHosts(vs, egress.services, hostnames).length > 0) ports.add(listenerPort ?? NON_SERVICE_HOST_PORT);
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/**
 * The route configuration for `port`. With `sniffedHost` it is the one a
 * sniffed service port's own listener asks for (`<host>:<port>`), as
 * Istio's getVirtualHostsForSniffedServicePort cuts it from the port's:
 * only the virtual host serving that host, answering every authority (the
 * listener already picked the service), and no catch-all.
 */
export function buildSidecarRouteConfiguration(proxy: ProxyView, push: PushContext, port: number, conflicts: RouteConflict[], sniffedHost?: string): RouteConfigurationWire {
  const built = push.cache.getOrBuild(SIDECAR_ROUTE_CONFIGURATIONS, { proxy: push.proxyKey(proxy), port, sniffedHost });
  conflicts.push(...built.conflicts);
  return built.routeConfiguration;
}

/**
 * What a sidecar's outbound route configuration depends on: the proxy
 * reduced to its ProxyKey (namespace for domains and visibility, labels
 * only where sourceLabels, a selecting Sidecar or DestinationRule could
 * read them), the port and, for a sniffed port's own listener, the host.
 */
export interface SidecarRouteKey {
  readonly proxy: ProxyKey;
  readonly port: number;
  readonly sniffedHost: string | undefined;
}

/** Sidecar route configurations with the conflicts found building them, cached per push context by SidecarRouteKey. */
export const SIDECAR_ROUTE_CONFIGURATIONS = cacheSlot<SidecarRouteKey, { routeConfiguration: RouteConfigurationWire; conflicts: readonly RouteConflict[] }, PushContext>(
  'sidecar route configurations',
  (key, push) => {
    const conflicts: RouteConflict[] = [];
    const routeConfiguration = buildSidecarRouteConfigurationFromKey(key, push, conflicts);
    return { routeConfiguration, conflicts };
  },
);

function buildSidecarRouteConfigurationFromKey({ proxy, port, sniffedHost }: SidecarRouteKey, push: PushContext, conflicts: RouteConflict[]): RouteConfigurationWire {
  const scope = push.sidecarScope(proxy);
  const egress = scope.egress.find((e) => e.listener?.port?.number === port) ?? scope.egress.find((e) => e.listener?.port?.number === undefined);
  const vhosts: VirtualHostWire[] = [];
  const owners = egress ? assignOwners(egress) : new Map<Service, VirtualServiceEntry>();
  const ownedBy = new Map<VirtualServiceEntry, Service[]>();
  for (const [s, vs] of owners) {
    const list = ownedBy.get(vs);
    if (list) list.push(s);
    else ownedBy.set(vs, [s]);
  }
  const ctx = routeContext(proxy, push, port, MESH);
  const serviceHosts = new Set((egress?.services ?? []).map((s) => s.hostname));
  for (const vs of egress?.virtualServices ?? []) {
    const owned = ownedBy.get(vs) ?? [];
    const ownedHere = owned.filter((s) => httpPorts(s).includes(port));
    if (ownedHere.length === 0 && !(owned.length === 0 && port === NON_SERVICE_HOST_PORT)) continue;
    const routes = buildHttpRoutes(vs.name, expandDelegates(vs, delegateLookup(proxy, push, vs.namespace), conflicts), ctx);
    if (routes.length === 0) continue;
    for (const host of plainHosts(vs, egress!.services, serviceHosts)) vhosts.push(virtualHost(virtualHostName(host, port), plainVirtualHostDomains(host, port), routes));
    for (const s of ownedHere) vhosts.push(virtualHost(virtualHostName(s.hostname, port), serviceVirtualHostDomains(s, port, proxy.namespace, push.mesh.clusterDomain), routes));
  }
  for (const s of egress?.services ?? []) {
    if (owners.has(s) || !httpPorts(s).includes(port)) continue;
    const hash = ctx.hashPolicy(s, port, '');
    vhosts.push(virtualHost(virtualHostName(s.hostname, port), serviceVirtualHostDomains(s, port, proxy.namespace, push.mesh.clusterDomain), [
      defaultRoute(outboundClusterName(port, '', s.hostname), `${s.hostname}:${port}`, hash),
    ]));
  }
  if (sniffedHost !== undefined) {
    const name = sniffedOutboundRouteName(sniffedHost, port);
    const own = vhosts.filter((v) => v.domains.includes(name) || v.domains.includes(sniffedHost));
    return finishRouteConfiguration(name, own.length === 1 ? [{ ...own[0], domains: ['*'] }] : own);
  }
  vhosts.push(scope.outboundTrafficPolicy === 'REGISTRY_ONLY' ? BLOCK_ALL : ALLOW_ANY);
  return finishRouteConfiguration(outboundRouteName(port), vhosts);
}

function virtualHost(name: string, domains: string[], routes: readonly RouteWire[]): VirtualHostWire {
  return { name, domains, routes, include_request_attempt_count: true };
}

/** Istio's BuildDefaultHTTPOutboundRoute: everything to the service's cluster, default retries, no timeout. */
function defaultRoute(cluster: string, operation: string, hash: readonly HashPolicyWire[]): RouteWire {
  const retry = buildRetryPolicy(undefined, hash.length > 0)!;
  return {
    name: 'default',
    match: { prefix: '/' },
    route: {
      cluster,
      timeout: protoDuration(0),
      max_stream_duration: { max_stream_duration: protoDuration(0), grpc_timeout_header_max: protoDuration(0) },
      retry_policy: retry,
      ...(hash.length > 0 ? { hash_policy: hash } : {}),
    },
    decorator: { operation: `${operation}/*` },
  };
}

const ALLOW_ANY: VirtualHostWire = virtualHost(ALLOW_ANY_VIRTUAL_HOST, ['*'], [{
  name: ALLOW_ANY_VIRTUAL_HOST,
  match: { prefix: '/' },
  route: {
    cluster: PASSTHROUGH_CLUSTER,
    timeout: protoDuration(0),
    max_stream_duration: { max_stream_duration: protoDuration(0), grpc_timeout_header_max: protoDuration(0) },
  },
}]);

const BLOCK_ALL: VirtualHostWire = virtualHost(BLOCK_ALL_VIRTUAL_HOST, ['*'], [{
  name: BLOCK_ALL_VIRTUAL_HOST,
  match: { prefix: '/' },
  direct_response: { status: 502 },
}]);

/**
 * Which VirtualService routes each service: the oldest naming it exactly,
 * else the one whose wildcard host matching it is the most specific
 * (longest), oldest first among equals.
 */
function assignOwners(egress: EgressListenerScope): Map<Service, VirtualServiceEntry> {
  const owners = new Map<Service, VirtualServiceEntry>();
  const exactHosts = new Map<string, VirtualServiceEntry>();
  const wildcards: VirtualServiceEntry[] = [];
  for (const vs of egress.virtualServices) {
    for (const h of vs.hosts) if (!exactHosts.has(h)) exactHosts.set(h, vs);
    if (vs.hosts.some(isWildcard)) wildcards.push(vs);
  }
  for (const s of egress.services) {
    const exact = exactHosts.get(s.hostname);
    if (exact) {
      owners.set(s, exact);
      continue;
    }
    let best: { vs: VirtualServiceEntry; length: number } | undefined;
    for (const vs of wildcards) {
      for (const h of vs.hosts) {
        if (isWildcard(h) && hostMatches(h, s.hostname) && (!best || h.length > best.length)) best = { vs, length: h.length };
      }
    }
    if (best) owners.set(s, best.vs);
  }
  return owners;
}

/** Istio's separateVSHostsAndServices: exact hosts that are no service, and wildcards that match none. */
function plainHosts(vs: VirtualServiceEntry, services: readonly Service[], hostnames: ReadonlySet<string> = new Set(services.map((s) => s.hostname))): string[] {
  return vs.hosts.filter((h) => isWildcard(h) ? !services.some((s) => hostMatches(h, s.hostname)) : !hostnames.has(h));
}
