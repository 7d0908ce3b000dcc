/** core/v1 ConfigMap, e.g. the `istio` ConfigMap that holds MeshConfig under `data.mesh`. */
import { bool, bytes, map, message, string } from '../schema/builders.ts';
import type { Infer } from '../schema/schema.ts';
import type { ResourceObject } from '../meta/object-meta.ts';
import type { KindDefinition } from '../kind.ts';
import { topLevelEnvelope } from './meta.ts';

/** The fields beside metadata (a ConfigMap has no `spec`). */
export const ConfigMapSpec = message('io.k8s.api.core.v1.ConfigMap', {
  data: map(string()),
  binaryData: map(bytes()),
  immutable: bool(),
});
export type ConfigMapSpec = Infer<typeof ConfigMapSpec>;
export type ConfigMap = ResourceObject & ConfigMapSpec;

export const ConfigMapKind: KindDefinition = {
  group: '',
  kind: 'ConfigMap',
  versions: ['v1'],
  plural: 'configmaps',
  shortNames: ['cm'],
  namespaced: true,
  schema: topLevelEnvelope('io.k8s.api.core.v1.ConfigMap', ConfigMapSpec.fields),
};
