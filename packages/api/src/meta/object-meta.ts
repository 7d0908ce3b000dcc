/** Kubernetes ObjectMeta and the envelope every resource shares. */
import { array, bool, int64, map, message, string, struct, timestamp } from '../schema/builders.ts';
import type { Infer, MessageSchema } from '../schema/schema.ts';

export const OwnerReference = message('io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference', {
  apiVersion: string(), kind: string(), name: string(), uid: string(),
  controller: bool(), blockOwnerDeletion: bool(),
});

export const ObjectMeta = message('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', {
  name: string(),
  generateName: string(),
  namespace: string(),
  uid: string(),
  resourceVersion: string(),
  generation: int64(),
  creationTimestamp: timestamp(),
  deletionTimestamp: timestamp(),
  deletionGracePeriodSeconds: int64(),
  labels: map(string()),
  annotations: map(string()),
  ownerReferences: array(OwnerReference),
  finalizers: array(string()),
  managedFields: array(struct()),
  selfLink: string(),
});
export type ObjectMeta = Infer<typeof ObjectMeta>;

/** What every stored object has, whatever its kind. */
export interface ResourceObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** An Istio-style object: the envelope plus a typed `spec`. */
export interface SpecResource<Spec> extends ResourceObject {
  spec: Spec;
  status?: Record<string, unknown>;
}

/** Top-level schema for a kind whose content is `spec` (+ free-form `status`). */
export function specEnvelope(name: string, spec: MessageSchema): MessageSchema {
  return message(name, { apiVersion: string(), kind: string(), metadata: ObjectMeta, spec, status: struct() });
}
