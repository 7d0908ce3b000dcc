/**
 * The errors every backend throws, with the Kubernetes API server's wording
 * (`gateways.networking.istio.io "public" not found`, `Operation cannot be
 * fulfilled on ...`, `too old resource version: 5 (12)`), so a user who knows
 * kubectl reads them without translation. Resources are named
 * `<plural>.<group>` as the API server names them.
 */
import { ALL_KINDS, type KindDefinition } from '@skiff/api';
import { SkiffError } from '@skiff/common';
import { formatIssue, type ConfigIssue } from '../parse/issue.ts';
import { StoreErrorCode, type KindRef, type ObjectKey } from './types.ts';

export function definitionOf(ref: KindRef): KindDefinition | undefined {
  return ALL_KINDS.find((k) => k.group === ref.group && k.kind === ref.kind);
}

/** `gateways.networking.istio.io`, `services` for the core group. */
export function resourceNameOf(ref: KindRef): string {
  const plural = definitionOf(ref)?.plural ?? `${ref.kind.toLowerCase()}s`;
  return ref.group === '' ? plural : `${plural}.${ref.group}`;
}

function keyDetails(key: ObjectKey): Record<string, unknown> {
  return { group: key.group, kind: key.kind, namespace: key.namespace, name: key.name };
}

export function notFoundError(key: ObjectKey): SkiffError {
  return new SkiffError(StoreErrorCode.NotFound, `${resourceNameOf(key)} "${key.name}" not found`, keyDetails(key));
}

export function alreadyExistsError(key: ObjectKey): SkiffError {
  return new SkiffError(StoreErrorCode.AlreadyExists, `${resourceNameOf(key)} "${key.name}" already exists`, keyDetails(key));
}

export function conflictError(key: ObjectKey, given: string, stored: string): SkiffError {
  return new SkiffError(
    StoreErrorCode.Conflict,
    `Operation cannot be fulfilled on ${resourceNameOf(key)} "${key.name}": the object has been modified; please apply your changes to the latest version and try again`,
    { ...keyDetails(key), resourceVersion: given, storedResourceVersion: stored },
  );
}

export function preconditionError(key: ObjectKey, given: string, stored: string): SkiffError {
  return new SkiffError(
    StoreErrorCode.Conflict,
    `Operation cannot be fulfilled on ${resourceNameOf(key)} "${key.name}": Precondition failed: ResourceVersion in precondition: ${given}, ResourceVersion in object meta: ${stored}`,
    { ...keyDetails(key), resourceVersion: given, storedResourceVersion: stored },
  );
}

export function goneError(requested: number, compacted: number): SkiffError {
  return new SkiffError(StoreErrorCode.Gone, `too old resource version: ${requested} (${compacted})`, { resourceVersion: String(requested), compactedResourceVersion: String(compacted) });
}

/** `Gateway.networking.istio.io "public" is invalid: spec.servers[0].port.name: port name must be set` (several issues in brackets, as the API server does). */
export function invalidError(kind: string, group: string, name: string, issues: readonly ConfigIssue[]): SkiffError {
  const errors = issues.filter((i) => i.severity === 'error');
  const parts = errors.map((i) => `${i.field ? `${i.field}: ` : ''}${i.message}`);
  const what = `${group === '' ? kind : `${kind}.${group}`} "${name}"`;
  const message = `${what} is invalid: ${parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`}`;
  return new SkiffError(StoreErrorCode.Invalid, message, { issues, formatted: issues.map(formatIssue) });
}

export function closedError(): SkiffError {
  return new SkiffError(StoreErrorCode.Closed, 'config store is closed');
}
