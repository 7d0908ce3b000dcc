/**
 * CDS for proxyless gRPC (Istio's grpcgen BuildClusters). gRPC asks for
 * clusters by name, as its routes reference them (`outbound|9080|v1|reviews…`);
 * each name is built by the sidecar cluster builder (`buildServicePortClusters`,
 * so DestinationRule subsets, merged traffic policies, ring hash, outlier
 * detection and circuit breakers are Istio's), then reduced to the fields
 * gRPC's xDS client reads (A27, A42, A50):
 *   - always EDS from ADS: gRPC resolves no DNS clusters of Envoy's kind and
 *     has no ORIGINAL_DST; headless services still get their pod endpoints;
 *   - lb_policy ROUND_ROBIN, or RING_HASH for consistentHash (Maglev too:
 *     gRPC has no Maglev, and a hash policy needs a hashing balancer). gRPC
 *     NACKs any other lb_policy, so LEAST_REQUEST (Istio's default) and
 *     RANDOM fall back to ROUND_ROBIN, as Istio's grpcgen does;
 *   - outlier_detection as Istio writes it; gRPC applies interval, ejection
 *     times and max_ejection_percent but implements only success-rate and
 *     failure-percentage ejection, so consecutive-error ejection (Istio's
 *     consecutive5xxErrors) never triggers in a proxyless client;
 *   - circuit_breakers (gRPC reads the DEFAULT priority's max_requests);
 *   - connect_timeout and the istio metadata, which gRPC ignores but
 *     config_dump shows.
 * Everything else the Envoy builder sets (HTTP protocol options, keepalive,
 * slow start, locality-weighted LB) is Envoy-only and left out, so a field
 * added to the Envoy builder later can never make gRPC reject a cluster.
 * A name whose service or port the proxy cannot see yields nothing (gRPC
 * then reports the cluster as missing, as with Istio).
 */
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import { buildServicePortClusters, outboundClusterKey } from '../cluster/outbound.ts';
import type { ClusterWire } from '../cluster/wire.ts';
import { outboundClusterName, parseClusterName } from '../names.ts';

export function buildGrpcClusters(proxy: Proxy, push: PushContext, names: ReadonlySet<string>): ClusterWire[] {
  // Subset clusters of one service port are built together; group the names by their default cluster.
  const byServicePort = new Map<string, { hostname: string; port: number; names: Set<string> }>();
  for (const name of names) {
    const key = parseClusterName(name);
    if (!key || key.direction !== 'outbound') continue;
    const defaultName = outboundClusterName(key.port, '', key.hostname);
    let group = byServicePort.get(defaultName);
    if (!group) byServicePort.set(defaultName, (group = { hostname: key.hostname, port: key.port, names: new Set() }));
    group.names.add(name);
  }
  const out: ClusterWire[] = [];
  for (const group of byServicePort.values()) {
    const service = push.service(proxy, group.hostname);
    const port = service?.ports.find((p) => p.port === group.port);
    if (!service || !port) continue;
    for (const cluster of buildServicePortClusters(outboundClusterKey(proxy, push, service, port))) {
      if (group.names.has(cluster.name)) out.push(toGrpcCluster(cluster));
    }
  }
  return out;
}

/** The Envoy cluster reduced to what gRPC's xDS client reads (see the module comment). */
export function toGrpcCluster(c: ClusterWire): ClusterWire {
  const hashing = c.lb_policy === 'RING_HASH' || c.lb_policy === 'MAGLEV';
  return {
    name: c.name,
    type: 'EDS',
    ...(c.connect_timeout ? { connect_timeout: c.connect_timeout } : {}),
    lb_policy: hashing ? 'RING_HASH' : 'ROUND_ROBIN',
    ...(hashing && c.ring_hash_lb_config ? { ring_hash_lb_config: c.ring_hash_lb_config } : {}),
    eds_cluster_config: c.eds_cluster_config ?? {
      service_name: c.name,
      eds_config: { ads: {}, initial_fetch_timeout: { seconds: '0' }, resource_api_version: 'V3' },
    },
    ...(c.circuit_breakers ? { circuit_breakers: c.circuit_breakers } : {}),
    ...(c.outlier_detection ? { outlier_detection: c.outlier_detection } : {}),
    ...(c.metadata ? { metadata: c.metadata } : {}),
  };
}
