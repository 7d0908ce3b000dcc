/** core/v1 Namespace. Istio reads its labels (`istio-injection`, `istio.io/rev`, `istio.io/dataplane-mode`). */
import { array, message, string } from '../schema/builders.ts';
import type { Infer } from '../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../meta/object-meta.ts';
import type { KindDefinition } from '../kind.ts';

export const NamespaceSpec = message('io.k8s.api.core.v1.NamespaceSpec', { finalizers: array(string()) });
export type NamespaceSpec = Infer<typeof NamespaceSpec>;
export type Namespace = SpecResource<NamespaceSpec>;

export const NamespaceKind: KindDefinition = {
  group: '',
  kind: 'Namespace',
  versions: ['v1'],
  plural: 'namespaces',
  shortNames: ['ns'],
  namespaced: false,
  schema: specEnvelope('io.k8s.api.core.v1.Namespace', NamespaceSpec),
};
