/**
 * telemetry.istio.io Telemetry (istio.telemetry.v1alpha1.Telemetry): per-mesh,
 * per-namespace or per-workload tracing, metrics and access logging, each
 * bound to providers declared in MeshConfig.extensionProviders.
 */
import { array, bool, double, duration, enumOf, map, message, string } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';
import { PolicyTargetReference, WorkloadSelector } from '../type.ts';

export const TelemetryProviderRef = message('istio.telemetry.v1alpha1.ProviderRef', { name: string() });
export type TelemetryProviderRef = Infer<typeof TelemetryProviderRef>;

export const WorkloadMode = enumOf('istio.telemetry.v1alpha1.WorkloadMode', ['CLIENT_AND_SERVER', 'CLIENT', 'SERVER']);
export type WorkloadMode = Infer<typeof WorkloadMode>;

export const TracingSelector = message('istio.telemetry.v1alpha1.Tracing.TracingSelector', { mode: WorkloadMode });

export const TracingLiteral = message('istio.telemetry.v1alpha1.Tracing.Literal', { value: string() });
export const TracingEnvironment = message('istio.telemetry.v1alpha1.Tracing.Environment', { name: string(), defaultValue: string() });
export const TracingRequestHeader = message('istio.telemetry.v1alpha1.Tracing.RequestHeader', { name: string(), defaultValue: string() });

export const TracingCustomTag = message('istio.telemetry.v1alpha1.Tracing.CustomTag', {
  literal: TracingLiteral,
  environment: TracingEnvironment,
  header: TracingRequestHeader,
}, { oneofs: [['literal', 'environment', 'header']] });
export type TracingCustomTag = Infer<typeof TracingCustomTag>;

export const Tracing = message('istio.telemetry.v1alpha1.Tracing', {
  match: TracingSelector,
  providers: array(TelemetryProviderRef),
  /** Percent, 0..100 in 0.01 steps (google.protobuf.DoubleValue). */
  randomSamplingPercentage: double(),
  disableSpanReporting: bool(),
  customTags: map(TracingCustomTag),
  useRequestIdForTraceSampling: bool(),
});
export type Tracing = Infer<typeof Tracing>;

export const IstioMetric = enumOf('istio.telemetry.v1alpha1.MetricSelector.IstioMetric', [
  'ALL_METRICS', 'REQUEST_COUNT', 'REQUEST_DURATION', 'REQUEST_SIZE', 'RESPONSE_SIZE',
  'TCP_OPENED_CONNECTIONS', 'TCP_CLOSED_CONNECTIONS', 'TCP_SENT_BYTES', 'TCP_RECEIVED_BYTES',
  'GRPC_REQUEST_MESSAGES', 'GRPC_RESPONSE_MESSAGES',
]);
export type IstioMetric = Infer<typeof IstioMetric>;

export const MetricSelector = message('istio.telemetry.v1alpha1.MetricSelector', {
  metric: IstioMetric,
  customMetric: string(),
  mode: WorkloadMode,
}, { oneofs: [['metric', 'customMetric']] });
export type MetricSelector = Infer<typeof MetricSelector>;

export const TagOverrideOperation = enumOf('istio.telemetry.v1alpha1.MetricsOverrides.TagOverride.Operation', ['UPSERT', 'REMOVE']);

export const TagOverride = message('istio.telemetry.v1alpha1.MetricsOverrides.TagOverride', {
  operation: TagOverrideOperation,
  /** A CEL expression over Envoy attributes; only read for UPSERT. */
  value: string(),
});
export type TagOverride = Infer<typeof TagOverride>;

export const MetricsOverrides = message('istio.telemetry.v1alpha1.MetricsOverrides', {
  match: MetricSelector,
  disabled: bool(),
  tagOverrides: map(TagOverride),
});
export type MetricsOverrides = Infer<typeof MetricsOverrides>;

export const Metrics = message('istio.telemetry.v1alpha1.Metrics', {
  providers: array(TelemetryProviderRef),
  overrides: array(MetricsOverrides),
  reportingInterval: duration(),
});
export type Metrics = Infer<typeof Metrics>;

export const AccessLoggingLogSelector = message('istio.telemetry.v1alpha1.AccessLogging.LogSelector', { mode: WorkloadMode });
export const AccessLoggingFilter = message('istio.telemetry.v1alpha1.AccessLogging.Filter', {
  /** CEL, e.g. `response.code >= 400`. */
  expression: string(),
});

export const AccessLogging = message('istio.telemetry.v1alpha1.AccessLogging', {
  match: AccessLoggingLogSelector,
  providers: array(TelemetryProviderRef),
  disabled: bool(),
  filter: AccessLoggingFilter,
});
export type AccessLogging = Infer<typeof AccessLogging>;

export const TelemetrySpec = message('istio.telemetry.v1alpha1.Telemetry', {
  selector: WorkloadSelector,
  targetRef: PolicyTargetReference,
  targetRefs: array(PolicyTargetReference),
  tracing: array(Tracing),
  metrics: array(Metrics),
  accessLogging: array(AccessLogging),
});
export type TelemetrySpec = Infer<typeof TelemetrySpec>;
export type Telemetry = SpecResource<TelemetrySpec>;

export const TelemetryKind: KindDefinition = {
  group: 'telemetry.istio.io',
  kind: 'Telemetry',
  versions: ['v1', 'v1alpha1'],
  plural: 'telemetries',
  shortNames: ['telemetry'],
  namespaced: true,
  schema: specEnvelope('telemetry.istio.io.Telemetry', TelemetrySpec),
};
