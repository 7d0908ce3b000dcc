/**
 * The clusters every proxy has besides its services (Istio's
 * buildBlackHoleCluster, buildDefaultPassthroughCluster,
 * buildInboundPassthroughCluster): BlackHoleCluster (STATIC, no endpoints:
 * traffic there fails), PassthroughCluster (ORIGINAL_DST with the
 * downstream's HTTP protocol, 5 minute idle timeout, Istio's open circuit
 * breakers) and, on sidecars, InboundPassthroughCluster (the same, bound to
 * 127.0.0.6).
 */
import type { MeshSettings } from '../../registry/mesh-settings.ts';
import { BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, PASSTHROUGH_CLUSTER } from '../names.ts';
import { ClusterDraft } from './cluster-draft.ts';
import { defaultThresholds } from './connection-pool.ts';
import { INBOUND_PASSTHROUGH_BIND_IPV4 } from './inbound.ts';
import { protoDuration, type ClusterWire } from './wire.ts';

const PASSTHROUGH_IDLE_TIMEOUT_MS = 5 * 60_000;

export function buildBlackHoleCluster(mesh: MeshSettings): ClusterWire {
  return {
    name: BLACKHOLE_CLUSTER,
    type: 'STATIC',
    alt_stat_name: `${BLACKHOLE_CLUSTER};`,
    connect_timeout: protoDuration(mesh.connectTimeoutMs),
    lb_policy: 'ROUND_ROBIN',
  };
}

export function buildPassthroughCluster(mesh: MeshSettings, name: string = PASSTHROUGH_CLUSTER): ClusterWire {
  const draft = new ClusterDraft({
    name,
    type: 'ORIGINAL_DST',
    alt_stat_name: `${name};`,
    connect_timeout: protoDuration(mesh.connectTimeoutMs),
    lb_policy: 'CLUSTER_PROVIDED',
    circuit_breakers: { thresholds: [defaultThresholds()] },
  });
  draft.httpOptions.common_http_protocol_options = { idle_timeout: protoDuration(PASSTHROUGH_IDLE_TIMEOUT_MS) };
  draft.setUseDownstreamProtocol();
  return draft.build();
}

export function buildInboundPassthroughCluster(mesh: MeshSettings): ClusterWire {
  const c = buildPassthroughCluster(mesh, INBOUND_PASSTHROUGH_CLUSTER);
  c.upstream_bind_config = { source_address: { address: INBOUND_PASSTHROUGH_BIND_IPV4, port_value: 0 } };
  return c;
}
