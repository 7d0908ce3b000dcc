/**
 * Walks a plain JSON value against a schema from `@skiff/api`, reporting
 * every mismatch with its field path. This is the structural half of
 * validation (what Kubernetes' structural schemas and protojson check);
 * Istio's semantic rules live in `validate/`.
 *
 * The walk never throws on bad input and never recurses deeper than the
 * schema does: free-form `any` fields are not descended into. Its one edit:
 * message fields set to null are removed (null means unset), so code past
 * this boundary sees `undefined`, as the types say. Under a `protoJson`
 * message it also normalises what protojson accepts (numbers written as
 * strings, proto field names) to the one spelling the types promise.
 */
import type { FieldPath } from '@skiff/common';
import { parseDurationMs } from '@skiff/common';
import type { MessageSchema, NumberFormat, Schema } from '@skiff/api';
import type { IssueCollector } from './issue.ts';
import { closestMatch } from './suggest.ts';

const INT_RANGE: Readonly<Record<NumberFormat, readonly [number, number] | undefined>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  double: undefined,
  float: undefined,
};
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** `protoJson`: inside a message read with protojson's leniency (see MessageOptions.protoJson). */
export function decodeValue(schema: Schema, value: unknown, path: FieldPath, issues: IssueCollector, protoJson = false): void {
  // YAML `field:` with nothing after it is null; Kubernetes treats that as unset.
  if (value === null || value === undefined) return;
  switch (schema.type) {
    case 'lazy':
      return decodeValue(schema.get(), value, path, issues, protoJson);
    case 'string':
      if (typeof value !== 'string') issues.error(path, `expected a string, got ${describe(value)}`);
      return;
    case 'bool':
      if (typeof value !== 'boolean') issues.error(path, `expected true or false, got ${describe(value)}`);
      return;
    case 'number':
      return decodeNumber(schema.format, value, path, issues);
    case 'duration':
      if (typeof value !== 'string' || parseDurationMs(value) === undefined) {
        issues.error(path, `expected a duration such as "5s", "100ms" or "1m", got ${describe(value)}`);
      }
      return;
    case 'timestamp':
      if (typeof value !== 'string' || !RFC3339.test(value)) issues.error(path, `expected an RFC 3339 timestamp, got ${describe(value)}`);
      return;
    case 'bytes':
      if (typeof value !== 'string' || !BASE64.test(value)) issues.error(path, `expected base64-encoded data, got ${describe(value)}`);
      return;
    case 'intOrString':
      if (typeof value === 'number' ? !Number.isInteger(value) : typeof value !== 'string') {
        issues.error(path, `expected an integer or a string, got ${describe(value)}`);
      }
      return;
    case 'quantity':
      if (!(typeof value === 'number' || (typeof value === 'string' && QUANTITY.test(value)))) {
        issues.error(path, `expected a quantity such as "100m", "128Mi" or 2, got ${describe(value)}`);
      }
      return;
    case 'enum':
      if (typeof value !== 'string' || !schema.values.includes(value)) {
        const hint = typeof value === 'string' ? closestMatch(value, schema.values) : undefined;
        issues.error(path, `unknown value ${describe(value)} for enum ${schema.name}; expected one of ${schema.values.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}`);
      }
      return;
    case 'array':
      if (!Array.isArray(value)) {
        issues.error(path, `expected a list, got ${describe(value)}`);
        return;
      }
      value.forEach((item, i) => {
        if (item === null) issues.error([...path, i], 'list items may not be null');
        else decodeValue(schema.items, (value[i] = coerce(schema.items, item, protoJson)), [...path, i], issues, protoJson);
      });
      return;
    case 'map':
      if (!isPlainObject(value)) {
        issues.error(path, `expected a map, got ${describe(value)}`);
        return;
      }
      for (const [key, item] of Object.entries(value)) {
        if (item === null) issues.error([...path, key], 'map values may not be null');
        else decodeValue(schema.values, (value[key] = coerce(schema.values, item, protoJson)), [...path, key], issues, protoJson);
      }
      return;
    case 'any':
      if (schema.objectOnly && !isPlainObject(value)) issues.error(path, `expected an object, got ${describe(value)}`);
      return;
    case 'message':
      return decodeMessage(schema, value, path, issues, protoJson || schema.protoJson === true);
  }
}

function decodeMessage(schema: MessageSchema, value: unknown, path: FieldPath, issues: IssueCollector, protoJson: boolean): void {
  if (!isPlainObject(value)) {
    issues.error(path, `expected an object (${schema.name}), got ${describe(value)}`);
    return;
  }
  for (const [written, item] of Object.entries(value)) {
    const key = protoJson ? jsonName(schema, written, value) : written;
    if (key !== written) {
      // protojson accepts the proto field name; keep one spelling so typed code finds it.
      delete value[written];
      value[key] = item;
    }
    const field = Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
    if (field && item === null) {
      // `field:` with no value means unset (as for Kubernetes); drop it so typed code never sees null.
      delete value[key];
      continue;
    }
    if (!field) {
      issues.error([...path, key], unknownFieldMessage(schema, key));
      continue;
    }
    if (schema.deprecated?.[key] && item !== null && item !== undefined) {
      issues.warning([...path, key], `${key} is deprecated: ${schema.deprecated[key]}`);
    }
    decodeValue(field, (value[key] = coerce(field, item, protoJson)), [...path, written], issues, protoJson);
  }
  for (const group of schema.oneofs ?? []) {
    const set = group.filter((f) => value[f] !== undefined && value[f] !== null);
    if (set.length > 1) issues.error(path, `only one of ${group.join(', ')} may be set, found ${set.join(' and ')}`, { typesIntact: true });
  }
}

/** The JSON (lowerCamel) name for a proto field name such as `resource_detectors`, when the message has it. */
function jsonName(schema: MessageSchema, key: string, value: Record<string, unknown>): string {
  if (!key.includes('_') || Object.hasOwn(schema.fields, key)) return key;
  const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return Object.hasOwn(schema.fields, camel) && !Object.hasOwn(value, camel) ? camel : key;
}

const NUMERIC_TEXT = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** protojson accepts numbers written as strings (`port: "9000"`). */
function coerce(schema: Schema, item: unknown, protoJson: boolean): unknown {
  if (!protoJson || typeof item !== 'string') return item;
  const resolved = schema.type === 'lazy' ? schema.get() : schema;
  return resolved.type === 'number' && NUMERIC_TEXT.test(item.trim()) ? Number(item) : item;
}

function unknownFieldMessage(schema: MessageSchema, key: string): string {
  const base = `unknown field "${key}" in ${schema.name}`;
  const hint = schema.misspellings?.[key];
  if (hint) return `${base}; ${hint}`;
  const close = closestMatch(key, Object.keys(schema.fields));
  return close ? `${base}; did you mean "${close}"?` : base;
}

function decodeNumber(format: NumberFormat, value: unknown, path: FieldPath, issues: IssueCollector): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    issues.error(path, `expected ${format === 'double' || format === 'float' ? 'a number' : `an integer (${format})`}, got ${describe(value)}`);
    return;
  }
  const range = INT_RANGE[format];
  if (!range) return;
  if (!Number.isInteger(value)) issues.error(path, `expected an integer (${format}), got ${value}`);
  else if (value < range[0] || value > range[1]) issues.error(path, `${value} is out of range for ${format} (${range[0]}..${range[1]})`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, bounded rendering of a bad value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  return `${typeof value} ${String(value)}`;
}
