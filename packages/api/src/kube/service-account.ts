/** core/v1 ServiceAccount: the identity in a workload's SPIFFE ID (`spiffe://<td>/ns/<ns>/sa/<name>`). */
import { array, bool, message } from '../schema/builders.ts';
import type { Infer } from '../schema/schema.ts';
import type { ResourceObject } from '../meta/object-meta.ts';
import type { KindDefinition } from '../kind.ts';
import { LocalObjectReference, ObjectReference, topLevelEnvelope } from './meta.ts';

/** The fields beside metadata (a ServiceAccount has no `spec`). */
export const ServiceAccountSpec = message('io.k8s.api.core.v1.ServiceAccount', {
  secrets: array(ObjectReference),
  imagePullSecrets: array(LocalObjectReference),
  automountServiceAccountToken: bool(),
});
export type ServiceAccountSpec = Infer<typeof ServiceAccountSpec>;
export type ServiceAccount = ResourceObject & ServiceAccountSpec;

export const ServiceAccountKind: KindDefinition = {
  group: '',
  kind: 'ServiceAccount',
  versions: ['v1'],
  plural: 'serviceaccounts',
  shortNames: ['sa'],
  namespaced: true,
  schema: topLevelEnvelope('io.k8s.api.core.v1.ServiceAccount', ServiceAccountSpec.fields),
};
