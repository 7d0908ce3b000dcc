/**
 * Encode and decode google.protobuf.Any by type URL, against the Envoy v3
 * protos shipped in @grpc/grpc-js-xds. Resources and typed_config payloads
 * are plain objects with proto field names (snake_case). A nested Any may be
 * given packed ({type_url, value}) or in JSON form ({'@type': url, ...fields});
 * decoding always expands nested Anys to the JSON form, like Envoy's
 * config_dump. google.protobuf.Struct values use proto field names too
 * (`string_value`), like every other message (see struct-proto.ts). Fields
 * may be given by proto or JSON name; a field the message does not define is
 * an error, not silently dropped (see message-fields.ts). The protos are
 * parsed once, on first use.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { messageNameOf } from '../type-urls.ts';
import type { Any } from './discovery-types.ts';
import { normalizeFields } from './message-fields.ts';
import { protoJsonToObject } from './proto-json.ts';
import { PROTO_INCLUDE_DIRS, RESOURCE_PROTO_FILES } from './proto-paths.ts';
import { ISTIO_PROTO } from './istio-proto.ts';
import { STRUCT_PROTO, STRUCT_PROTO_FILE } from './struct-proto.ts';

/** A resource or config message in proto-field-name object form. */
export type WireMessage = { readonly [field: string]: unknown };

let root: protobuf.Root | undefined;

function loadRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => {
    for (const dir of PROTO_INCLUDE_DIRS) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return target;
  };
  // Registered before loading so that imports of struct.proto find it loaded
  // and skip protobufjs's bundled, camelCase copy.
  r.addJSON(STRUCT_PROTO.nested ?? {});
  r.files.push(STRUCT_PROTO_FILE);
  r.loadSync([...RESOURCE_PROTO_FILES], { keepCase: true });
  r.addJSON(ISTIO_PROTO.nested ?? {});
  r.resolveAll();
  root = r;
  return r;
}

const typeCache = new Map<string, protobuf.Type | null>();

function typeFor(typeUrl: string): protobuf.Type | null {
  let type = typeCache.get(typeUrl);
  if (type === undefined) {
    const found = loadRoot().lookup(messageNameOf(typeUrl));
    type = found instanceof protobuf.Type ? found : null;
    typeCache.set(typeUrl, type);
  }
  return type;
}

/** Whether the loaded protos define the message a type URL names. */
export function isKnownTypeUrl(typeUrl: string): boolean {
  return typeFor(typeUrl) !== null;
}

function requireType(typeUrl: string): protobuf.Type {
  const type = typeFor(typeUrl);
  if (!type) throw new TypeError(`Unable to find a message type for type URL '${typeUrl}'`);
  return type;
}

/**
 * Serializes `message` as the type `typeUrl` names. Throws a TypeError
 * listing every field (with its path) that the message types do not define.
 */
export function encodeMessage(typeUrl: string, message: WireMessage): Uint8Array {
  const type = requireType(typeUrl);
  const normalized = normalizeFields(type, message);
  if (normalized.errors.length > 0) throw new TypeError(`invalid ${messageNameOf(typeUrl)}: ${normalized.errors.join('; ')}`);
  return type.encode(type.fromObject(normalized.message)).finish();
}

/** Like encodeMessage, for a message in proto3 JSON form (bare wrappers, `"60s"` durations), as a TypedStruct carries it. */
export function encodeProtoJsonMessage(typeUrl: string, json: WireMessage): Uint8Array {
  return encodeMessage(typeUrl, protoJsonToObject(requireType(typeUrl), json));
}

export function encodeAny(typeUrl: string, message: WireMessage): Any {
  return { type_url: typeUrl, value: encodeMessage(typeUrl, message) };
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: false, oneofs: true, json: true };

/** Parses an Any into its message object; nested Anys come back as `{'@type': url, ...}`. */
export function decodeAny(any: Any): WireMessage {
  return decodeMessage(any.type_url, any.value);
}

export function decodeMessage(typeUrl: string, bytes: Uint8Array): WireMessage {
  const type = requireType(typeUrl);
  return type.toObject(type.decode(bytes), TO_OBJECT);
}
