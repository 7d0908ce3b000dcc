/**
 * Istio's semantic validation (the reference is Istio's pkg/config/validation),
 * one file per kind, listed per API group. Runs after the structural schema
 * check passed, so validators may trust field types.
 */
import type { KindDefinition, ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../parse/issue.ts';
import type { Validator } from './validator.ts';
import { validateObjectMeta } from './object-meta.ts';
import { NETWORKING_VALIDATORS } from './networking/index.ts';
import { SECURITY_VALIDATORS } from './security/index.ts';
import { TELEMETRY_VALIDATORS } from './telemetry/index.ts';
import { INSTALL_VALIDATORS } from './install/index.ts';
import { KUBE_VALIDATORS } from './kube/index.ts';

export type { Validator } from './validator.ts';

const BY_GROUP: ReadonlyMap<string, ReadonlyMap<string, Validator>> = new Map([
  ['networking.istio.io', NETWORKING_VALIDATORS],
  ['security.istio.io', SECURITY_VALIDATORS],
  ['telemetry.istio.io', TELEMETRY_VALIDATORS],
  ['install.istio.io', INSTALL_VALIDATORS],
  ['', KUBE_VALIDATORS],
  ['apps', KUBE_VALIDATORS],
  ['discovery.k8s.io', KUBE_VALIDATORS],
]);

export function validateResource(definition: KindDefinition, object: ResourceObject, issues: IssueCollector): void {
  validateObjectMeta(definition, object, issues);
  const validator = BY_GROUP.get(definition.group)?.get(definition.kind);
  // A spec-bearing object written without `spec` is validated as an empty spec, as Istio does.
  if (validator) validator(hasSpec(definition) && object.spec == null ? { ...object, spec: {} } : object, issues);
}

export function hasSpec(definition: KindDefinition): boolean {
  return Object.hasOwn(definition.schema.fields, 'spec');
}
