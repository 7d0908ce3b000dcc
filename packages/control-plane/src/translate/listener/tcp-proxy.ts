/**
 * tcp_proxy network filters for outbound TCP and TLS routes, as Istio's
 * networkfilter.go builds them: one destination → `cluster` (stat prefix
 * the cluster name); several → `weighted_clusters` (stat prefix
 * `<vs name>.<vs namespace>`, zero weights left out). The DestinationRule
 * of the first destination adds its TCP idle timeout, maximum connection
 * duration and, for consistentHash useSourceIp, a source-IP hash policy.
 */
import { TypeUrl, type Destination, type RouteDestination } from '@skiff/api';
import { parseDurationMs } from '@skiff/common';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import { resolveShortName } from '../../registry/host.ts';
import type { Service } from '../../registry/types.ts';
import type { MergedDestinationRule } from '../../model/destination-rule-index.ts';
import { protoDuration } from '../cluster/wire.ts';
import { outboundClusterName } from '../names.ts';
import { TCP_PROXY } from './well-known.ts';
import type { NetworkFilterWire } from './wire.ts';

export interface TcpRouteContext {
  readonly proxy: ProxyView;
  readonly push: PushContext;
  /** The listener's port: the cluster port when a destination names none and its service has several. */
  readonly listenerPort: number;
}

/** A plain tcp_proxy to one cluster. */
export function tcpProxyFilter(statPrefix: string, cluster: string, extra: Record<string, unknown> = {}): NetworkFilterWire {
  return { name: TCP_PROXY, typed_config: { '@type': TypeUrl.TcpProxy, stat_prefix: statPrefix, cluster, ...extra } };
}

/** Istio's GetDestinationCluster: `outbound|<port>|<subset>|<host>`. */
export function destinationCluster(destination: Destination | undefined, service: Service | undefined, host: string, listenerPort: number): string {
  let port = listenerPort;
  if (destination?.port?.number) port = destination.port.number;
  else if (service && service.ports.length === 1) port = service.ports[0].port;
  return outboundClusterName(port, destination?.subset ?? '', host);
}

/** The service behind one destination host, and the host resolved against the VirtualService's namespace. */
function resolveDestination(ctx: TcpRouteContext, destination: Destination | undefined, vsNamespace: string): { host: string; service: Service | undefined } {
  const host = resolveShortName(destination?.host ?? '', vsNamespace, ctx.push.mesh.clusterDomain);
  return { host, service: ctx.push.service(ctx.proxy, host) };
}

/** Istio's buildOutboundNetworkFilters for the routes of one tcp or tls rule. */
export function buildRouteNetworkFilters(ctx: TcpRouteContext, routes: readonly RouteDestination[], vs: { name: string; namespace: string }): NetworkFilterWire[] {
  const first = resolveDestination(ctx, routes[0]?.destination, vs.namespace);
  const rule = first.service ? ctx.push.destinationRule(ctx.proxy, first.service) : undefined;
  if (routes.length === 1) {
    const cluster = destinationCluster(routes[0].destination, first.service, first.host, ctx.listenerPort);
    return [tcpProxyFilter(cluster, cluster, tcpSettings(rule, routes[0].destination?.subset ?? ''))];
  }
  const clusters = routes.filter((r) => (r.weight ?? 0) > 0).map((r) => {
    const { host, service } = resolveDestination(ctx, r.destination, vs.namespace);
    return { name: destinationCluster(r.destination, service, host, ctx.listenerPort), weight: r.weight };
  });
  return [{
    name: TCP_PROXY,
    typed_config: { '@type': TypeUrl.TcpProxy, stat_prefix: `${vs.name}.${vs.namespace}`, weighted_clusters: { clusters }, ...tcpSettings(rule, '') },
  }];
}

/** Istio's buildOutboundNetworkFiltersWithSingleDestination for a service's default cluster. */
export function buildServiceNetworkFilters(ctx: TcpRouteContext, service: Service, port: number): NetworkFilterWire[] {
  const cluster = outboundClusterName(service.ports.length === 1 ? service.ports[0].port : port, '', service.hostname);
  return [tcpProxyFilter(cluster, cluster, tcpSettings(ctx.push.destinationRule(ctx.proxy, service), ''))];
}

/** idle_timeout, max_downstream_connection_duration and hash_policy from the DestinationRule. */
function tcpSettings(rule: MergedDestinationRule | undefined, subset: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const policy = rule?.spec.trafficPolicy;
  const tcp = policy?.connectionPool?.tcp;
  const idle = tcp?.idleTimeout !== undefined ? parseDurationMs(tcp.idleTimeout) : undefined;
  if (idle !== undefined) out.idle_timeout = protoDuration(idle);
  const max = tcp?.maxConnectionDuration !== undefined ? parseDurationMs(tcp.maxConnectionDuration) : undefined;
  if (max !== undefined) out.max_downstream_connection_duration = protoDuration(max);
  let useSourceIp = policy?.loadBalancer?.consistentHash?.useSourceIp === true;
  const sub = rule?.spec.subsets?.find((s) => s.name === subset)?.trafficPolicy?.loadBalancer;
  if (sub) useSourceIp = sub.consistentHash?.useSourceIp === true;
  if (useSourceIp) out.hash_policy = [{ source_ip: {} }];
  return out;
}
