/**
 * ProxyConfig (istio.mesh.v1alpha1.ProxyConfig): per-proxy settings, set
 * mesh-wide as MeshConfig.defaultConfig or per pod through the
 * `proxy.istio.io/config` annotation.
 */
import { array, bool, double, duration, enumOf, int32, int64, map, message, string, uint32 } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { ClientTLSSettings, TcpKeepalive } from '../networking/destination-rule.ts';
import { ReadinessProbe } from '../networking/workload-group.ts';

export const RemoteService = message('istio.mesh.v1alpha1.RemoteService', {
  address: string(),
  tlsSettings: ClientTLSSettings,
  tcpKeepalive: TcpKeepalive,
});

const TracingTagLiteral = message('istio.mesh.v1alpha1.Tracing.Literal', { value: string() });
const TracingTagEnvironment = message('istio.mesh.v1alpha1.Tracing.Environment', { name: string(), defaultValue: string() });
const TracingTagHeader = message('istio.mesh.v1alpha1.Tracing.RequestHeader', { name: string(), defaultValue: string() });
export const ProxyTracingCustomTag = message('istio.mesh.v1alpha1.Tracing.CustomTag', {
  literal: TracingTagLiteral,
  environment: TracingTagEnvironment,
  header: TracingTagHeader,
}, { oneofs: [['literal', 'environment', 'header']] });

export const ProxyTracing = message('istio.mesh.v1alpha1.Tracing', {
  zipkin: message('istio.mesh.v1alpha1.Tracing.Zipkin', { address: string() }),
  lightstep: message('istio.mesh.v1alpha1.Tracing.Lightstep', { address: string(), accessToken: string() }),
  datadog: message('istio.mesh.v1alpha1.Tracing.Datadog', { address: string() }),
  stackdriver: message('istio.mesh.v1alpha1.Tracing.Stackdriver', {
    debug: bool(), maxNumberOfAttributes: int64(), maxNumberOfAnnotations: int64(), maxNumberOfMessageEvents: int64(),
  }),
  openCensusAgent: message('istio.mesh.v1alpha1.Tracing.OpenCensusAgent', {
    address: string(),
    context: array(enumOf('istio.mesh.v1alpha1.Tracing.OpenCensusAgent.TraceContext',
      ['UNSPECIFIED', 'W3C_TRACE_CONTEXT', 'GRPC_BIN', 'CLOUD_TRACE_CONTEXT', 'B3'])),
  }),
  customTags: map(ProxyTracingCustomTag),
  maxPathTagLength: uint32(),
  /** Percent of requests traced, 0.0..100.0 (default 1.0). */
  sampling: double(),
  tlsSettings: ClientTLSSettings,
  enableIstioTags: bool(),
}, { oneofs: [['zipkin', 'lightstep', 'datadog', 'stackdriver', 'openCensusAgent']] });
export type ProxyTracing = Infer<typeof ProxyTracing>;

const ForwardClientCertDetails = enumOf('istio.mesh.v1alpha1.Topology.ForwardClientCertDetails',
  ['UNDEFINED', 'SANITIZE', 'FORWARD_ONLY', 'APPEND_FORWARD', 'SANITIZE_SET', 'ALWAYS_FORWARD_ONLY']);

export const Topology = message('istio.mesh.v1alpha1.Topology', {
  numTrustedProxies: uint32(),
  forwardClientCertDetails: ForwardClientCertDetails,
  proxyProtocol: message('istio.mesh.v1alpha1.Topology.ProxyProtocolConfiguration', {}),
});

const Disable = (name: string) => message(name, { disabled: bool() });

export const ProxyHeaders = message('istio.mesh.v1alpha1.ProxyConfig.ProxyHeaders', {
  forwardedClientCert: ForwardClientCertDetails,
  setCurrentClientCertDetails: message('istio.mesh.v1alpha1.ProxyConfig.ProxyHeaders.SetCurrentClientCertDetails', {
    subject: bool(), cert: bool(), chain: bool(), dns: bool(), uri: bool(),
  }),
  requestId: Disable('istio.mesh.v1alpha1.ProxyConfig.ProxyHeaders.RequestId'),
  server: message('istio.mesh.v1alpha1.ProxyConfig.ProxyHeaders.Server', { disabled: bool(), value: string() }),
  attemptCount: Disable('istio.mesh.v1alpha1.ProxyConfig.ProxyHeaders.AttemptCount'),
  envoyDebugHeaders: Disable('istio.mesh.v1alpha1.ProxyConfig.ProxyHeaders.EnvoyDebugHeaders'),
  metadataExchangeHeaders: message('istio.mesh.v1alpha1.ProxyConfig.ProxyHeaders.MetadataExchangeHeaders', {
    mode: enumOf('istio.mesh.v1alpha1.ProxyConfig.ProxyHeaders.MetadataExchangeMode', ['UNDEFINED', 'IN_MESH']),
  }),
  preserveHttp1HeaderCase: bool(),
  xForwardedHost: message('istio.mesh.v1alpha1.ProxyConfig.ProxyHeaders.XForwardedHost', { enabled: bool() }),
  xForwardedPort: message('istio.mesh.v1alpha1.ProxyConfig.ProxyHeaders.XForwardedPort', { enabled: bool() }),
});

const PrivateKeyProviderConfig = (name: string) => message(name, { pollDelay: duration(), fallback: bool() });

export const ProxyConfig = message('istio.mesh.v1alpha1.ProxyConfig', {
  configPath: string(),
  binaryPath: string(),
  serviceCluster: string(),
  tracingServiceName: enumOf('istio.mesh.v1alpha1.ProxyConfig.TracingServiceName',
    ['APP_LABEL_AND_NAMESPACE', 'CANONICAL_NAME_ONLY', 'CANONICAL_NAME_AND_NAMESPACE']),
  drainDuration: duration(),
  parentShutdownDuration: duration(),
  discoveryAddress: string(),
  discoveryRefreshDelay: duration(),
  zipkinAddress: string(),
  statsdUdpAddress: string(),
  envoyMetricsServiceAddress: string(),
  proxyAdminPort: int32(),
  availabilityZone: string(),
  controlPlaneAuthPolicy: enumOf('istio.mesh.v1alpha1.AuthenticationPolicy', ['NONE', 'MUTUAL_TLS', 'INHERIT']),
  customConfigFile: string(),
  statNameLength: int32(),
  concurrency: int32(),
  proxyBootstrapTemplatePath: string(),
  interceptionMode: enumOf('istio.mesh.v1alpha1.ProxyConfig.InboundInterceptionMode', ['REDIRECT', 'TPROXY', 'NONE']),
  tracing: ProxyTracing,
  sds: message('istio.mesh.v1alpha1.SDS', { enabled: bool(), k8sSaJwtPath: string() }),
  envoyAccessLogService: RemoteService,
  envoyMetricsService: RemoteService,
  proxyMetadata: map(string()),
  runtimeValues: map(string()),
  statusPort: int32(),
  extraStatTags: array(string()),
  gatewayTopology: Topology,
  terminationDrainDuration: duration(),
  meshId: string(),
  /** VM health check (istio.networking.v1alpha3.ReadinessProbe, as in WorkloadGroup), not a Kubernetes Probe. */
  readinessProbe: ReadinessProbe,
  proxyStatsMatcher: message('istio.mesh.v1alpha1.ProxyConfig.ProxyStatsMatcher', {
    inclusionPrefixes: array(string()), inclusionSuffixes: array(string()), inclusionRegexps: array(string()),
  }),
  holdApplicationUntilProxyStarts: bool(),
  caCertificatesPem: array(string()),
  image: message('istio.networking.v1beta1.ProxyImage', { imageType: string() }),
  privateKeyProvider: message('istio.mesh.v1alpha1.PrivateKeyProvider', {
    cryptomb: PrivateKeyProviderConfig('istio.mesh.v1alpha1.PrivateKeyProvider.CryptoMb'),
    qat: PrivateKeyProviderConfig('istio.mesh.v1alpha1.PrivateKeyProvider.QAT'),
  }, { oneofs: [['cryptomb', 'qat']] }),
  proxyHeaders: ProxyHeaders,
  fileFlushInterval: duration(),
  fileFlushMinSizeKb: uint32(),
}, {
  oneofs: [['serviceCluster', 'tracingServiceName']],
  deprecated: {
    parentShutdownDuration: 'removed from Envoy; use terminationDrainDuration',
    discoveryRefreshDelay: 'no longer used',
    zipkinAddress: 'use tracing.zipkin.address',
    envoyMetricsServiceAddress: 'use envoyMetricsService',
    availabilityZone: 'no longer used',
    sds: 'SDS is always on',
  },
});
export type ProxyConfig = Infer<typeof ProxyConfig>;
