/**
 * Errors as the Kubernetes API server sends them: a `Status` object with
 * the HTTP code, a reason (NotFound, AlreadyExists, Conflict, Invalid,
 * Expired, BadRequest) and, for validation failures, the causes with their
 * field paths plus Skiff's own issues so clients can position them.
 */
import { isSkiffError } from '@skiff/common';
import { StoreErrorCode } from '@skiff/config';

export interface KubeStatus {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure' | 'Success';
  readonly message: string;
  readonly reason: string;
  readonly details?: Record<string, unknown>;
  readonly code: number;
}

export function statusOf(code: number, reason: string, message: string, details?: Record<string, unknown>): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export class HttpError extends Error {
  readonly status: KubeStatus;
  constructor(status: KubeStatus) {
    super(status.message);
    this.status = status;
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(statusOf(400, 'BadRequest', message));
}

export function notFoundResource(): HttpError {
  return new HttpError(statusOf(404, 'NotFound', 'the server could not find the requested resource'));
}

/** Maps store errors to their HTTP status; anything else is a 500 with the message (the stack stays in the log). */
export function toStatus(err: unknown): KubeStatus {
  if (err instanceof HttpError) return err.status;
  if (isSkiffError(err)) {
    const d = err.details as Record<string, unknown>;
    const base = { name: d.name, group: d.group, kind: typeof d.kind === 'string' ? d.kind.toLowerCase() : d.kind };
    switch (err.code) {
      case StoreErrorCode.NotFound: return statusOf(404, 'NotFound', err.message, base);
      case StoreErrorCode.AlreadyExists: return statusOf(409, 'AlreadyExists', err.message, base);
      case StoreErrorCode.Conflict: return statusOf(409, 'Conflict', err.message, base);
      case StoreErrorCode.Gone: return statusOf(410, 'Expired', err.message);
      case StoreErrorCode.Busy: return statusOf(503, 'ServiceUnavailable', err.message);
      case StoreErrorCode.Invalid: {
        const issues = (d.issues ?? []) as { severity: string; field: string; message: string }[];
        const causes = issues.filter((i) => i.severity === 'error').map((i) => ({ reason: 'FieldValueInvalid', field: i.field, message: i.message }));
        return statusOf(422, 'Invalid', err.message, { causes, issues });
      }
    }
    return statusOf(500, 'InternalError', err.message);
  }
  return statusOf(500, 'InternalError', (err as Error)?.message ?? String(err));
}
