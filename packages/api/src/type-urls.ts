/**
 * Every type URL Skiff speaks: the xDS resource types a proxy subscribes to,
 * and the typed_config payloads (HTTP and network filters, listener filters,
 * transport sockets, load-balancing policies, wrappers) Istio emits inside
 * them. Code everywhere else refers to `TypeUrl.X`, never to a string literal,
 * so a misspelt URL fails to type-check. Each value names a message that the
 * Envoy protos shipped in @grpc/grpc-js-xds define (checked by
 * envoy/resource-codec.test.ts).
 */
const PREFIX = 'type.googleapis.com/';

export const TypeUrl = {
  // xDS resource types (LDS, RDS, CDS, EDS, SDS, SRDS, VHDS, ECDS)
  Listener: `${PREFIX}envoy.config.listener.v3.Listener`,
  RouteConfiguration: `${PREFIX}envoy.config.route.v3.RouteConfiguration`,
  Cluster: `${PREFIX}envoy.config.cluster.v3.Cluster`,
  ClusterLoadAssignment: `${PREFIX}envoy.config.endpoint.v3.ClusterLoadAssignment`,
  Secret: `${PREFIX}envoy.extensions.transport_sockets.tls.v3.Secret`,
  ScopedRouteConfiguration: `${PREFIX}envoy.config.route.v3.ScopedRouteConfiguration`,
  VirtualHost: `${PREFIX}envoy.config.route.v3.VirtualHost`,
  TypedExtensionConfig: `${PREFIX}envoy.config.core.v3.TypedExtensionConfig`,

  // network filters
  HttpConnectionManager: `${PREFIX}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
  TcpProxy: `${PREFIX}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`,
  NetworkRbac: `${PREFIX}envoy.extensions.filters.network.rbac.v3.RBAC`,
  NetworkLocalRateLimit: `${PREFIX}envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit`,
  SniCluster: `${PREFIX}envoy.extensions.filters.network.sni_cluster.v3.SniCluster`,

  // HTTP filters and their per-route configs
  Router: `${PREFIX}envoy.extensions.filters.http.router.v3.Router`,
  HttpFault: `${PREFIX}envoy.extensions.filters.http.fault.v3.HTTPFault`,
  HttpRbac: `${PREFIX}envoy.extensions.filters.http.rbac.v3.RBAC`,
  HttpRbacPerRoute: `${PREFIX}envoy.extensions.filters.http.rbac.v3.RBACPerRoute`,
  JwtAuthentication: `${PREFIX}envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication`,
  JwtPerRoute: `${PREFIX}envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig`,
  LocalRateLimit: `${PREFIX}envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit`,
  Cors: `${PREFIX}envoy.extensions.filters.http.cors.v3.Cors`,
  CorsPolicy: `${PREFIX}envoy.extensions.filters.http.cors.v3.CorsPolicy`,
  GrpcStats: `${PREFIX}envoy.extensions.filters.http.grpc_stats.v3.FilterConfig`,
  /** Istio's istio.stats (HTTP and network filter): the standard metrics. */
  IstioStats: `${PREFIX}stats.PluginConfig`,
  /** Istio's istio.metadata_exchange HTTP filter. */
  IstioPeerMetadata: `${PREFIX}io.istio.http.peer_metadata.Config`,

  // listener filters
  TlsInspector: `${PREFIX}envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector`,
  HttpInspector: `${PREFIX}envoy.extensions.filters.listener.http_inspector.v3.HttpInspector`,
  OriginalDst: `${PREFIX}envoy.extensions.filters.listener.original_dst.v3.OriginalDst`,

  // transport sockets, upstream protocol options, access logs
  UpstreamTlsContext: `${PREFIX}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`,
  DownstreamTlsContext: `${PREFIX}envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext`,
  RawBuffer: `${PREFIX}envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer`,
  HttpProtocolOptions: `${PREFIX}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
  FileAccessLog: `${PREFIX}envoy.extensions.access_loggers.file.v3.FileAccessLog`,
  StdoutAccessLog: `${PREFIX}envoy.extensions.access_loggers.stream.v3.StdoutAccessLog`,
  StderrAccessLog: `${PREFIX}envoy.extensions.access_loggers.stream.v3.StderrAccessLog`,
  AggregateClusterConfig: `${PREFIX}envoy.extensions.clusters.aggregate.v3.ClusterConfig`,

  // load-balancing policies (Cluster.load_balancing_policy)
  RoundRobin: `${PREFIX}envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin`,
  LeastRequest: `${PREFIX}envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest`,
  Random: `${PREFIX}envoy.extensions.load_balancing_policies.random.v3.Random`,
  RingHash: `${PREFIX}envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash`,
  Maglev: `${PREFIX}envoy.extensions.load_balancing_policies.maglev.v3.Maglev`,
  WrrLocality: `${PREFIX}envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality`,
  PickFirst: `${PREFIX}envoy.extensions.load_balancing_policies.pick_first.v3.PickFirst`,

  // retry extensions (RetryPolicy.retry_host_predicate / retry_priority)
  PreviousHostsPredicate: `${PREFIX}envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate`,
  PreviousPrioritiesConfig: `${PREFIX}envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig`,

  // envelopes
  UdpaTypedStruct: `${PREFIX}udpa.type.v1.TypedStruct`,
  XdsTypedStruct: `${PREFIX}xds.type.v3.TypedStruct`,
  /** google.protobuf.Struct: Istio's x-envoy-peer-metadata header carries one, base64-encoded. */
  Struct: `${PREFIX}google.protobuf.Struct`,
} as const;

export type TypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

/** The xDS resource types a proxy can subscribe to, in the order Envoy needs them on a push. */
export const XDS_RESOURCE_TYPES = [
  TypeUrl.Cluster,
  TypeUrl.ClusterLoadAssignment,
  TypeUrl.Listener,
  TypeUrl.RouteConfiguration,
  TypeUrl.ScopedRouteConfiguration,
  TypeUrl.VirtualHost,
  TypeUrl.Secret,
  TypeUrl.TypedExtensionConfig,
] as const satisfies readonly TypeUrl[];

export type XdsResourceType = (typeof XDS_RESOURCE_TYPES)[number];

/** Istio's short name for a resource type, used in metric labels and `proxy-status` columns. */
export const XDS_SHORT_NAMES: Readonly<Record<XdsResourceType, string>> = {
  [TypeUrl.Cluster]: 'cds',
  [TypeUrl.ClusterLoadAssignment]: 'eds',
  [TypeUrl.Listener]: 'lds',
  [TypeUrl.RouteConfiguration]: 'rds',
  [TypeUrl.ScopedRouteConfiguration]: 'srds',
  [TypeUrl.VirtualHost]: 'vhds',
  [TypeUrl.Secret]: 'sds',
  [TypeUrl.TypedExtensionConfig]: 'ecds',
};

/** The message name inside a type URL: `type.googleapis.com/a.b.C` → `a.b.C`. */
export function messageNameOf(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}
