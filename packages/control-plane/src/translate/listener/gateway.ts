/**
 * A gateway's listeners (Istio's buildGatewayListeners), one per port and
 * bind of the merged Gateway servers (merged-gateway.ts, which also names
 * their route configurations). Per listener `0.0.0.0_<port>`:
 *   - HTTP servers share one HCM with RDS `http.<port>[.<bind>]`;
 *   - HTTPS servers that terminate TLS get one chain each, matched by SNI
 *     (their hosts), with the TLS context and RDS
 *     `https.<server port>.<port name>.<gateway>.<namespace>[.<bind>]`;
 *   - TLS PASSTHROUGH servers get a tcp_proxy chain per SNI match of the
 *     VirtualService `tls` routes bound to the gateway;
 *   - TCP (and TLS-terminating TCP) servers tcp_proxy by the first matching
 *     VirtualService `tcp` route.
 */
import type { Server } from '@skiff/api';
import { resolveGatewayName } from '../../model/gateway-name.ts';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import type { VirtualServiceEntry } from '../../model/virtual-service-index.ts';
import { hostMatches } from '../../registry/host.ts';
import { isHttpProtocol, parseProtocol } from '../../registry/protocol.ts';
import { listenerName, listenerStatPrefix } from '../names.ts';
import { buildFilterChain, tlsInspector, type FilterChainOpts } from './filter-chain.ts';
import { buildHttpConnectionManager } from './http-connection-manager.ts';
import { buildRouteNetworkFilters, type TcpRouteContext } from './tcp-proxy.ts';
import { buildDownstreamTlsTransportSocket } from './tls-context.ts';
import { isPassthrough, mergeGateway, protocolOf, type GatewayServer, type MergedPort } from './merged-gateway.ts';
import { WILDCARD_ADDRESS } from './well-known.ts';
import type { ListenerWire, NetworkFilterWire } from './wire.ts';

export function buildGatewayListeners(proxy: ProxyView, push: PushContext): ListenerWire[] {
  const merged = mergeGateway(proxy, push).ports;
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
