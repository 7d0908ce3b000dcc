/** networking.istio.io WorkloadEntry (istio.networking.v1alpha3.WorkloadEntry): a non-Kubernetes workload (VM, bare metal) in the mesh. */
import { map, message, string, uint32 } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';

export const WorkloadEntrySpec = message('istio.networking.v1alpha3.WorkloadEntry', {
  /** IP, DNS name, or `unix:///path`; may be empty only when `network` is set. */
  address: string(),
  /** Port name → port number, overriding the service's target ports. */
  ports: map(uint32()),
  labels: map(string()),
  network: string(),
  locality: string(),
  weight: uint32(),
  serviceAccount: string(),
});
export type WorkloadEntrySpec = Infer<typeof WorkloadEntrySpec>;
export type WorkloadEntry = SpecResource<WorkloadEntrySpec>;

export const WorkloadEntryKind: KindDefinition = {
  group: 'networking.istio.io',
  kind: 'WorkloadEntry',
  versions: ['v1', 'v1beta1', 'v1alpha3'],
  plural: 'workloadentries',
  shortNames: ['we'],
  namespaced: true,
  schema: specEnvelope('networking.istio.io.WorkloadEntry', WorkloadEntrySpec),
};
