/**
 * networking.istio.io ServiceEntry (istio.networking.v1alpha3.ServiceEntry):
 * adds hosts to Istio's service registry (external APIs, VMs, databases).
 */
import { array, enumOf, message, string, uint32 } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';
import { NetworkingWorkloadSelector } from './common.ts';
import { WorkloadEntrySpec } from './workload-entry.ts';

export const ServicePort = message('istio.networking.v1alpha3.ServicePort', {
  number: uint32(),
  /** HTTP|HTTPS|GRPC|HTTP2|MONGO|TCP|TLS...; checked by Istio's protocol rules, not as an enum. */
  protocol: string(),
  name: string(),
  targetPort: uint32(),
});
export type ServicePort = Infer<typeof ServicePort>;

export const ServiceEntryLocation = enumOf('istio.networking.v1alpha3.ServiceEntry.Location', ['MESH_EXTERNAL', 'MESH_INTERNAL']);
/** DYNAMIC_DNS: wildcard hosts resolved per request by an (ambient) egress waypoint. */
export const ServiceEntryResolution = enumOf('istio.networking.v1alpha3.ServiceEntry.Resolution',
  ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']);

export const ServiceEntrySpec = message('istio.networking.v1alpha3.ServiceEntry', {
  hosts: array(string()),
  addresses: array(string()),
  ports: array(ServicePort),
  location: ServiceEntryLocation,
  resolution: ServiceEntryResolution,
  endpoints: array(WorkloadEntrySpec),
  workloadSelector: NetworkingWorkloadSelector,
  exportTo: array(string()),
  subjectAltNames: array(string()),
});
export type ServiceEntrySpec = Infer<typeof ServiceEntrySpec>;
export type ServiceEntry = SpecResource<ServiceEntrySpec>;

export const ServiceEntryKind: KindDefinition = {
  group: 'networking.istio.io',
  kind: 'ServiceEntry',
  versions: ['v1', 'v1beta1', 'v1alpha3'],
  plural: 'serviceentries',
  shortNames: ['se'],
  namespaced: true,
  schema: specEnvelope('networking.istio.io.ServiceEntry', ServiceEntrySpec),
};
