/** networking.istio.io WorkloadGroup (istio.networking.v1alpha3.WorkloadGroup): a template for auto-registered WorkloadEntries. */
import { array, int32, map, message, string } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';
import { WorkloadEntrySpec } from './workload-entry.ts';

export const WorkloadGroupObjectMeta = message('istio.networking.v1alpha3.WorkloadGroup.ObjectMeta', {
  labels: map(string()),
  annotations: map(string()),
});

export const HTTPHeader = message('istio.networking.v1alpha3.HTTPHeader', {
  name: string(),
  value: string(),
});

export const HTTPHealthCheckConfig = message('istio.networking.v1alpha3.HTTPHealthCheckConfig', {
  path: string(),
  port: int32(),
  host: string(),
  /** HTTP or HTTPS. */
  scheme: string(),
  httpHeaders: array(HTTPHeader),
});

export const TCPHealthCheckConfig = message('istio.networking.v1alpha3.TCPHealthCheckConfig', {
  host: string(),
  port: int32(),
});

export const ExecHealthCheckConfig = message('istio.networking.v1alpha3.ExecHealthCheckConfig', {
  command: array(string()),
});

export const GrpcHealthCheckConfig = message('istio.networking.v1alpha3.GrpcHealthCheckConfig', {
  port: int32(),
  service: string(),
});

export const ReadinessProbe = message('istio.networking.v1alpha3.ReadinessProbe', {
  initialDelaySeconds: int32(),
  timeoutSeconds: int32(),
  periodSeconds: int32(),
  successThreshold: int32(),
  failureThreshold: int32(),
  httpGet: HTTPHealthCheckConfig,
  tcpSocket: TCPHealthCheckConfig,
  exec: ExecHealthCheckConfig,
  grpc: GrpcHealthCheckConfig,
}, { oneofs: [['httpGet', 'tcpSocket', 'exec', 'grpc']] });
export type ReadinessProbe = Infer<typeof ReadinessProbe>;

export const WorkloadGroupSpec = message('istio.networking.v1alpha3.WorkloadGroup', {
  metadata: WorkloadGroupObjectMeta,
  template: WorkloadEntrySpec,
  probe: ReadinessProbe,
});
export type WorkloadGroupSpec = Infer<typeof WorkloadGroupSpec>;
export type WorkloadGroup = SpecResource<WorkloadGroupSpec>;

export const WorkloadGroupKind: KindDefinition = {
  group: 'networking.istio.io',
  kind: 'WorkloadGroup',
  versions: ['v1', 'v1beta1', 'v1alpha3'],
  plural: 'workloadgroups',
  shortNames: ['wg'],
  namespaced: true,
  schema: specEnvelope('networking.istio.io.WorkloadGroup', WorkloadGroupSpec),
};

