/**
 * Constructors for schema descriptors. Kinds are declared with these, e.g.
 *
 *   export const HTTPRetry = message('istio.networking.v1alpha3.HTTPRetry', {
 *     attempts: int32(), perTryTimeout: duration(), retryOn: string(),
 *   });
 *   export type HTTPRetry = Infer<typeof HTTPRetry>;
 */
import type {
  AnySchema, ArraySchema, BoolSchema, BytesSchema, DurationSchema, EnumSchema, Fields, IntOrStringSchema,
  LazySchema, MapSchema, MessageOptions, MessageSchema, NumberSchema, QuantitySchema, Schema, StringSchema,
  TimestampSchema, Infer,
} from './schema.ts';

export const string = <T extends string = string>(): StringSchema<T> => ({ type: 'string' });
export const bool = (): BoolSchema => ({ type: 'bool' });
export const int32 = (): NumberSchema => ({ type: 'number', format: 'int32' });
export const uint32 = (): NumberSchema => ({ type: 'number', format: 'uint32' });
export const int64 = (): NumberSchema => ({ type: 'number', format: 'int64' });
export const uint64 = (): NumberSchema => ({ type: 'number', format: 'uint64' });
export const double = (): NumberSchema => ({ type: 'number', format: 'double' });
export const float = (): NumberSchema => ({ type: 'number', format: 'float' });
export const duration = (): DurationSchema => ({ type: 'duration' });
export const timestamp = (): TimestampSchema => ({ type: 'timestamp' });
export const bytes = (): BytesSchema => ({ type: 'bytes' });
export const intOrString = (): IntOrStringSchema => ({ type: 'intOrString' });
export const quantity = (): QuantitySchema => ({ type: 'quantity' });
/** google.protobuf.Struct: any JSON object. */
export const struct = (): AnySchema => ({ type: 'any', objectOnly: true });
/** google.protobuf.Value: any JSON value. */
export const anyValue = (): AnySchema => ({ type: 'any', objectOnly: false });

export function enumOf<const V extends string>(name: string, values: readonly V[]): EnumSchema<V> {
  return { type: 'enum', name, values };
}

export function array<S extends Schema<any>>(items: S): ArraySchema<Infer<S>> {
  return { type: 'array', items: items as Schema<Infer<S>> };
}

export function map<S extends Schema<any>>(values: S): MapSchema<Infer<S>> {
  return { type: 'map', values: values as Schema<Infer<S>> };
}

export function message<const F extends Fields>(name: string, fields: F, options: MessageOptions = {}): MessageSchema<F> {
  return { type: 'message', name, fields, ...options };
}

/** For recursive messages: the schema is looked up when first walked. */
export function lazy<T>(get: () => Schema<any>): LazySchema<T> {
  return { type: 'lazy', get };
}
