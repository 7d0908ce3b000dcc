/**
 * The Envoy v3 shapes the cluster builders emit, in the object form
 * @skiff/api's codec encodes (proto field names in snake_case, wrappers as
 * `{value}`, durations as `{seconds, nanos}`, nested Anys as `{'@type', ...}`).
 * Only the fields Skiff sets are typed.
 */

export interface ProtoDuration {
  readonly seconds: string;
  readonly nanos?: number;
}

export interface UInt32Value {
  readonly value: number;
}

/** Milliseconds → google.protobuf.Duration. */
export function protoDuration(ms: number): ProtoDuration {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return nanos === 0 ? { seconds: String(seconds) } : { seconds: String(seconds), nanos };
}

export type DiscoveryType = 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'EDS' | 'ORIGINAL_DST';
export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RING_HASH' | 'RANDOM' | 'MAGLEV' | 'CLUSTER_PROVIDED';

export interface SocketAddressWire {
  readonly socket_address: { readonly address: string; readonly port_value: number };
}

export interface LbEndpointWire {
  readonly endpoint: { readonly address: SocketAddressWire | { readonly pipe: { readonly path: string } } };
  readonly health_status?: 'HEALTHY' | 'UNHEALTHY';
  readonly load_balancing_weight?: UInt32Value;
}

export interface LocalityLbEndpointsWire {
  readonly locality?: { readonly region?: string; readonly zone?: string; readonly sub_zone?: string };
  readonly lb_endpoints: readonly LbEndpointWire[];
  readonly load_balancing_weight?: UInt32Value;
  readonly priority?: number;
}

export interface ClusterLoadAssignmentWire {
  readonly cluster_name: string;
  readonly endpoints: readonly LocalityLbEndpointsWire[];
}

export interface ThresholdsWire {
  readonly max_connections: UInt32Value;
  readonly max_pending_requests: UInt32Value;
  readonly max_requests: UInt32Value;
  readonly max_retries: UInt32Value;
  readonly track_remaining: boolean;
}

export interface OutlierDetectionWire {
  consecutive_5xx?: UInt32Value;
  enforcing_consecutive_5xx?: UInt32Value;
  consecutive_gateway_failure?: UInt32Value;
  enforcing_consecutive_gateway_failure?: UInt32Value;
  interval?: ProtoDuration;
  base_ejection_time?: ProtoDuration;
  max_ejection_percent?: UInt32Value;
  enforcing_success_rate: UInt32Value;
  split_external_local_origin_errors?: boolean;
  consecutive_local_origin_failure?: UInt32Value;
  enforcing_consecutive_local_origin_failure?: UInt32Value;
  enforcing_local_origin_success_rate?: UInt32Value;
}

/** envoy.extensions.upstreams.http.v3.HttpProtocolOptions, unpacked. */
export interface HttpProtocolOptionsWire {
  common_http_protocol_options?: {
    idle_timeout?: ProtoDuration;
    max_requests_per_connection?: UInt32Value;
    max_connection_duration?: ProtoDuration;
  };
  explicit_http_config?: { http_protocol_options: Record<string, never> } | { http2_protocol_options: { max_concurrent_streams?: UInt32Value } };
  use_downstream_protocol_config?: { http_protocol_options: Record<string, never>; http2_protocol_options: Record<string, never> };
}

/** envoy.config.cluster.v3.Cluster, the fields Skiff sets. */
export interface ClusterWire {
  name: string;
  type: DiscoveryType;
  alt_stat_name?: string;
  connect_timeout?: ProtoDuration;
  lb_policy?: LbPolicy;
  eds_cluster_config?: { service_name: string; eds_config: { ads: Record<string, never>; initial_fetch_timeout: ProtoDuration; resource_api_version: 'V3' } };
  load_assignment?: ClusterLoadAssignmentWire;
  dns_lookup_family?: 'V4_ONLY' | 'V6_ONLY' | 'ALL';
  dns_refresh_rate?: ProtoDuration;
  respect_dns_ttl?: boolean;
  circuit_breakers?: { thresholds: ThresholdsWire[] };
  outlier_detection?: OutlierDetectionWire;
  common_lb_config?: { healthy_panic_threshold?: { value: number }; locality_weighted_lb_config?: Record<string, never> };
  ring_hash_lb_config?: { minimum_ring_size: { value: string } };
  maglev_lb_config?: { table_size: { value: string } };
  round_robin_lb_config?: { slow_start_config: SlowStartWire };
  least_request_lb_config?: { slow_start_config: SlowStartWire };
  upstream_connection_options?: { tcp_keepalive: { keepalive_probes?: UInt32Value; keepalive_time?: UInt32Value; keepalive_interval?: UInt32Value } };
  typed_extension_protocol_options?: Record<string, { '@type': string } & HttpProtocolOptionsWire>;
  cleanup_interval?: ProtoDuration;
  upstream_bind_config?: { source_address: { address: string; port_value: number } };
  metadata?: { filter_metadata: Record<string, unknown> };
}

export interface SlowStartWire {
  slow_start_window: ProtoDuration;
  aggression?: { default_value: number; runtime_key: string };
  min_weight_percent?: { value: number };
}

/** Envoy's default for every circuit-breaker threshold Istio leaves open (math.MaxUint32). */
export const MAX_UINT32 = 4294967295;
