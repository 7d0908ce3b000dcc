/**
 * One error type for the whole project: a stable `code` that callers and tests
 * match on, a message written for a person, and structured `details` for logs
 * and `-o json`. Wording users know from Envoy and Istio is kept verbatim.
 */
export class SkiffError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SkiffError';
    this.code = code;
    this.details = details;
  }
}

export function isSkiffError(err: unknown, code?: string): err is SkiffError {
  return err instanceof SkiffError && (code === undefined || err.code === code);
}
