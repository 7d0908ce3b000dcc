/**
 * google.protobuf.Struct ⇄ plain JSON. Node metadata arrives as a Struct
 * (Istio's bootstrap puts LABELS, NAMESPACE, SERVICE_ACCOUNT, CLUSTER_ID in it);
 * callers past this boundary see ordinary objects.
 */
import type { StructWire, ValueWire } from './discovery-types.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function structToJson(struct: StructWire | null | undefined): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) out[key] = valueToJson(value);
  return out;
}

export function valueToJson(value: ValueWire): JsonValue {
  if (value.struct_value !== undefined) return structToJson(value.struct_value);
  if (value.list_value !== undefined) return (value.list_value.values ?? []).map(valueToJson);
  if (value.string_value !== undefined) return value.string_value;
  if (value.number_value !== undefined) return value.number_value;
  if (value.bool_value !== undefined) return value.bool_value;
  return null;
}

export function jsonToStruct(json: Readonly<Record<string, JsonValue>>): StructWire {
  const fields: Record<string, ValueWire> = {};
  for (const [key, value] of Object.entries(json)) fields[key] = jsonToValue(value);
  return { fields };
}

export function jsonToValue(json: JsonValue): ValueWire {
  if (json === null) return { null_value: 'NULL_VALUE' };
  if (Array.isArray(json)) return { list_value: { values: json.map(jsonToValue) } };
  switch (typeof json) {
    case 'string': return { string_value: json };
    case 'number': return { number_value: json };
    case 'boolean': return { bool_value: json };
    default: return { struct_value: jsonToStruct(json) };
  }
}
