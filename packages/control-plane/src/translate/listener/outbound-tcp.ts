/**
 * Filter chains of an outbound TCP or TLS service port (Istio's
 * buildSidecarOutboundTLSFilterChainOpts / buildSidecarOutboundTCPFilterChainOpts).
 * TLS and HTTPS ports: one SNI chain per distinct (sniHosts, subnets) of the
 * VirtualService `tls` rules that apply to this proxy and port, else one
 * chain to the service's cluster (matching the service's own host name by
 * SNI when the listener cannot tell services apart by address). Other TCP
 * ports: the `tcp` rules in order until one matches every destination, then
 * the service's cluster when no rule did.
 */
import type { L4MatchAttributes, TLSMatchAttributes } from '@skiff/api';
import { MESH_GATEWAY } from '../../model/gateway-name.ts';
import { resolveGatewayName } from '../../model/gateway-name.ts';
import type { VirtualServiceEntry } from '../../model/virtual-service-index.ts';
import { hostMatches } from '../../registry/host.ts';
import { selectorMatches } from '../../registry/labels.ts';
import type { Protocol } from '../../registry/protocol.ts';
import type { Service } from '../../registry/types.ts';
import type { FilterChainOpts } from './filter-chain.ts';
import { buildRouteNetworkFilters, buildServiceNetworkFilters, type TcpRouteContext } from './tcp-proxy.ts';
import { WILDCARD_ADDRESS } from './well-known.ts';

export interface OutboundTcpInput {
  readonly service: Service;
  readonly port: number;
  readonly protocol: Protocol;
  /** The listener's bind address. */
  readonly bind: string;
  /** The service address when it is a CIDR (the listener then binds the wildcard). */
  readonly cidr: string | undefined;
  /** The egress listener's VirtualServices. */
  readonly virtualServices: readonly VirtualServiceEntry[];
}

export function buildOutboundTcpChains(ctx: TcpRouteContext, input: OutboundTcpInput): FilterChainOpts[] {
  const vss = input.virtualServices.filter((vs) => vs.hosts.some((h) => hostMatches(h, input.service.hostname) || hostMatches(input.service.hostname, h)));
  return input.protocol === 'TLS' || input.protocol === 'HTTPS' ? tlsChains(ctx, input, vss) : tcpChains(ctx, input, vss);
}

function tlsChains(ctx: TcpRouteContext, input: OutboundTcpInput, vss: readonly VirtualServiceEntry[]): FilterChainOpts[] {
  const out: FilterChainOpts[] = [];
  const handled = new Set<string>();
  const cidrs = input.cidr ? [input.cidr] : [];
  for (const vs of vss) {
    for (const tls of vs.config.spec?.tls ?? []) {
      if (!tls.route?.length) continue;
      for (const match of tls.match ?? []) {
        if (!matchesProxy(match, ctx, vs.namespace)) continue;
        const destinationCidrs = match.destinationSubnets?.length ? match.destinationSubnets : cidrs;
        const runtime = JSON.stringify([match.sniHosts ?? [], match.destinationSubnets ?? []]);
        if (handled.has(runtime)) continue;
        handled.add(runtime);
        out.push({ sniHosts: match.sniHosts ?? [], destinationCidrs, filters: buildRouteNetworkFilters(ctx, tls.route, vs) });
      }
    }
  }
  if (out.length > 0) return out;
  const address = input.cidr ? '' : (input.service.addresses[0] ?? WILDCARD_ADDRESS);
  const bySni = cidrs.length > 0 || address === '' || (address === WILDCARD_ADDRESS && input.bind === WILDCARD_ADDRESS);
  return [{ sniHosts: bySni ? [input.service.hostname] : [], destinationCidrs: cidrs, filters: buildServiceNetworkFilters(ctx, input.service, input.port) }];
}

function tcpChains(ctx: TcpRouteContext, input: OutboundTcpInput, vss: readonly VirtualServiceEntry[]): FilterChainOpts[] {
  const out: FilterChainOpts[] = [];
  const cidrs = input.cidr ? [input.cidr] : [];
  for (const vs of vss) {
    for (const tcp of vs.config.spec?.tcp ?? []) {
      if (!tcp.route?.length) continue;
      if (!tcp.match?.length) {
        out.push({ destinationCidrs: cidrs, filters: buildRouteNetworkFilters(ctx, tcp.route, vs) });
        return out;
      }
      const subnets: string[] = [];
      for (const match of tcp.match) {
        if (!matchesProxy(match, ctx, vs.namespace)) continue;
        if (!match.destinationSubnets?.length) {
          out.push({ destinationCidrs: cidrs, filters: buildRouteNetworkFilters(ctx, tcp.route, vs) });
          return out;
        }
        subnets.push(...match.destinationSubnets);
      }
      if (subnets.length > 0) {
        out.push({ destinationCidrs: subnets, filters: buildRouteNetworkFilters(ctx, tcp.route, vs) });
        // A chain with the service's own CIDRs already covers the default route.
        if ([...subnets].sort().join(',') === [...cidrs].sort().join(',')) return out;
      }
    }
  }
  out.push({ destinationCidrs: cidrs, filters: buildServiceNetworkFilters(ctx, input.service, input.port) });
  return out;
}

/** Istio's matchTCP / matchTLS: the static predicates, evaluated for this sidecar on this port. */
function matchesProxy(match: L4MatchAttributes | TLSMatchAttributes, ctx: TcpRouteContext, vsNamespace: string): boolean {
  const gateways = match.gateways ?? [];
  if (gateways.length > 0 && !gateways.some((g) => resolveGatewayName(g, vsNamespace) === MESH_GATEWAY)) return false;
  if (match.sourceLabels && !selectorMatches(match.sourceLabels, ctx.proxy.labels)) return false;
  if (match.port && match.port !== ctx.listenerPort) return false;
  if (match.sourceNamespace && match.sourceNamespace !== ctx.proxy.namespace) return false;
  return true;
}
