/**
 * networking.istio.io DestinationRule (istio.networking.v1alpha3.DestinationRule):
 * what happens to traffic for a host after routing: load balancing, connection
 * pool limits, outlier detection, client TLS, and named subsets. Field list
 * follows Istio's destination_rule.proto.
 */
import { array, bool, double, duration, enumOf, int32, map, message, string, uint32, uint64 } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';
import { PortSelector, DestinationRuleWorkloadSelector } from './common.ts';

export const SimpleLB = enumOf('istio.networking.v1alpha3.LoadBalancerSettings.SimpleLB',
  ['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST']);

export const RingHash = message('istio.networking.v1alpha3.LoadBalancerSettings.ConsistentHashLB.RingHash', {
  minimumRingSize: uint64(),
});

export const MagLev = message('istio.networking.v1alpha3.LoadBalancerSettings.ConsistentHashLB.MagLev', {
  /** A prime below 5000011; Envoy's default is 65537. */
  tableSize: uint64(),
});

export const HTTPCookie = message('istio.networking.v1alpha3.LoadBalancerSettings.ConsistentHashLB.HTTPCookie', {
  name: string(),
  path: string(),
  ttl: duration(),
  /** Extra Set-Cookie attributes for a generated cookie, e.g. {name: SameSite, value: Strict}. */
  attributes: array(message('istio.networking.v1alpha3.LoadBalancerSettings.ConsistentHashLB.HTTPCookie.Attribute', {
    name: string(),
    value: string(),
  })),
});
export type HTTPCookie = Infer<typeof HTTPCookie>;

export const ConsistentHashLB = message('istio.networking.v1alpha3.LoadBalancerSettings.ConsistentHashLB', {
  httpHeaderName: string(),
  httpCookie: HTTPCookie,
  useSourceIp: bool(),
  httpQueryParameterName: string(),
  ringHash: RingHash,
  maglev: MagLev,
  minimumRingSize: uint64(),
}, {
  oneofs: [['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'], ['ringHash', 'maglev']],
  deprecated: { minimumRingSize: 'use ringHash.minimumRingSize instead' },
});
export type ConsistentHashLB = Infer<typeof ConsistentHashLB>;

export const LocalityDistribute = message('istio.networking.v1alpha3.LocalityLoadBalancerSetting.Distribute', {
  from: string(),
  to: map(uint32()),
});

export const LocalityFailover = message('istio.networking.v1alpha3.LocalityLoadBalancerSetting.Failover', {
  from: string(),
  to: string(),
});

export const LocalityLoadBalancerSetting = message('istio.networking.v1alpha3.LocalityLoadBalancerSetting', {
  distribute: array(LocalityDistribute),
  failover: array(LocalityFailover),
  failoverPriority: array(string()),
  enabled: bool(),
});
export type LocalityLoadBalancerSetting = Infer<typeof LocalityLoadBalancerSetting>;

export const WarmupConfiguration = message('istio.networking.v1alpha3.WarmupConfiguration', {
  duration: duration(),
  /** 0..100. */
  minimumPercent: double(),
  /** ≥ 1 per Envoy's slow start; Istio's CRD allows ≥ 0. */
  aggression: double(),
});
export type WarmupConfiguration = Infer<typeof WarmupConfiguration>;

export const LoadBalancerSettings = message('istio.networking.v1alpha3.LoadBalancerSettings', {
  simple: SimpleLB,
  consistentHash: ConsistentHashLB,
  localityLbSetting: LocalityLoadBalancerSetting,
  warmupDurationSecs: duration(),
  warmup: WarmupConfiguration,
}, {
  oneofs: [['simple', 'consistentHash']],
  deprecated: { warmupDurationSecs: 'use warmup.duration instead' },
});
export type LoadBalancerSettings = Infer<typeof LoadBalancerSettings>;

export const TcpKeepalive = message('istio.networking.v1alpha3.ConnectionPoolSettings.TCPSettings.TcpKeepalive', {
  probes: uint32(),
  time: duration(),
  interval: duration(),
});

export const TCPSettings = message('istio.networking.v1alpha3.ConnectionPoolSettings.TCPSettings', {
  maxConnections: int32(),
  connectTimeout: duration(),
  tcpKeepalive: TcpKeepalive,
  maxConnectionDuration: duration(),
  idleTimeout: duration(),
});
export type TCPSettings = Infer<typeof TCPSettings>;

export const H2UpgradePolicy = enumOf('istio.networking.v1alpha3.ConnectionPoolSettings.HTTPSettings.H2UpgradePolicy',
  ['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']);

export const HTTPSettings = message('istio.networking.v1alpha3.ConnectionPoolSettings.HTTPSettings', {
  http1MaxPendingRequests: int32(),
  http2MaxRequests: int32(),
  maxRequestsPerConnection: int32(),
  maxRetries: int32(),
  idleTimeout: duration(),
  h2UpgradePolicy: H2UpgradePolicy,
  useClientProtocol: bool(),
  maxConcurrentStreams: int32(),
});
export type HTTPSettings = Infer<typeof HTTPSettings>;

export const ConnectionPoolSettings = message('istio.networking.v1alpha3.ConnectionPoolSettings', {
  tcp: TCPSettings,
  http: HTTPSettings,
});
export type ConnectionPoolSettings = Infer<typeof ConnectionPoolSettings>;

export const OutlierDetection = message('istio.networking.v1alpha3.OutlierDetection', {
  consecutiveErrors: int32(),
  splitExternalLocalOriginErrors: bool(),
  consecutiveLocalOriginFailures: uint32(),
  consecutiveGatewayErrors: uint32(),
  consecutive5xxErrors: uint32(),
  interval: duration(),
  baseEjectionTime: duration(),
  maxEjectionPercent: int32(),
  minHealthPercent: int32(),
});  // consecutiveErrors' deprecation is warned by validate/networking/traffic-policy.ts, in Istio's words
export type OutlierDetection = Infer<typeof OutlierDetection>;

export const ClientTLSMode = enumOf('istio.networking.v1alpha3.ClientTLSSettings.TLSmode',
  ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']);

export const ClientTLSSettings = message('istio.networking.v1alpha3.ClientTLSSettings', {
  mode: ClientTLSMode,
  clientCertificate: string(),
  privateKey: string(),
  caCertificates: string(),
  credentialName: string(),
  subjectAltNames: array(string()),
  sni: string(),
  insecureSkipVerify: bool(),
  caCrl: string(),
});
export type ClientTLSSettings = Infer<typeof ClientTLSSettings>;

export const PortTrafficPolicy = message('istio.networking.v1alpha3.TrafficPolicy.PortTrafficPolicy', {
  port: PortSelector,
  loadBalancer: LoadBalancerSettings,
  connectionPool: ConnectionPoolSettings,
  outlierDetection: OutlierDetection,
  tls: ClientTLSSettings,
});
export type PortTrafficPolicy = Infer<typeof PortTrafficPolicy>;

export const TunnelSettings = message('istio.networking.v1alpha3.TrafficPolicy.TunnelSettings', {
  /** CONNECT (default) or POST. */
  protocol: string(),
  targetHost: string(),
  targetPort: uint32(),
});
export type TunnelSettings = Infer<typeof TunnelSettings>;

export const ProxyProtocol = message('istio.networking.v1alpha3.TrafficPolicy.ProxyProtocol', {
  version: enumOf('istio.networking.v1alpha3.TrafficPolicy.ProxyProtocol.VERSION', ['V1', 'V2']),
});
export type ProxyProtocol = Infer<typeof ProxyProtocol>;

export const RetryBudget = message('istio.networking.v1alpha3.TrafficPolicy.RetryBudget', {
  /** Share of active requests that may be retries, 0..100 (Envoy's default 20). */
  percent: double(),
  minRetryConcurrency: uint32(),
});
export type RetryBudget = Infer<typeof RetryBudget>;

const CIRCUIT_BREAKER_HINT =
  'Istio has no circuitBreaker field: use outlierDetection (consecutive5xxErrors, interval, baseEjectionTime, maxEjectionPercent) ' +
  'to eject failing hosts, and connectionPool (tcp.maxConnections, http.http1MaxPendingRequests, http.maxRequestsPerConnection) to limit load';

export const TrafficPolicy = message('istio.networking.v1alpha3.TrafficPolicy', {
  loadBalancer: LoadBalancerSettings,
  connectionPool: ConnectionPoolSettings,
  outlierDetection: OutlierDetection,
  tls: ClientTLSSettings,
  portLevelSettings: array(PortTrafficPolicy),
  tunnel: TunnelSettings,
  proxyProtocol: ProxyProtocol,
  retryBudget: RetryBudget,
}, {
  misspellings: {
    circuitBreaker: CIRCUIT_BREAKER_HINT,
    circuitBreakers: CIRCUIT_BREAKER_HINT,
    circuit_breaker: CIRCUIT_BREAKER_HINT,
    loadBalancing: 'did you mean "loadBalancer"?',
    retries: 'retries are set per route in a VirtualService (spec.http[].retries); a DestinationRule can only cap them with connectionPool.http.maxRetries or retryBudget',
    timeout: 'request timeouts are set per route in a VirtualService (spec.http[].timeout); the connect timeout is connectionPool.tcp.connectTimeout',
  },
});
export type TrafficPolicy = Infer<typeof TrafficPolicy>;

export const Subset = message('istio.networking.v1alpha3.Subset', {
  name: string(),
  labels: map(string()),
  trafficPolicy: TrafficPolicy,
});
export type Subset = Infer<typeof Subset>;

export const DestinationRuleSpec = message('istio.networking.v1alpha3.DestinationRule', {
  host: string(),
  trafficPolicy: TrafficPolicy,
  subsets: array(Subset),
  exportTo: array(string()),
  workloadSelector: DestinationRuleWorkloadSelector,
});
export type DestinationRuleSpec = Infer<typeof DestinationRuleSpec>;
export type DestinationRule = SpecResource<DestinationRuleSpec>;

export const DestinationRuleKind: KindDefinition = {
  group: 'networking.istio.io',
  kind: 'DestinationRule',
  versions: ['v1', 'v1beta1', 'v1alpha3'],
  plural: 'destinationrules',
  shortNames: ['dr'],
  namespaced: true,
  schema: specEnvelope('networking.istio.io.DestinationRule', DestinationRuleSpec),
};
