/**
 * MeshConfig.ExtensionProvider: named back ends that Telemetry and
 * AuthorizationPolicy (CUSTOM) refer to by name: tracers, metrics sinks,
 * access log services and external authorizers.
 */
import { array, bool, duration, enumOf, int64, map, message, string, struct, uint32 } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';

const P = 'istio.mesh.v1alpha1.MeshConfig.ExtensionProvider';

export const ProviderHttpHeader = message(`${P}.HttpHeader`, { name: string(), value: string(), envName: string() },
  { oneofs: [['value', 'envName']] });

const RequestBody = message(`${P}.EnvoyExternalAuthorizationRequestBody`, {
  maxRequestBytes: uint32(), allowPartialMessage: bool(), packAsBytes: bool(),
});

export const EnvoyExternalAuthorizationHttpProvider = message(`${P}.EnvoyExternalAuthorizationHttpProvider`, {
  service: string(),
  port: uint32(),
  timeout: duration(),
  pathPrefix: string(),
  failOpen: bool(),
  statusOnError: string(),
  includeHeadersInCheck: array(string()),
  includeRequestHeadersInCheck: array(string()),
  includeAdditionalHeadersInCheck: map(string()),
  includeRequestBodyInCheck: RequestBody,
  headersToUpstreamOnAllow: array(string()),
  headersToDownstreamOnDeny: array(string()),
  headersToDownstreamOnAllow: array(string()),
  clearRouteCache: bool(),
}, { deprecated: { includeHeadersInCheck: 'use includeRequestHeadersInCheck' } });

export const EnvoyExternalAuthorizationGrpcProvider = message(`${P}.EnvoyExternalAuthorizationGrpcProvider`, {
  service: string(),
  port: uint32(),
  timeout: duration(),
  failOpen: bool(),
  statusOnError: string(),
  includeRequestBodyInCheck: RequestBody,
  clearRouteCache: bool(),
});

export const ZipkinTracingProvider = message(`${P}.ZipkinTracingProvider`, {
  service: string(),
  port: uint32(),
  maxTagLength: uint32(),
  enable64bitTraceId: bool(),
  path: string(),
  traceContextOption: enumOf(`${P}.ZipkinTracingProvider.TraceContextOption`, ['USE_B3', 'USE_B3_WITH_W3C_PROPAGATION']),
  timeout: duration(),
  headers: array(ProviderHttpHeader),
});

export const LightstepTracingProvider = message(`${P}.LightstepTracingProvider`, {
  service: string(), port: uint32(), accessToken: string(), maxTagLength: uint32(),
});
export const DatadogTracingProvider = message(`${P}.DatadogTracingProvider`, {
  service: string(), port: uint32(), maxTagLength: uint32(),
});

export const SkyWalkingTracingProvider = message(`${P}.SkyWalkingTracingProvider`, {
  service: string(), port: uint32(), accessToken: string(),
});

export const StackdriverProvider = message(`${P}.StackdriverProvider`, {
  debug: bool(),
  maxNumberOfAttributes: int64(),
  maxNumberOfAnnotations: int64(),
  maxNumberOfMessageEvents: int64(),
  maxTagLength: uint32(),
  logging: message(`${P}.StackdriverProvider.Logging`, { labels: map(string()) }),
}, { deprecated: { debug: 'no longer used' } });

export const OpenCensusAgentTracingProvider = message(`${P}.OpenCensusAgentTracingProvider`, {
  service: string(),
  port: uint32(),
  maxTagLength: uint32(),
  context: array(enumOf(`${P}.OpenCensusAgentTracingProvider.TraceContext`,
    ['UNSPECIFIED', 'W3C_TRACE_CONTEXT', 'GRPC_BIN', 'CLOUD_TRACE_CONTEXT', 'B3'])),
});

export const OpenTelemetryTracingProvider = message(`${P}.OpenTelemetryTracingProvider`, {
  service: string(),
  port: uint32(),
  maxTagLength: uint32(),
  http: message(`${P}.HttpService`, { path: string(), timeout: duration(), headers: array(ProviderHttpHeader) }),
  grpc: message(`${P}.GrpcService`, { timeout: duration(), initialMetadata: array(ProviderHttpHeader) }),
  resourceDetectors: message(`${P}.ResourceDetectors`, {
    environment: message(`${P}.ResourceDetectors.EnvironmentResourceDetector`, {}),
    dynatrace: message(`${P}.ResourceDetectors.DynatraceResourceDetector`, {}),
  }),
  dynatraceSampler: message(`${P}.OpenTelemetryTracingProvider.DynatraceSampler`, {
    tenant: string(),
    clusterId: int64(),
    httpService: struct(),
    rootSpansPerMinute: uint32(),
  }),
});

const LogFormat = (name: string) => message(name, { text: string(), labels: struct() }, { oneofs: [['text', 'labels']] });

export const EnvoyFileAccessLogProvider = message(`${P}.EnvoyFileAccessLogProvider`, {
  path: string(),
  logFormat: LogFormat(`${P}.EnvoyFileAccessLogProvider.LogFormat`),
});

export const EnvoyHttpGrpcV3LogProvider = message(`${P}.EnvoyHttpGrpcV3LogProvider`, {
  service: string(),
  port: uint32(),
  logName: string(),
  filterStateObjectsToLog: array(string()),
  additionalRequestHeadersToLog: array(string()),
  additionalResponseHeadersToLog: array(string()),
  additionalResponseTrailersToLog: array(string()),
});

export const EnvoyTcpGrpcV3LogProvider = message(`${P}.EnvoyTcpGrpcV3LogProvider`, {
  service: string(),
  port: uint32(),
  logName: string(),
  filterStateObjectsToLog: array(string()),
});

export const EnvoyOpenTelemetryLogProvider = message(`${P}.EnvoyOpenTelemetryLogProvider`, {
  service: string(),
  port: uint32(),
  logName: string(),
  logFormat: message(`${P}.EnvoyOpenTelemetryLogProvider.LogFormat`, { text: string(), labels: struct() }),
});

export const PROVIDER_KINDS = [
  'envoyExtAuthzHttp', 'envoyExtAuthzGrpc', 'zipkin', 'lightstep', 'datadog', 'stackdriver', 'opencensus',
  'skywalking', 'opentelemetry', 'prometheus', 'envoyFileAccessLog', 'envoyHttpAls', 'envoyTcpAls', 'envoyOtelAls', 'sds',
] as const;
export type ProviderKindName = typeof PROVIDER_KINDS[number];

export const ExtensionProvider = message(P, {
  name: string(),
  envoyExtAuthzHttp: EnvoyExternalAuthorizationHttpProvider,
  envoyExtAuthzGrpc: EnvoyExternalAuthorizationGrpcProvider,
  zipkin: ZipkinTracingProvider,
  lightstep: LightstepTracingProvider,
  datadog: DatadogTracingProvider,
  stackdriver: StackdriverProvider,
  opencensus: OpenCensusAgentTracingProvider,
  skywalking: SkyWalkingTracingProvider,
  opentelemetry: OpenTelemetryTracingProvider,
  prometheus: message(`${P}.PrometheusMetricsProvider`, {}),
  envoyFileAccessLog: EnvoyFileAccessLogProvider,
  envoyHttpAls: EnvoyHttpGrpcV3LogProvider,
  envoyTcpAls: EnvoyTcpGrpcV3LogProvider,
  envoyOtelAls: EnvoyOpenTelemetryLogProvider,
  sds: message(`${P}.SDSProvider`, { name: string(), service: string(), port: uint32() }),
}, { oneofs: [[...PROVIDER_KINDS]] });
export type ExtensionProvider = Infer<typeof ExtensionProvider>;
