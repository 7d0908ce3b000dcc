/**
 * proto3 JSON mapping → the proto-field-name object form protobufjs's
 * fromObject takes: a wrapper (google.protobuf.UInt32Value, BoolValue, ...)
 * written as its bare scalar becomes `{value}`, a Duration written as
 * `"60s"` becomes `{seconds, nanos}`. This is the form a udpa/xds
 * TypedStruct carries (an EnvoyFilter's `tokens_per_fill: 100`,
 * `fill_interval: 60s`); everything else passes through unchanged.
 */
import protobuf from 'protobufjs';

const WRAPPERS: ReadonlySet<string> = new Set([
  '.google.protobuf.DoubleValue', '.google.protobuf.FloatValue', '.google.protobuf.Int64Value', '.google.protobuf.UInt64Value',
  '.google.protobuf.Int32Value', '.google.protobuf.UInt32Value', '.google.protobuf.BoolValue', '.google.protobuf.StringValue', '.google.protobuf.BytesValue',
]);
const DURATION = '.google.protobuf.Duration';
const SKIP: ReadonlySet<string> = new Set(['.google.protobuf.Any', '.google.protobuf.Struct', '.google.protobuf.Value', '.google.protobuf.ListValue']);

/** `"1.5s"` → `{seconds: '1', nanos: 500000000}`; anything else unchanged (the codec then reports it). */
function durationFromJson(value: string): unknown {
  const m = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(value);
  if (!m) return value;
  const nanos = m[3] === undefined ? 0 : Number(m[3].padEnd(9, '0'));
  return { seconds: `${m[1]}${m[2]}`, nanos: m[1] === '-' ? -nanos : nanos };
}

function convertValue(type: protobuf.Type, value: unknown): unknown {
  const name = type.fullName;
  if (WRAPPERS.has(name)) return value !== null && typeof value === 'object' ? value : { value };
  if (name === DURATION) return typeof value === 'string' ? durationFromJson(value) : value;
  if (SKIP.has(name) || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return protoJsonToObject(type, value as Record<string, unknown>);
}

export function protoJsonToObject(type: protobuf.Type, json: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key] ?? type.fieldsArray.find((f) => f.name === key || (f.options?.json_name ?? '') === key);
    const resolved = field?.resolve().resolvedType;
    if (!field || !(resolved instanceof protobuf.Type)) {
      out[key] = value;
      continue;
    }
    if (field.map && value !== null && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertValue(resolved, v)]));
    } else if (Array.isArray(value)) out[key] = value.map((v) => convertValue(resolved, v));
    else out[key] = convertValue(resolved, value);
  }
  return out;
}
