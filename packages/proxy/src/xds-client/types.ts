/**
 * The validated xDS resources the proxy runs on (camelCase, defaults applied,
 * durations in ms), and the snapshot the xDS client publishes. Produced only
 * by the parsers in resource-types/; the listener and cluster managers trust
 * them. Route configurations are route-table's RouteTableConfig.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { JsonValue } from '@skiff/api/envoy/struct.ts';
import type { RouteTableConfig } from '../http/route-table/index.ts';
import type { SecretConfig } from '../transport-sockets/tls/config.ts';

export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

/** A typed_config this layer does not interpret (yet): its name and type URL, and the decoded message for the component that will. */
export interface TypedExtensionRef {
  readonly name: string;
  readonly typeUrl: string;
  readonly config: WireMessage;
}

// ── LDS ──────────────────────────────────────────────────────────────────
export interface CidrRangeConfig {
  readonly addressPrefix: string;
  readonly prefixLen: number;
}

export interface FilterChainMatchConfig {
  readonly destinationPort: number | undefined;
  readonly prefixRanges: readonly CidrRangeConfig[];
  readonly sourcePrefixRanges: readonly CidrRangeConfig[];
  readonly sourcePorts: readonly number[];
  readonly serverNames: readonly string[];
  /** `''` (any), `raw_buffer` or `tls`. */
  readonly transportProtocol: string;
  readonly applicationProtocols: readonly string[];
}

export interface HttpFilterRefConfig extends TypedExtensionRef {
  readonly isOptional: boolean;
}

export interface HttpConnectionManagerConfig {
  readonly kind: 'http_connection_manager';
  readonly name: string;
  readonly statPrefix: string;
  /** RDS by name, or the inline route_config. */
  readonly route: { readonly rds: string } | { readonly inline: RouteTableConfig };
  readonly httpFilters: readonly HttpFilterRefConfig[];
  /** The whole decoded HttpConnectionManager, for the settings the network filter parses itself (server_name, use_remote_address, ...). */
  readonly config: WireMessage;
}

export interface TcpProxyConfig {
  readonly kind: 'tcp_proxy';
  readonly name: string;
  readonly statPrefix: string;
  readonly cluster: { readonly name: string } | { readonly weighted: readonly { readonly name: string; readonly weight: number }[] };
  /** Envoy's default: 1 hour. 0 disables. */
  readonly idleTimeoutMs: number;
  /** The decoded access_log entries (the access-log module parses them). */
  readonly accessLog?: unknown;
}

export interface OpaqueNetworkFilterConfig {
  readonly kind: 'opaque';
  readonly name: string;
  readonly typeUrl: string;
  readonly config: WireMessage;
}

export type NetworkFilterConfig = HttpConnectionManagerConfig | TcpProxyConfig | OpaqueNetworkFilterConfig;

export interface FilterChainConfig {
  readonly name: string;
  readonly match: FilterChainMatchConfig;
  readonly filters: readonly NetworkFilterConfig[];
  readonly transportSocket: TypedExtensionRef | undefined;
}

export interface ListenerConfig {
  readonly name: string;
  readonly address: SocketAddress;
  readonly bindToPort: boolean;
  readonly useOriginalDst: boolean;
  readonly trafficDirection: 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND';
  readonly listenerFilters: readonly TypedExtensionRef[];
  readonly filterChains: readonly FilterChainConfig[];
  readonly defaultFilterChain: FilterChainConfig | undefined;
  /** Every RDS name the listener's HCMs use: what it waits for while warming. */
  readonly routeConfigNames: readonly string[];
}

// ── CDS / EDS ────────────────────────────────────────────────────────────
export type DiscoveryType = 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'EDS' | 'ORIGINAL_DST';
export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RING_HASH' | 'RANDOM' | 'MAGLEV' | 'CLUSTER_PROVIDED' | 'LOAD_BALANCING_POLICY_CONFIG';
export type HealthStatus = 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' | 'TIMEOUT' | 'DEGRADED';

export interface LbEndpointConfig {
  readonly address: SocketAddress;
  readonly hostname: string;
  readonly healthStatus: HealthStatus;
  /** Default 1. */
  readonly loadBalancingWeight: number;
  /** metadata.filter_metadata['envoy.transport_socket_match'] as JSON (transport socket matching). */
  readonly transportSocketMatchMetadata?: Readonly<Record<string, JsonValue>>;
}

export interface LocalityLbEndpointsConfig {
  readonly locality: { readonly region: string; readonly zone: string; readonly subZone: string };
  readonly priority: number;
  readonly loadBalancingWeight: number | undefined;
  readonly lbEndpoints: readonly LbEndpointConfig[];
}

export interface EndpointsConfig {
  readonly clusterName: string;
  readonly localities: readonly LocalityLbEndpointsConfig[];
  /** Percent; Envoy's default 140. */
  readonly overprovisioningFactor: number;
}

export type DnsLookupFamily = 'AUTO' | 'V4_ONLY' | 'V6_ONLY' | 'V4_PREFERRED' | 'ALL';

/** How a cluster finds hosts at run time: ORIGINAL_DST's lb config, DNS settings, upstream_bind_config (parsed in upstream/cluster-discovery.ts). */
export interface ClusterDiscoveryConfig {
  /** ORIGINAL_DST: original_dst_lb_config and cleanup_interval (Envoy's default 5 s). */
  readonly originalDst: { readonly useHttpHeader: boolean; readonly httpHeaderName: string; readonly upstreamPortOverride: number | undefined; readonly cleanupIntervalMs: number } | undefined;
  /** STRICT_DNS / LOGICAL_DNS: dns_refresh_rate (default 5 s), respect_dns_ttl, dns_lookup_family (default AUTO). */
  readonly dns: { readonly refreshRateMs: number; readonly respectDnsTtl: boolean; readonly lookupFamily: DnsLookupFamily } | undefined;
  /** upstream_bind_config.source_address.address. */
  readonly upstreamBindAddress: string | undefined;
}

export interface ClusterConfig {
  readonly name: string;
  readonly type: DiscoveryType;
  readonly discovery: ClusterDiscoveryConfig;
  /** EDS: the ClusterLoadAssignment name it waits for (eds_cluster_config.service_name, else the cluster name). */
  readonly edsServiceName: string | undefined;
  readonly connectTimeoutMs: number;
  readonly lbPolicy: LbPolicy;
  /** STATIC / STRICT_DNS / LOGICAL_DNS: the inline load_assignment. */
  readonly loadAssignment: EndpointsConfig | undefined;
  readonly transportSocket: TypedExtensionRef | undefined;
  /** transport_socket_matches, decoded; parsed by transport-sockets/transport-socket-config.ts. */
  readonly transportSocketMatches?: readonly WireMessage[];
  /** Parsed by the upstream components that own them (circuit breakers, outlier detection, LB policy). */
  readonly circuitBreakers: WireMessage | undefined;
  readonly outlierDetection: WireMessage | undefined;
  /** health_checks, parsed by upstream/health-check. */
  readonly healthChecks: readonly WireMessage[];
  /** Always the typed form: a legacy lb_policy (+ *_lb_config) is converted to load_balancing_policy at decode. */
  readonly loadBalancingPolicy: WireMessage;
  readonly commonLbConfig: WireMessage | undefined;
  /** Parsed by upstream/conn-pool/http-protocol-options.ts (HTTP/1.1 or HTTP/2 upstream). */
  readonly typedExtensionProtocolOptions: WireMessage | undefined;
}

// ── Snapshot ─────────────────────────────────────────────────────────────
/** One accepted resource: its validated config, the wire form (for /config_dump), version and when it was applied. */
export interface ResourceEntry<C> {
  readonly name: string;
  readonly config: C;
  readonly wire: WireMessage;
  readonly version: string;
  readonly lastUpdatedMs: number;
}

/** What the data path builds from. Frozen; a new snapshot replaces it on every change. */
export interface XdsSnapshot {
  /** Active listeners (warm: all their route configs arrived, or the initial fetch timeout passed). */
  readonly listeners: ReadonlyMap<string, ResourceEntry<ListenerConfig>>;
  readonly routes: ReadonlyMap<string, ResourceEntry<RouteTableConfig>>;
  /** Active clusters (warm: an EDS cluster's endpoints arrived, or the initial fetch timeout passed). */
  readonly clusters: ReadonlyMap<string, ResourceEntry<ClusterConfig>>;
  /** By ClusterLoadAssignment name (the EDS service name). */
  readonly endpoints: ReadonlyMap<string, ResourceEntry<EndpointsConfig>>;
  /** SDS secrets received over ADS, by name (absent: none). */
  readonly secrets?: ReadonlyMap<string, ResourceEntry<SecretConfig>>;
  readonly warmingListeners: ReadonlyMap<string, ResourceEntry<ListenerConfig>>;
  readonly warmingClusters: ReadonlyMap<string, ResourceEntry<ClusterConfig>>;
  /** True once the initial CDS/EDS and LDS/RDS fetches completed (or timed out): Envoy's LIVE. */
  readonly initialized: boolean;
}
