/**
 * A sidecar's inbound clusters (Istio's buildInboundClusters): one
 * `inbound|<port>||` per port the proxy's own workload serves. Without
 * Sidecar ingress listeners they are ORIGINAL_DST (inbound passthrough, the
 * application reached at the address the client dialled) bound to
 * 127.0.0.6 so iptables does not loop the traffic back, with cleanup
 * disabled. A Sidecar ingress listener with a loopback or unix
 * defaultEndpoint gets a STATIC cluster to that endpoint instead. Only
 * connection-pool settings apply inbound: the DestinationRule for the
 * workload's service, overridden by the Sidecar's inboundConnectionPool.
 */
import type { ConnectionPoolSettings } from '@skiff/api';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import { portLevelTrafficPolicy } from '../../model/traffic-policy.ts';
import type { ServiceTarget } from '../../registry/service-registry.ts';
import { inboundClusterName } from '../names.ts';
import { ClusterDraft } from './cluster-draft.ts';
import { applyIstioMetadata } from './metadata.ts';
import { applyInboundTrafficPolicy } from './traffic-policy.ts';
import type { ClusterWire, LbEndpointWire } from './wire.ts';

/** Istio's passthrough bind address for inbound traffic. */
export const INBOUND_PASSTHROUGH_BIND_IPV4 = '127.0.0.6';
/** ~292 years: effectively never clean up (Istio's maxSecondsValue). */
const NEVER_SECONDS = '9223372035';

export function buildInboundClusters(proxy: ProxyView, push: PushContext): ClusterWire[] {
  if (proxy.type !== 'sidecar') return [];
  const scope = push.sidecarScope(proxy);
  const targets = push.serviceTargets(proxy);
  const out: ClusterWire[] = [];
  if (scope.ingress.length > 0) {
    for (const ingress of scope.ingress) {
      const port = ingress.port?.number ?? 0;
      const matching = targets.filter((t) => t.port.port === port || t.targetPort === port);
      const pool = ingress.connectionPool ?? scope.inboundConnectionPool ?? inboundPoolFromRule(proxy, push, matching[0]);
      out.push(buildInbound(port, ingress.defaultEndpoint ?? '', matching, pool, push));
    }
    return out;
  }
  const byPort = new Map<number, ServiceTarget[]>();
  for (const t of targets) byPort.set(t.targetPort, [...(byPort.get(t.targetPort) ?? []), t]);
  for (const [port, list] of byPort) {
    const pool = scope.inboundConnectionPool ?? inboundPoolFromRule(proxy, push, list[0]);
    out.push(buildInbound(port, '', list, pool, push));
  }
  return out;
}

function inboundPoolFromRule(proxy: ProxyView, push: PushContext, target: ServiceTarget | undefined): ConnectionPoolSettings | undefined {
  if (!target) return undefined;
  const rule = push.destinationRule(proxy, target.service);
  return portLevelTrafficPolicy(rule?.spec.trafficPolicy, target.port.port).policy?.connectionPool;
}

function buildInbound(port: number, defaultEndpoint: string, targets: readonly ServiceTarget[], pool: ConnectionPoolSettings | undefined, push: PushContext): ClusterWire {
  const name = inboundClusterName(port);
  const endpoint = staticEndpoint(defaultEndpoint);
  const draft = new ClusterDraft({ name, type: endpoint ? 'STATIC' : 'ORIGINAL_DST', alt_stat_name: `${name};` });
  const c = draft.cluster;
  if (endpoint) {
    c.load_assignment = { cluster_name: name, endpoints: [{ lb_endpoints: [endpoint] }] };
  } else {
    c.cleanup_interval = { seconds: NEVER_SECONDS };
    c.upstream_bind_config = { source_address: { address: INBOUND_PASSTHROUGH_BIND_IPV4, port_value: 0 } };
  }
  const protocol = targets[0]?.port.protocol;
  if (protocol === 'HTTP2' || protocol === 'GRPC' || protocol === 'GRPC-Web') draft.setHttp2();
  else if (protocol === undefined || protocol === 'Unsupported') draft.setUseDownstreamProtocol();
  applyInboundTrafficPolicy(draft, pool, push.mesh);
  if (!endpoint) c.lb_policy = 'CLUSTER_PROVIDED';
  applyIstioMetadata(c, { services: targets.map((t) => t.service), port: targets[0]?.port.port });
  return draft.build();
}

/** `127.0.0.1:8080`, `[::1]:8080` or `unix:///path` → a STATIC endpoint; anything else means passthrough. */
function staticEndpoint(text: string): LbEndpointWire | undefined {
  if (text.startsWith('unix://')) return { endpoint: { address: { pipe: { path: text.slice('unix://'.length) } } } };
  const m = /^(127\.0\.0\.1|\[::1\]):(\d+)$/.exec(text);
  if (!m) return undefined;
  const address = m[1] === '[::1]' ? '::1' : m[1];
  return { endpoint: { address: { socket_address: { address, port_value: Number(m[2]) } } } };
}
