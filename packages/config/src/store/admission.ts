/**
 * What happens to an object on its way into any backend, in the API server's
 * order: normalize the namespace, validate (every issue, with field paths),
 * apply defaults, store in the kind's preferred version, then fill the
 * server-owned metadata (uid, resourceVersion, generation,
 * creationTimestamp). Backends call `admitCreate`/`admitUpdate` before their
 * transaction and `createdObject`/`updatedObject` inside it, so both
 * backends hold exactly the same objects.
 */
import { isDeepStrictEqual } from 'node:util';
import { apiVersionOf, lookupKind, splitApiVersion, type KindDefinition, type ResourceObject } from '@skiff/api';
import type { Clock } from '@skiff/common';
import { validateObject } from '../validate/validate-object.ts';
import { withDefaults } from '../defaults/index.ts';
import { invalidError } from './store-errors.ts';
import type { ObjectKey, StoredObject } from './types.ts';

export interface AdmissionContext {
  readonly clock: Clock;
  readonly newUid: () => string;
}

/** A validated, defaulted copy of the caller's object, not yet stamped with server metadata. */
export interface Admitted {
  readonly key: ObjectKey;
  readonly definition: KindDefinition;
  readonly object: ResourceObject;
}

export function admitCreate(input: ResourceObject, context: AdmissionContext): Admitted {
  const rv = isRecord(input) && isRecord(input.metadata) ? input.metadata.resourceVersion : undefined;
  if (rv !== undefined && rv !== '') {
    throw invalidError(String(input.kind), groupOf(input), String(input.metadata.name ?? ''), [
      { severity: 'error', field: 'metadata.resourceVersion', message: 'resourceVersion should not be set on objects to be created' },
    ]);
  }
  return admit(input, context);
}

export function admitUpdate(input: ResourceObject): Admitted {
  return admit(input, undefined);
}

/** The object as first stored: generation 1, a fresh uid, the creation time in RFC 3339 seconds. */
export function createdObject(admitted: Admitted, revision: number, context: AdmissionContext): StoredObject {
  const object = structuredClone(admitted.object);
  object.metadata = {
    ...object.metadata,
    name: admitted.key.name,
    namespace: admitted.key.namespace,
    uid: context.newUid(),
    resourceVersion: String(revision),
    generation: 1,
    creationTimestamp: rfc3339Seconds(context.clock.now()),
  };
  return object as StoredObject;
}

/**
 * The object after an update, or `undefined` when the update changes nothing
 * (then nothing is written and no event is sent, as the API server does).
 * uid and creationTimestamp stay; generation moves only when content outside
 * metadata and status changes.
 */
export function updatedObject(admitted: Admitted, existing: StoredObject, revision: number): StoredObject | undefined {
  const object = structuredClone(admitted.object);
  const specChanged = !isDeepStrictEqual(specLike(object), specLike(existing));
  object.metadata = {
    ...object.metadata,
    name: existing.metadata.name,
    namespace: existing.metadata.namespace,
    uid: existing.metadata.uid,
    resourceVersion: existing.metadata.resourceVersion,
    generation: existing.metadata.generation + (specChanged ? 1 : 0),
    creationTimestamp: existing.metadata.creationTimestamp,
  };
  if (isDeepStrictEqual(object, existing)) return undefined;
  object.metadata.resourceVersion = String(revision);
  return object as StoredObject;
}

function admit(input: ResourceObject, context: AdmissionContext | undefined): Admitted {
  const lookup = isRecord(input) && typeof input.apiVersion === 'string' && typeof input.kind === 'string'
    ? lookupKind(input.apiVersion, input.kind)
    : undefined;
  if (!lookup?.ok) {
    const name = isRecord(input) && isRecord(input.metadata) ? String(input.metadata.name ?? '') : '';
    throw invalidError(isRecord(input) ? String(input.kind) : 'object', isRecord(input) ? groupOf(input) : '', name, validateObject(input));
  }
  const definition = lookup.kind;
  // A JSON copy: what the durable backend stores is exactly what every backend returns.
  const object = JSON.parse(JSON.stringify(input)) as ResourceObject;
  if (!isRecord(object.metadata)) object.metadata = {};
  const metadata = object.metadata;
  if (definition.namespaced && !metadata.namespace) metadata.namespace = 'default';
  if (!definition.namespaced && metadata.namespace === '') delete metadata.namespace;
  if (!metadata.name && metadata.generateName && context) {
    metadata.name = `${metadata.generateName}${context.newUid().replaceAll('-', '').slice(0, 5)}`;
  }
  const issues = validateObject(object);
  if (issues.some((i) => i.severity === 'error')) throw invalidError(definition.kind, definition.group, metadata.name ?? '', issues);
  const defaulted = withDefaults(definition, object);
  defaulted.apiVersion = apiVersionOf(definition.group, definition.versions[0]);
  const namespace = definition.namespaced ? (metadata.namespace ?? 'default') : '';
  return {
    key: { group: definition.group, kind: definition.kind, namespace, name: metadata.name ?? '' },
    definition,
    object: defaulted,
  };
}

/** Everything the user declares outside metadata and status (spec, data, ...): what `generation` counts. */
function specLike(object: ResourceObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...rest } = object;
  return rest;
}

function groupOf(input: ResourceObject): string {
  return typeof input.apiVersion === 'string' ? splitApiVersion(input.apiVersion).group : '';
}

function isRecord(value: unknown): value is Record<string, unknown> & ResourceObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
