/**
 * DestinationRule connectionPool → Envoy cluster settings (Istio's
 * applyConnectionPool). Every cluster gets one circuit-breaker threshold
 * set with Istio's defaults (max_connections, max_pending_requests,
 * max_requests and max_retries 4294967295, track_remaining) overridden by
 * the positive values the rule sets: tcp.maxConnections, http.
 * http1MaxPendingRequests, http.http2MaxRequests, http.maxRetries. The
 * connect timeout is tcp.connectTimeout, else MeshConfig's (10s). idle
 * timeout (http, else tcp), maxRequestsPerConnection and
 * maxConnectionDuration go to HttpProtocolOptions; tcpKeepalive (else the
 * mesh's) to upstream_connection_options.
 */
import type { ConnectionPoolSettings } from '@skiff/api';
import { parseDurationMs } from '@skiff/common';
import type { MeshSettings, TcpKeepaliveSettings } from '../../registry/mesh-settings.ts';
import type { ClusterDraft } from './cluster-draft.ts';
import { MAX_UINT32, protoDuration, type ThresholdsWire } from './wire.ts';

export function defaultThresholds(): ThresholdsWire {
  return {
    max_connections: { value: MAX_UINT32 },
    max_pending_requests: { value: MAX_UINT32 },
    max_requests: { value: MAX_UINT32 },
    max_retries: { value: MAX_UINT32 },
    track_remaining: true,
  };
}

export function applyConnectionPool(draft: ClusterDraft, settings: ConnectionPoolSettings | undefined, mesh: MeshSettings): void {
  const http = settings?.http;
  const tcp = settings?.tcp;
  const positive = (n: number | undefined, fallback: number) => ({ value: n !== undefined && n > 0 ? n : fallback });
  draft.cluster.circuit_breakers = {
    thresholds: [{
      max_connections: positive(tcp?.maxConnections, MAX_UINT32),
      max_pending_requests: positive(http?.http1MaxPendingRequests, MAX_UINT32),
      max_requests: positive(http?.http2MaxRequests, MAX_UINT32),
      max_retries: positive(http?.maxRetries, MAX_UINT32),
      track_remaining: true,
    }],
  };
  const connectTimeoutMs = tcp?.connectTimeout !== undefined ? parseDurationMs(tcp.connectTimeout) : undefined;
  draft.cluster.connect_timeout = protoDuration(connectTimeoutMs ?? mesh.connectTimeoutMs);
  applyTcpKeepalive(draft, tcp?.tcpKeepalive ?? mesh.tcpKeepalive);

  const idleTimeout = http?.idleTimeout ?? tcp?.idleTimeout;
  const maxRequestsPerConnection = http?.maxRequestsPerConnection ?? 0;
  const maxConnectionDuration = tcp?.maxConnectionDuration;
  const maxConcurrentStreams = http?.maxConcurrentStreams ?? 0;
  if (idleTimeout !== undefined || maxRequestsPerConnection > 0 || maxConnectionDuration !== undefined || maxConcurrentStreams > 0) {
    const common = (draft.httpOptions.common_http_protocol_options ??= {});
    if (idleTimeout !== undefined) common.idle_timeout = protoDuration(parseDurationMs(idleTimeout) ?? 0);
    if (maxRequestsPerConnection > 0) common.max_requests_per_connection = { value: maxRequestsPerConnection };
    if (maxConnectionDuration !== undefined) common.max_connection_duration = protoDuration(parseDurationMs(maxConnectionDuration) ?? 0);
    draft.maxConcurrentStreams = maxConcurrentStreams;
    draft.hasHttpOptions = true;
  }
  if (http?.useClientProtocol) draft.setUseDownstreamProtocol();
}

/** Istio's applyTCPKeepalive: time and interval in whole seconds. */
function applyTcpKeepalive(draft: ClusterDraft, keepalive: TcpKeepaliveSettings | undefined): void {
  if (!keepalive) return;
  const seconds = (d: string | undefined) => (d === undefined ? undefined : { value: Math.floor((parseDurationMs(d) ?? 0) / 1000) });
  const time = seconds(keepalive.time);
  const interval = seconds(keepalive.interval);
  draft.cluster.upstream_connection_options = {
    tcp_keepalive: {
      ...(keepalive.probes ? { keepalive_probes: { value: keepalive.probes } } : {}),
      ...(time ? { keepalive_time: time } : {}),
      ...(interval ? { keepalive_interval: interval } : {}),
    },
  };
}
