/**
 * HTTPRetry → Envoy RetryPolicy, as Istio's pilot/pkg/networking/core/route/retry
 * builds it. Unset retries get Istio's default policy (2 attempts on
 * `connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes`
 * with retriable status 503, preferring hosts not tried yet, 5
 * host-selection attempts); a policy that sets `attempts` starts from it,
 * and a `retryOn` replaces both retry_on and the status codes; `attempts: 0`
 * disables retries; a route with a consistent-hash policy drops the
 * previous-hosts predicate, since retrying elsewhere would defeat the hash.
 */
import { TypeUrl, type HTTPRetry } from '@skiff/api';
import { parseDurationMs } from '@skiff/common';
import { protoDuration } from '../cluster/wire.ts';
import type { RetryPolicyWire } from './wire.ts';

export const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';
export const DEFAULT_RETRY_ATTEMPTS = 2;
/** Istio's DefaultPolicy retries 503 (unless PILOT_EXCLUDE_503_FROM_DEFAULT_RETRIES). */
export const DEFAULT_RETRIABLE_STATUS_CODES: readonly number[] = [503];
export const PREVIOUS_HOSTS_PREDICATE = 'envoy.retry_host_predicates.previous_hosts';
export const PREVIOUS_PRIORITIES = 'envoy.retry_priorities.previous_priorities';

const PREVIOUS_HOSTS_CONFIG = { '@type': TypeUrl.PreviousHostsPredicate } as const;
/** Istio's update frequency for retryRemoteLocalities. */
const PREVIOUS_PRIORITIES_CONFIG = { '@type': TypeUrl.PreviousPrioritiesConfig, update_frequency: 2 } as const;

/** The HTTP status codes Go's http.StatusText knows: Istio treats only these as codes in retryOn. */
const KNOWN_STATUS = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424,
  425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

export function buildRetryPolicy(retries: HTTPRetry | undefined, hasHashPolicy: boolean): RetryPolicyWire | undefined {
  const base = {
    retry_on: DEFAULT_RETRY_ON,
    num_retries: { value: DEFAULT_RETRY_ATTEMPTS },
    // Without it `retriable-status-codes` in retry_on would retry nothing.
    retriable_status_codes: DEFAULT_RETRIABLE_STATUS_CODES,
    host_selection_retry_max_attempts: '5',
  };
  const predicate = { retry_host_predicate: [{ name: PREVIOUS_HOSTS_PREDICATE, typed_config: PREVIOUS_HOSTS_CONFIG }] };
  if (retries === undefined) return hasHashPolicy ? base : { ...base, ...predicate };
  if ((retries.attempts ?? 0) <= 0) return undefined;
  let retryOn = base.retry_on;
  let codes: readonly number[] = base.retriable_status_codes;
  if (retries.retryOn) {
    ({ retryOn, codes } = parseRetryOn(retries.retryOn));
    if (codes.length > 0 && !retryOn.includes('retriable-status-codes')) retryOn = retryOn === '' ? 'retriable-status-codes' : `${retryOn},retriable-status-codes`;
  }
  let ignorePrevious = !hasHashPolicy;
  if (retries.retryIgnorePreviousHosts !== undefined) ignorePrevious = retries.retryIgnorePreviousHosts;
  const perTry = retries.perTryTimeout !== undefined ? parseDurationMs(retries.perTryTimeout) : undefined;
  const backoff = retries.backoff !== undefined ? parseDurationMs(retries.backoff) : undefined;
  return {
    retry_on: retryOn,
    num_retries: { value: retries.attempts ?? 0 },
    ...(codes.length > 0 ? { retriable_status_codes: codes } : {}),
    host_selection_retry_max_attempts: base.host_selection_retry_max_attempts,
    ...(perTry !== undefined ? { per_try_timeout: protoDuration(perTry) } : {}),
    ...(ignorePrevious ? predicate : {}),
    ...(retries.retryRemoteLocalities ? { retry_priority: { name: PREVIOUS_PRIORITIES, typed_config: PREVIOUS_PRIORITIES_CONFIG } } : {}),
    ...(backoff !== undefined ? { retry_back_off: { base_interval: protoDuration(backoff) } } : {}),
  };
}

/** Istio's parseRetryOn: numbers that are HTTP status codes become retriable_status_codes, the rest stays. */
export function parseRetryOn(text: string): { retryOn: string; codes: number[] } {
  const keep: string[] = [];
  const codes: number[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const n = /^[+-]?\d+$/.test(part) ? Number(part) : NaN;
    if (KNOWN_STATUS.has(n)) codes.push(n);
    else keep.push(part);
  }
  return { retryOn: keep.join(','), codes };
}
