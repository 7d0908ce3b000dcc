/**
 * google.protobuf.Struct ⇄ plain JSON. Node metadata arrives as a Struct
 * (Istio's bootstrap puts LABELS, NAMESPACE, SERVICE_ACCOUNT, CLUSTER_ID in it);
 * callers past this boundary see ordinary objects.
 *
 * Skiff spells Value's fields with their proto names (`string_value`), as the
 * resource codec does; ads-service.ts converts at the ADS boundary, where
 * @grpc/proto-loader uses camelCase. Reading accepts both spellings.
 */
import type { StructWire, ValueWire } from './discovery-types.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function structToJson(struct: StructWire | null | undefined): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) out[key] = valueToJson(value);
  return out;
}

export function valueToJson(value: ValueWire): JsonValue {
  const struct = value.structValue ?? value.struct_value;
  if (struct !== undefined) return structToJson(struct);
  const list = value.listValue ?? value.list_value;
  if (list !== undefined) return (list.values ?? []).map(valueToJson);
  const text = value.stringValue ?? value.string_value;
  if (text !== undefined) return text;
  const number = value.numberValue ?? value.number_value;
  if (number !== undefined) return number;
  const bool = value.boolValue ?? value.bool_value;
  if (bool !== undefined) return bool;
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

const CAMEL_VALUE_FIELDS: Readonly<Record<string, string>> = {
  null_value: 'nullValue', number_value: 'numberValue', string_value: 'stringValue',
  bool_value: 'boolValue', struct_value: 'structValue', list_value: 'listValue',
};

/** The same Struct with Value fields in camelCase, the spelling @grpc/proto-loader's Struct expects. */
export function structToCamelCase(struct: StructWire | null | undefined): StructWire | null | undefined {
  if (!struct?.fields) return struct;
  const fields: Record<string, ValueWire> = {};
  for (const [key, value] of Object.entries(struct.fields)) fields[key] = valueToCamelCase(value);
  return { fields };
}

function valueToCamelCase(value: ValueWire): ValueWire {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const name = CAMEL_VALUE_FIELDS[key] ?? key;
    if (name === 'structValue') out[name] = structToCamelCase(field as StructWire);
    else if (name === 'listValue') out[name] = { values: ((field as { values?: ValueWire[] }).values ?? []).map(valueToCamelCase) };
    else if (key !== 'kind') out[name] = field;
  }
  return out as ValueWire;
}
