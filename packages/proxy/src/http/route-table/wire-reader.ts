/**
 * Typed reads from a decoded xDS message (proto field names, int64 as
 * strings, wrappers as `{value}`, durations as `{seconds, nanos}`), each
 * reporting a wrong type with its field path. The parse functions use it so
 * that they can collect every error instead of stopping at the first.
 */
import { formatFieldPath, type FieldPath } from '@skiff/common';

export type WireObject = { readonly [field: string]: unknown };

export class ParseErrors {
  readonly #messages: string[] = [];

  add(path: FieldPath, message: string): void {
    this.#messages.push(path.length > 0 ? `${formatFieldPath(path)}: ${message}` : message);
  }

  get list(): readonly string[] {
    return this.#messages;
  }
}

export class WireReader {
  readonly errors: ParseErrors;

  constructor(errors: ParseErrors) {
    this.errors = errors;
  }

  object(obj: WireObject, key: string, at: FieldPath): WireObject | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.errors.add([...at, key], 'expected a message');
      return undefined;
    }
    return v as WireObject;
  }

  list(obj: WireObject, key: string, at: FieldPath): readonly unknown[] {
    const v = obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.errors.add([...at, key], 'expected a list');
      return [];
    }
    return v;
  }

  objects(obj: WireObject, key: string, at: FieldPath): readonly WireObject[] {
    return this.list(obj, key, at).map((v, i) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        this.errors.add([...at, key, i], 'expected a message');
        return {};
      }
      return v as WireObject;
    });
  }

  string(obj: WireObject, key: string, at: FieldPath): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      this.errors.add([...at, key], 'expected a string');
      return undefined;
    }
    return v;
  }

  strings(obj: WireObject, key: string, at: FieldPath): string[] {
    return this.list(obj, key, at).filter((v, i) => {
      if (typeof v === 'string') return true;
      this.errors.add([...at, key, i], 'expected a string');
      return false;
    }) as string[];
  }

  bool(obj: WireObject, key: string, at: FieldPath): boolean | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      this.errors.add([...at, key], 'expected a bool');
      return undefined;
    }
    return v;
  }

  /** uint32/int32/int64 (int64 arrives as a string). */
  number(obj: WireObject, key: string, at: FieldPath): number | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      this.errors.add([...at, key], 'expected a number');
      return undefined;
    }
    return n;
  }

  /** google.protobuf.{Bool,UInt32}Value: `{value}`. */
  wrapped<T extends 'boolean' | 'number'>(obj: WireObject, key: string, at: FieldPath, type: T): (T extends 'boolean' ? boolean : number) | undefined {
    const w = this.object(obj, key, at);
    if (!w) return undefined;
    const v = w.value ?? (type === 'boolean' ? false : 0);
    if (typeof v !== type) {
      this.errors.add([...at, key, 'value'], `expected a ${type === 'boolean' ? 'bool' : 'number'}`);
      return undefined;
    }
    return v as T extends 'boolean' ? boolean : number;
  }

  /** google.protobuf.Duration → milliseconds. */
  durationMs(obj: WireObject, key: string, at: FieldPath): number | undefined {
    const d = this.object(obj, key, at);
    if (!d) return undefined;
    const seconds = this.number(d, 'seconds', [...at, key]) ?? 0;
    const nanos = this.number(d, 'nanos', [...at, key]) ?? 0;
    if (seconds < 0 || nanos < 0) {
      this.errors.add([...at, key], 'value must be greater than or equal to 0s');
      return undefined;
    }
    return seconds * 1000 + nanos / 1e6;
  }
}
