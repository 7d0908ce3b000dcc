import type { StructWire } from '@skiff/api/envoy/discovery-types.ts';

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
  readonly metadata?: { readonly filter_metadata: Readonly<Record<string, unknown>> };
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
  upstream_http_protocol_options?: { auto_sni?: boolean; auto_san_validation?: boolean };
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
  transport_socket?: TransportSocketWire;
  transport_socket_matches?: TransportSocketMatchWire[];
}

/** envoy.config.core.v3.TransportSocket with its typed config expanded. */
export interface TransportSocketWire {
  readonly name: string;
  readonly typed_config: { readonly '@type': string } & Partial<UpstreamTlsContextWire>;
}

export interface TransportSocketMatchWire {
  readonly name: string;
  /** google.protobuf.Struct matched against an endpoint's `envoy.transport_socket_match` metadata; empty matches every endpoint. */
  readonly match: StructWire;
  readonly transport_socket: TransportSocketWire;
}

/** An SDS secret fetched over ADS. */
export interface SdsSecretConfigWire {
  readonly name: string;
  readonly sds_config: { readonly ads: Record<string, never>; readonly resource_api_version: 'V3' };
}

/** envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher (an exact match). */
export interface SubjectAltNameMatcherWire {
  readonly san_type: 'DNS' | 'EMAIL' | 'URI' | 'IP_ADDRESS';
  readonly matcher: { readonly exact: string };
}

export interface CertificateValidationContextWire {
  match_typed_subject_alt_names?: SubjectAltNameMatcherWire[];
  crl?: { filename: string };
}

export type TlsProtocolVersion = 'TLS_AUTO' | 'TLSv1_0' | 'TLSv1_1' | 'TLSv1_2' | 'TLSv1_3';

export interface CommonTlsContextWire {
  tls_params: { tls_minimum_protocol_version: TlsProtocolVersion; tls_maximum_protocol_version: TlsProtocolVersion; cipher_suites?: string[]; ecdh_curves?: string[] };
  alpn_protocols?: string[];
  tls_certificate_sds_secret_configs?: SdsSecretConfigWire[];
  /** Static validation only (an empty one when verification is skipped). */
  validation_context?: CertificateValidationContextWire;
  /** SAN checks here, trust anchors from SDS. */
  combined_validation_context?: { default_validation_context: CertificateValidationContextWire; validation_context_sds_secret_config: SdsSecretConfigWire };
}

/** envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext, unpacked. */
export interface UpstreamTlsContextWire {
  common_tls_context: CommonTlsContextWire;
  sni?: string;
}

export interface SlowStartWire {
  slow_start_window: ProtoDuration;
  aggression?: { default_value: number; runtime_key: string };
  min_weight_percent?: { value: number };
}

/** Envoy's default for every circuit-breaker threshold Istio leaves open (math.MaxUint32). */
export const MAX_UINT32 = 4294967295;
