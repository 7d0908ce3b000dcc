/**
 * A route's retry policy compiled once per RetryPolicyConfig (cached by
 * object, so per request nothing is parsed): retry_on as a bitmask, the
 * retriable status codes as a set, previous_hosts, back-off. Envoy's
 * conditions: 5xx (any 5xx, resets, connect failures, per-try timeouts),
 * gateway-error (502/503/504, plus the same local failures), reset,
 * connect-failure, retriable-status-codes, retriable-4xx (409),
 * refused-stream (HTTP/2 only; never seen on HTTP/1).
 */
import type { RetryPolicyConfig } from '../../../http/route-table/index.ts';

export const RetryOn = {
  '5xx': 1,
  'gateway-error': 2,
  reset: 4,
  'connect-failure': 8,
  'retriable-status-codes': 16,
  'refused-stream': 32,
  'retriable-4xx': 64,
} as const;

/** What went wrong with an attempt, for the retry decision. */
export type AttemptFailure = 'reset' | 'refused-stream' | 'connect-failure' | 'per-try-timeout' | 'overflow';

export interface CompiledRetryPolicy {
  readonly config: RetryPolicyConfig;
  readonly retryOn: number;
  readonly statusCodes: ReadonlySet<number>;
  readonly previousHosts: boolean;
}

const cache = new WeakMap<RetryPolicyConfig, CompiledRetryPolicy>();

export function compileRetryPolicy(config: RetryPolicyConfig): CompiledRetryPolicy {
  let c = cache.get(config);
  if (c === undefined) {
    let retryOn = 0;
    for (const cond of config.retryOn) retryOn |= (RetryOn as Record<string, number>)[cond] ?? 0;
    c = {
      config,
      retryOn,
      statusCodes: new Set(config.retriableStatusCodes),
      previousHosts: config.retryHostPredicates.includes('envoy.retry_host_predicates.previous_hosts'),
    };
    cache.set(config, c);
  }
  return c;
}

export function retriableStatus(p: CompiledRetryPolicy, status: number): boolean {
  const on = p.retryOn;
  if ((on & RetryOn['5xx']) !== 0 && status >= 500) return true;
  if ((on & RetryOn['gateway-error']) !== 0 && (status === 502 || status === 503 || status === 504)) return true;
  if ((on & RetryOn['retriable-4xx']) !== 0 && status === 409) return true;
  return (on & RetryOn['retriable-status-codes']) !== 0 && p.statusCodes.has(status);
}

export function retriableFailure(p: CompiledRetryPolicy, failure: AttemptFailure): boolean {
  if (failure === 'overflow') return false;
  const on = p.retryOn;
  if ((on & (RetryOn['5xx'] | RetryOn['gateway-error'])) !== 0) return true;
  if (failure === 'connect-failure') return (on & (RetryOn['connect-failure'] | RetryOn.reset)) !== 0;
  if (failure === 'refused-stream') return (on & (RetryOn['refused-stream'] | RetryOn.reset)) !== 0;
  return (on & RetryOn.reset) !== 0;
}
