/** Shared Kubernetes messages (meta/v1 and core/v1) and the envelope for kinds whose content is not under `spec`. */
import { array, bool, enumOf, map, message, string } from '../schema/builders.ts';
import type { Fields, Infer, MessageSchema } from '../schema/schema.ts';
import { ObjectMeta } from '../meta/object-meta.ts';

export const LabelSelectorRequirement = message('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement', {
  key: string(),
  operator: enumOf('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorOperator', ['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: array(string()),
});

export const LabelSelector = message('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector', {
  matchLabels: map(string()),
  matchExpressions: array(LabelSelectorRequirement),
});
export type LabelSelector = Infer<typeof LabelSelector>;

export const ObjectReference = message('io.k8s.api.core.v1.ObjectReference', {
  apiVersion: string(), kind: string(), namespace: string(), name: string(), uid: string(),
  resourceVersion: string(), fieldPath: string(),
});
export type ObjectReference = Infer<typeof ObjectReference>;

export const LocalObjectReference = message('io.k8s.api.core.v1.LocalObjectReference', { name: string() });

export const Protocol = enumOf('io.k8s.api.core.v1.Protocol', ['TCP', 'UDP', 'SCTP']);
export type Protocol = Infer<typeof Protocol>;

/** An object's top-level schema when its fields sit beside metadata (Secret, ConfigMap, ...), not under `spec`. */
export function topLevelEnvelope(name: string, fields: Fields): MessageSchema {
  return message(name, { apiVersion: string(), kind: string(), metadata: ObjectMeta, ...fields });
}

export const Immutable = { immutable: bool() } as const;
