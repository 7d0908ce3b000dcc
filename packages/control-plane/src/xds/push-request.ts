/**
 * Why a push happens (Istio's PushRequest). Requests arriving inside one
 * debounce window are merged: reasons add up, and the start time is the
 * earliest, so convergence time is measured from the first change.
 */
export interface PushRequest {
  /** Reasons, e.g. `config:VirtualService/default/reviews`, `endpoint`. */
  readonly reasons: readonly string[];
  /** Clock time (ms) of the first change that led to this push. */
  readonly startMs: number;
}

export function mergePushRequests(a: PushRequest, b: PushRequest): PushRequest {
  return { reasons: [...a.reasons, ...b.reasons], startMs: Math.min(a.startMs, b.startMs) };
}
