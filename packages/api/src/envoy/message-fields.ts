/**
 * Checks a message object against its protobufjs type before encoding, and
 * rewrites each field to its proto name. protobufjs's `fromObject` reads
 * only the names the type declares and silently drops any other key, so a
 * misspelt field would vanish from the resource; here it is an error with a
 * field path instead. Like protobuf's JSON parser, a field may be written
 * with its proto name (`stat_prefix`) or its JSON name (`statPrefix`).
 * Nested Anys in JSON form (`{'@type': url, ...}`) are checked against the
 * type their URL names; packed Anys (`{type_url, value}`) pass as they are.
 */
import protobuf from 'protobufjs';
import { messageNameOf } from '../type-urls.ts';

export interface NormalizedMessage {
  readonly message: Record<string, unknown>;
  /** `path: problem`, one per unknown field or unresolvable type URL. */
  readonly errors: readonly string[];
}

const ANY = '.google.protobuf.Any';

export function normalizeFields(type: protobuf.Type, message: Readonly<Record<string, unknown>>): NormalizedMessage {
  const errors: string[] = [];
  return { message: normalizeMessage(type, message, '', errors), errors };
}

function normalizeMessage(type: protobuf.Type, message: Readonly<Record<string, unknown>>, path: string, errors: string[]): Record<string, unknown> {
  return type.fullName === ANY ? normalizeAny(type, message, path, errors) : normalizeDeclared(type, message, path, errors);
}

/** Each key must be a field `type` declares. */
function normalizeDeclared(type: protobuf.Type, message: Readonly<Record<string, unknown>>, path: string, errors: string[]): Record<string, unknown> {
  const byName = fieldsByName(type);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    const here = path ? `${path}.${key}` : key;
    const field = byName.get(key);
    if (!field) {
      errors.push(`${here}: unknown field "${key}" in ${type.fullName.slice(1)}`);
      continue;
    }
    out[field.name] = normalizeValue(field, value, here, errors);
  }
  return out;
}

function normalizeValue(field: protobuf.Field, value: unknown, path: string, errors: string[]): unknown {
  const type = field.resolve().resolvedType;
  if (!(type instanceof protobuf.Type) || value === null || typeof value !== 'object') return value;
  if (field.map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isObject(v) ? normalizeMessage(type, v, `${path}.${k}`, errors) : v;
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => (isObject(v) ? normalizeMessage(type, v, `${path}[${i}]`, errors) : v));
  return normalizeMessage(type, value as Record<string, unknown>, path, errors);
}

function normalizeAny(any: protobuf.Type, message: Readonly<Record<string, unknown>>, path: string, errors: string[]): Record<string, unknown> {
  const typeUrl = message['@type'];
  if (typeof typeUrl !== 'string') {
    const { typeUrl: camel, ...rest } = message;
    return normalizeDeclared(any, camel === undefined ? rest : { type_url: camel, ...rest }, path, errors);
  }
  const found = any.root.lookup(messageNameOf(typeUrl));
  if (!(found instanceof protobuf.Type)) {
    errors.push(`${path ? `${path}.` : ''}@type: Unable to find a message type for type URL '${typeUrl}'`);
    return { ...message };
  }
  const { '@type': _, ...fields } = message;
  return { '@type': typeUrl, ...normalizeMessage(found, fields, path, errors) };
}

const byNameCache = new WeakMap<protobuf.Type, ReadonlyMap<string, protobuf.Field>>();

/** Proto name and JSON name (`json_name`, else protoc's lowerCamelCase) → field. */
function fieldsByName(type: protobuf.Type): ReadonlyMap<string, protobuf.Field> {
  let map = byNameCache.get(type);
  if (!map) {
    const m = new Map<string, protobuf.Field>();
    for (const f of type.fieldsArray) {
      m.set(f.name, f);
      const json = f.getOption('json_name');
      m.set(typeof json === 'string' ? json : jsonName(f.name), f);
    }
    byNameCache.set(type, (map = m));
  }
  return map;
}

/** protoc's ToJsonName: drop each `_` and upper-case the character after it. */
function jsonName(protoName: string): string {
  return protoName.replace(/_(.)/g, (_m, c: string) => c.toUpperCase());
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}
