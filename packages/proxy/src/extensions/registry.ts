/**
 * The one registry shape for every kind of proxy extension (HTTP filters,
 * load-balancing policies, network filters), keyed by the type URL of its
 * typed_config (Envoy's registry.h, grpc-js-xds's register()). Entries come
 * from an explicit builtin list; a duplicate type URL throws. `resolve` is
 * the only place a udpa/xds TypedStruct envelope is unwrapped: its
 * google.protobuf.Struct is converted once, through the resource codec, into
 * the same decoded message form a typed_config has. Tests swap an entry with
 * `override`, which returns the restore function.
 */
import { TypeUrl } from '@skiff/api';
import { decodeMessage, encodeProtoJsonMessage, isKnownTypeUrl, type WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { structToJson } from '@skiff/api/envoy/struct.ts';
import type { StructWire } from '@skiff/api/envoy/discovery-types.ts';
import { SkiffError } from '@skiff/common';

export interface Extension {
  /** Envoy's canonical name, e.g. `envoy.filters.http.fault`. */
  readonly name: string;
  readonly typeUrl: string;
}

export class DuplicateExtensionError extends SkiffError {
  constructor(category: string, typeUrl: string, existing: string, incoming: string) {
    super('SKIFF_ERR_DUPLICATE_EXTENSION', `Double registration for type: '${typeUrl}' in ${category}: '${existing}' and '${incoming}'`, { category, typeUrl, existing, incoming });
    this.name = 'DuplicateExtensionError';
  }
}

/** A typed_config with its `@type` taken apart (the form TypedExtensionRef carries). */
export interface TypedConfigRef {
  readonly typeUrl: string;
  readonly config: WireMessage;
}

export type Resolution<E> =
  | { readonly ok: true; readonly ext: E; readonly typeUrl: string; readonly config: WireMessage }
  /** `ext` undefined: nothing registered for `typeUrl`; `error` set: the envelope itself is malformed. */
  | { readonly ok: false; readonly typeUrl: string; readonly error: string | undefined };

const TYPED_STRUCTS: ReadonlySet<string> = new Set([TypeUrl.UdpaTypedStruct, TypeUrl.XdsTypedStruct]);

export class ExtensionRegistry<E extends Extension> {
  readonly category: string;
  readonly #byTypeUrl = new Map<string, E>();
  /** Extra keys (an HTTP filter's per-route type URL) pointing at the same entry. */
  readonly #secondary: (e: E) => readonly string[];
  readonly #bySecondary = new Map<string, E>();

  constructor(category: string, builtins: readonly E[], secondaryKeys: (e: E) => readonly string[] = () => []) {
    this.category = category;
    this.#secondary = secondaryKeys;
    for (const e of builtins) this.register(e);
  }

  register(ext: E): void {
    const existing = this.#byTypeUrl.get(ext.typeUrl);
    if (existing) throw new DuplicateExtensionError(this.category, ext.typeUrl, existing.name, ext.name);
    this.#byTypeUrl.set(ext.typeUrl, ext);
    for (const key of this.#secondary(ext)) if (key !== ext.typeUrl) this.#bySecondary.set(key, ext);
  }

  get(typeUrl: string): E | undefined {
    return this.#byTypeUrl.get(typeUrl);
  }

  /** By a secondary key (a per-route config type URL), then by the primary one. */
  getBySecondary(typeUrl: string): E | undefined {
    return this.#bySecondary.get(typeUrl) ?? this.#byTypeUrl.get(typeUrl);
  }

  get entries(): readonly E[] {
    return [...this.#byTypeUrl.values()];
  }

  /** Looks up a typed_config, unwrapping a TypedStruct (once, here) into the decoded message of the type it names. */
  resolve(ref: TypedConfigRef, lookup: (typeUrl: string) => E | undefined = (u) => this.get(u)): Resolution<E> {
    let { typeUrl, config } = ref;
    if (TYPED_STRUCTS.has(typeUrl)) {
      const inner = typeof config.type_url === 'string' ? config.type_url : '';
      if (inner === '') return { ok: false, typeUrl, error: 'TypedStruct: type_url is required' };
      const unwrapped = unwrapTypedStruct(inner, config.value as StructWire | undefined);
      if (typeof unwrapped === 'string') return { ok: false, typeUrl: inner, error: unwrapped };
      typeUrl = inner;
      config = unwrapped;
    }
    const ext = lookup(typeUrl);
    return ext ? { ok: true, ext, typeUrl, config } : { ok: false, typeUrl, error: undefined };
  }

  /** Tests only: replaces (or adds) the entry for `ext.typeUrl`; returns the function that restores the previous one. */
  override(ext: E): () => void {
    const previous = this.#byTypeUrl.get(ext.typeUrl);
    this.#byTypeUrl.set(ext.typeUrl, ext);
    return () => {
      if (previous) this.#byTypeUrl.set(ext.typeUrl, previous);
      else this.#byTypeUrl.delete(ext.typeUrl);
    };
  }
}

/** Struct (proto3 JSON of the named message: bare wrappers, `"60s"` durations) → the decoded message, as if it had arrived as a typed Any. */
function unwrapTypedStruct(typeUrl: string, value: StructWire | undefined): WireMessage | string {
  const json = structToJson(value);
  if (!isKnownTypeUrl(typeUrl)) return json;
  try {
    return decodeMessage(typeUrl, encodeProtoJsonMessage(typeUrl, json));
  } catch (err) {
    return `TypedStruct for '${typeUrl}': ${(err as Error).message}`;
  }
}

/** Envoy's wording for a typed_config nothing is registered for. */
export function unknownExtensionMessage(name: string, typeUrl: string): string {
  return `Didn't find a registered implementation for '${name}' with type URL: '${typeUrl.slice(typeUrl.lastIndexOf('/') + 1)}'`;
}
