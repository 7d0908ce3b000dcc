/**
 * Schema descriptors for the configuration model: plain data that says what
 * each field of a resource may hold, with the TypeScript type of a decoded
 * value carried along as a phantom, so one declaration gives both the type
 * (`Infer<typeof X>`) and what `@skiff/config` checks at the boundary.
 *
 * The rules follow what Istio's CRDs and protojson accept: unknown fields are
 * errors, every field is optional unless a validator says otherwise, enums
 * are written by name, durations use Go's syntax (`5s`, `1m`, `100ms`).
 * This module holds no decoding logic; `@skiff/config` walks these shapes.
 */

declare const phantom: unique symbol;

interface SchemaBase<T> {
  /** Never set: carries the decoded TypeScript type for `Infer`. */
  readonly [phantom]?: T;
  readonly description?: string;
}

export interface StringSchema<T extends string = string> extends SchemaBase<T> { readonly type: 'string' }
export interface BoolSchema extends SchemaBase<boolean> { readonly type: 'bool' }
export type NumberFormat = 'int32' | 'uint32' | 'int64' | 'uint64' | 'double' | 'float';
export interface NumberSchema extends SchemaBase<number> { readonly type: 'number'; readonly format: NumberFormat }
/** Go duration text such as `1.5s` or `1m30s`; kept as written so `get -o yaml` shows what was applied. */
export interface DurationSchema extends SchemaBase<string> { readonly type: 'duration' }
/** RFC 3339 text (`2026-01-02T03:04:05Z`). */
export interface TimestampSchema extends SchemaBase<string> { readonly type: 'timestamp' }
/** Base64 text, as in a Secret's `data`. */
export interface BytesSchema extends SchemaBase<string> { readonly type: 'bytes' }
/** Kubernetes IntOrString (`targetPort: 8080` or `targetPort: http`). */
export interface IntOrStringSchema extends SchemaBase<number | string> { readonly type: 'intOrString' }
/** Kubernetes resource quantity (`100m`, `128Mi`, `2`). */
export interface QuantitySchema extends SchemaBase<number | string> { readonly type: 'quantity' }
export interface EnumSchema<V extends string = string> extends SchemaBase<V> {
  readonly type: 'enum';
  /** Fully qualified proto enum name, used in error messages. */
  readonly name: string;
  readonly values: readonly V[];
}
export interface ArraySchema<T = unknown> extends SchemaBase<T[]> { readonly type: 'array'; readonly items: Schema<T> }
export interface MapSchema<T = unknown> extends SchemaBase<Record<string, T>> { readonly type: 'map'; readonly values: Schema<T> }
/** google.protobuf.Struct / Value: any JSON, checked by whoever consumes it (EnvoyFilter patches, status). */
export interface AnySchema extends SchemaBase<unknown> { readonly type: 'any'; readonly objectOnly: boolean }
export interface LazySchema<T = unknown> extends SchemaBase<T> { readonly type: 'lazy'; readonly get: () => Schema<T> }

export interface MessageOptions {
  /** Groups of fields of which at most one may be set (proto `oneof`). */
  readonly oneofs?: readonly (readonly string[])[];
  /** Fields still accepted but deprecated, with what to use instead. */
  readonly deprecated?: Readonly<Record<string, string>>;
  /**
   * Names users commonly write that are not fields of this message, with a
   * hint that replaces the generic "did you mean" suggestion.
   */
  readonly misspellings?: Readonly<Record<string, string>>;
  /**
   * This message and everything under it is read as protojson reads it, as
   * Istio reads MeshConfig: proto field names (`resource_detectors`) are
   * accepted beside JSON names, and integers may be written as strings.
   * CRD kinds keep the stricter Kubernetes rules.
   */
  readonly protoJson?: boolean;
}

export type Fields = Readonly<Record<string, Schema<any>>>;

export interface MessageSchema<F extends Fields = Fields> extends SchemaBase<MessageOf<F>>, MessageOptions {
  readonly type: 'message';
  /** Proto message name as Istio prints it, e.g. `istio.networking.v1alpha3.TrafficPolicy`. */
  readonly name: string;
  readonly fields: F;
}

export type Schema<T = unknown> =
  | StringSchema<T & string>
  | BoolSchema
  | NumberSchema
  | DurationSchema
  | TimestampSchema
  | BytesSchema
  | IntOrStringSchema
  | QuantitySchema
  | EnumSchema<T & string>
  | ArraySchema<any>
  | MapSchema<any>
  | AnySchema
  | MessageSchema<any>
  | LazySchema<T>;

/** The decoded TypeScript type a schema describes. */
export type Infer<S> = S extends { readonly [phantom]?: infer T } ? T : never;

export type MessageOf<F extends Fields> = { -readonly [K in keyof F]?: Infer<F[K]> };
