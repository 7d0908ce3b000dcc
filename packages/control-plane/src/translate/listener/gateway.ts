/**
 * A gateway's listeners (Istio's mergeGateways + buildGatewayListeners).
 * Servers of every Gateway selecting the proxy are merged by the port the
 * workload listens on: a server port that a Service of the gateway
 * workload exposes becomes that Service's targetPort (port 80 → 8080),
 * any other port is used as is. Per listener `0.0.0.0_<port>`:
 *   - HTTP servers share one HCM with RDS `http.<port>`;
 *   - HTTPS servers that terminate TLS get one chain each, matched by SNI
 *     (their hosts), with the TLS context and RDS
 *     `https.<server port>.<port name>.<gateway>.<namespace>`;
 *   - TLS PASSTHROUGH servers get a tcp_proxy chain per SNI match of the
 *     VirtualService `tls` routes bound to the gateway;
 *   - TCP (and TLS-terminating TCP) servers tcp_proxy by the first matching
 *     VirtualService `tcp` route.
 * Servers Istio would reject (protocol clashes on a port, duplicate TLS
 * hosts, HTTPS route name reuse) are skipped, oldest Gateway first.
 */
import type { Server } from '@skiff/api';
import type { GatewayEntry } from '../../model/gateway-index.ts';
import { resolveGatewayName } from '../../model/gateway-name.ts';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import type { VirtualServiceEntry } from '../../model/virtual-service-index.ts';
import { hostMatches } from '../../registry/host.ts';
import { isHttpProtocol, parseProtocol } from '../../registry/protocol.ts';
import type { ServiceTarget } from '../../registry/service-registry.ts';
import { gatewayHttpRouteName, gatewayHttpsRouteName, listenerName, listenerStatPrefix } from '../names.ts';
import { buildFilterChain, tlsInspector, type FilterChainOpts } from './filter-chain.ts';
import { buildHttpConnectionManager } from './http-connection-manager.ts';
import { buildRouteNetworkFilters, type TcpRouteContext } from './tcp-proxy.ts';
import { buildDownstreamTlsTransportSocket } from './tls-context.ts';
import { WILDCARD_ADDRESS } from './well-known.ts';
import type { ListenerWire, NetworkFilterWire } from './wire.ts';

/** Istio's label opting a Service out of gateway port translation. */
const DISABLE_PORT_TRANSLATION_LABEL = 'experimental.istio.io/disable-gateway-port-translation';

interface GatewayServer {
  readonly server: Server;
  readonly gateway: GatewayEntry;
  readonly routeName: string;
  readonly sniHosts: readonly string[];
}

interface MergedPort {
  readonly port: number;
  readonly protocol: string;
  readonly bind: string;
  routeName: string;
  readonly servers: GatewayServer[];
}

export function buildGatewayListeners(proxy: ProxyView, push: PushContext): ListenerWire[] {
  const merged = mergeServers(push.gateways(proxy), push.serviceTargets(proxy));
  const out: ListenerWire[] = [];
  for (const m of merged) {
    const chains = chainsFor(proxy, push, m);
    if (chains.length === 0) continue; // Istio: "must have more than 0 chains"
    const bind = m.bind || WILDCARD_ADDRESS;
    const listener: ListenerWire = {
      name: listenerName(bind, m.port),
      address: { socket_address: { address: bind, port_value: m.port } },
      traffic_direction: 'OUTBOUND',
      filter_chains: chains.map(buildFilterChain),
      listener_filters_timeout: { seconds: '0' },
    };
    if (chains.some((c) => (c.sniHosts?.length ?? 0) > 0 || c.transportSocket)) listener.listener_filters = [tlsInspector()];
    out.push(listener);
  }
  return out;
}

/** Istio's resolvePorts with the legacy label selector: the first Service port equal to the server port gives its targetPort. */
export function resolveGatewayPort(number: number, targets: readonly ServiceTarget[]): number {
  const t = targets.find((x) => x.port.port === number && x.service.labels[DISABLE_PORT_TRANSLATION_LABEL] === undefined);
  return t ? t.targetPort : number;
}

const isPassthrough = (s: Server) => s.tls?.mode === 'PASSTHROUGH' || s.tls?.mode === 'AUTO_PASSTHROUGH';
const protocolOf = (s: Server) => parseProtocol(s.port?.protocol);
/** gateway.IsHTTPServer: plain HTTP, or HTTPS terminated here. */
const isHttpServer = (s: Server) => isHttpProtocol(protocolOf(s)) || (protocolOf(s) === 'HTTPS' && !isPassthrough(s));
/** gateway.IsTLSServer. */
const isTlsServer = (s: Server) => s.tls !== undefined && !isHttpProtocol(protocolOf(s));

function routeNameFor(s: Server, port: number, g: GatewayEntry): string {
  if (isHttpProtocol(protocolOf(s))) return gatewayHttpRouteName(port);
  if (protocolOf(s) === 'HTTPS' && !isPassthrough(s)) {
    return gatewayHttpsRouteName(s.port?.number ?? 0, s.port?.name ?? '', g.config.metadata.name ?? '', g.config.metadata.namespace ?? '');
  }
  return '';
}

/** Istio's GetSNIHostsForServer: hosts without their `ns/`, unique and sorted. */
function sniHostsFor(s: Server): string[] {
  if (!s.tls) return [];
  return [...new Set((s.hosts ?? []).map((h) => (h.includes('/') ? h.split('/')[1] : h)))].sort();
}

/** Istio's mergeGateways, reduced to what listeners need. */
function mergeServers(gateways: readonly GatewayEntry[], targets: readonly ServiceTarget[]): MergedPort[] {
  const merged: MergedPort[] = [];
  const plainText = new Map<number, MergedPort>();
  const usedPorts = new Set<number>();
  const routeNames = new Set<string>();
  const tlsHosts = new Map<number, Map<string, string>>(); // port → host → bind
  const tlsBinds = new Map<number, Set<string>>();
  for (const g of gateways) {
    for (const server of g.config.spec?.servers ?? []) {
      if (!server.port?.number) continue;
      const port = resolveGatewayPort(server.port.number, targets);
      const bind = server.bind ?? '';
      const routeName = routeNameFor(server, port, g);
      const entry: GatewayServer = { server, gateway: g, routeName, sniHosts: sniHostsFor(server) };
      if (server.tls) {
        let known = tlsHosts.get(port);
        if (!known) tlsHosts.set(port, (known = new Map()));
        const hosts = server.hosts ?? [];
        if (hosts.some((h) => known.get(h) === bind)) continue; // duplicate TLS host on this port
        for (const h of hosts) known.set(h, bind);
      }
      const protocol = server.port.protocol ?? '';
      if (!usedPorts.has(port)) {
        usedPorts.add(port);
        const m: MergedPort = { port, protocol, bind, routeName, servers: [entry] };
        if (!isTlsServer(server)) plainText.set(port, m);
        if (isHttpServer(server)) routeNames.add(routeName);
        merged.push(m);
        continue;
      }
      const current = plainText.get(port);
      if (current) {
        const canMerge = isHttpProtocol(parseProtocol(protocol)) && (isHttpProtocol(parseProtocol(current.protocol)) || current.protocol === protocol);
        if (!canMerge && current.bind === bind) continue;
        if (routeName === '' && current.bind === bind) continue;
        if (current.bind !== bind) {
          const other = merged.find((x) => x.port === port && x.bind === bind && x.protocol === protocol);
          if (other) {
            other.routeName = routeName;
            other.servers.push(entry);
          } else {
            merged.push({ port, protocol, bind, routeName, servers: [entry] });
          }
        } else {
          current.servers.push(entry);
        }
        continue;
      }
      if (isHttpServer(server)) {
        if (routeName === '' || routeNames.has(routeName)) continue;
        routeNames.add(routeName);
      }
      let binds = tlsBinds.get(port);
      if (!binds) tlsBinds.set(port, (binds = new Set()));
      const newBind = !binds.has(bind);
      binds.add(bind);
      if (!server.tls && !newBind) continue;
      const same = merged.find((x) => x.port === port && x.bind === bind && x.protocol === protocol);
      if (same) same.servers.push(entry);
      else merged.push({ port, protocol, bind, routeName, servers: [entry] });
    }
  }
  return merged;
}

function chainsFor(proxy: ProxyView, push: PushContext, m: MergedPort): FilterChainOpts[] {
  const bind = m.bind || WILDCARD_ADDRESS;
  const statPrefix = listenerStatPrefix('outbound', bind, m.port);
  if (isHttpProtocol(parseProtocol(m.protocol))) {
    return [{ filters: [buildHttpConnectionManager({ listenerClass: 'gateway', statPrefix, rds: m.routeName })] }];
  }
  const chains: FilterChainOpts[] = [];
  const sniSeen = new Map<string, string>();
  for (const gs of m.servers) {
    const s = gs.server;
    if (protocolOf(s) === 'HTTPS' && s.tls && !isPassthrough(s)) {
      chains.push({
        sniHosts: gs.sniHosts,
        transportSocket: buildDownstreamTlsTransportSocket(s.tls),
        filters: [buildHttpConnectionManager({ listenerClass: 'gateway', statPrefix: s.name || statPrefix, rds: gs.routeName })],
      });
      continue;
    }
    const ctx: TcpRouteContext = { proxy, push, listenerPort: s.port?.number ?? m.port };
    const vss = matchingVirtualServices(proxy, push, gs);
    if (!s.tls) {
      const filters = tcpRouteFilters(ctx, vss, gs);
      if (filters) chains.push({ filters });
    } else if (!isPassthrough(s)) {
      const filters = tcpRouteFilters(ctx, vss, gs);
      if (filters) chains.push({ sniHosts: gs.sniHosts, transportSocket: buildDownstreamTlsTransportSocket(s.tls), filters });
    } else if (s.tls.mode === 'PASSTHROUGH') {
      // AUTO_PASSTHROUGH (SNI-DNAT to mTLS clusters) belongs to the security issue.
      for (const vs of vss) {
        for (const tls of vs.config.spec?.tls ?? []) {
          if (!tls.route?.length) continue;
          for (const match of tls.match ?? []) {
            if (!l4Matches(match, s, gs.gateway.ref, vs.namespace)) continue;
            const hosts = match.sniHosts ?? [];
            if (hosts.some((h) => sniSeen.get(h) === (s.bind ?? ''))) continue; // duplicate SNI: Envoy would reject the listener
            for (const h of hosts) sniSeen.set(h, s.bind ?? '');
            chains.push({ sniHosts: hosts, filters: buildRouteNetworkFilters(ctx, tls.route, vs) });
          }
        }
      }
    }
  }
  return chains;
}

/** The first `tcp` rule of a matching VirtualService whose match applies (Istio's buildGatewayNetworkFiltersFromTCPRoutes). */
function tcpRouteFilters(ctx: TcpRouteContext, vss: readonly VirtualServiceEntry[], gs: GatewayServer): NetworkFilterWire[] | undefined {
  for (const vs of vss) {
    for (const tcp of vs.config.spec?.tcp ?? []) {
      const matches = tcp.match ?? [];
      if (matches.length > 0 && !matches.some((m) => l4Matches(m, gs.server, gs.gateway.ref, vs.namespace))) continue;
      if (!tcp.route?.length) continue;
      return buildRouteNetworkFilters(ctx, tcp.route, vs);
    }
  }
  return undefined;
}

/** Istio's l4SingleMatch: the server port and the gateway. */
function l4Matches(match: { port?: number; gateways?: string[] }, server: Server, gatewayRef: string, vsNamespace: string): boolean {
  const portMatch = !match.port || match.port === server.port?.number;
  const gateways = match.gateways ?? [];
  return portMatch && (gateways.length === 0 || gateways.some((g) => resolveGatewayName(g, vsNamespace) === gatewayRef));
}

/** VirtualServices bound to the server's Gateway whose hosts meet the server's (Istio's pickMatchingGatewayHosts). */
function matchingVirtualServices(proxy: ProxyView, push: PushContext, gs: GatewayServer): VirtualServiceEntry[] {
  const gwNamespace = gs.gateway.config.metadata.namespace ?? '';
  return push.virtualServices(proxy, gs.gateway.ref).filter((vs) => (gs.server.hosts ?? []).some((h) => {
    const slash = h.indexOf('/');
    const ns = slash < 0 ? '*' : h.slice(0, slash);
    const host = slash < 0 ? h : h.slice(slash + 1);
    if (ns !== '*' && (ns === '.' ? gwNamespace : ns) !== vs.namespace) return false;
    return vs.hosts.some((v) => hostMatches(host, v) || hostMatches(v, host));
  }));
}
