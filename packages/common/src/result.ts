/** A value or every reason it could not be made; `parse*` functions return this. */
export type Result<T, E = string> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly E[] };

export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

export function fail<E>(...errors: E[]): Result<never, E> {
  return { ok: false, errors };
}
