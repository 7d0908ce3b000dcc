/**
 * One local rate limiter (Envoy's LocalRateLimiterImpl): the default token
 * bucket plus one bucket per configured descriptor. A request's descriptors
 * are matched verbatim against the configured ones (first full match wins);
 * the default bucket is consumed as well unless
 * always_consume_default_token_bucket is false and a descriptor matched.
 * Built once per config (or once per downstream connection with
 * local_rate_limit_per_downstream_connection).
 */
import type { Clock } from '@skiff/common';
import type { DescriptorConfig, LocalRateLimitConfig } from './config.ts';
import { TokenBucket } from './token-bucket.ts';

export type RequestDescriptor = readonly { readonly key: string; readonly value: string }[];

function sameEntries(a: DescriptorConfig['entries'], b: RequestDescriptor): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].key !== b[i].key || a[i].value !== b[i].value) return false;
  return true;
}

export class LocalRateLimiter {
  readonly #default: TokenBucket | undefined;
  readonly #descriptors: readonly { readonly config: DescriptorConfig; readonly bucket: TokenBucket }[];
  readonly #alwaysConsumeDefault: boolean;

  constructor(config: LocalRateLimitConfig, clock: Clock) {
    this.#default = config.tokenBucket && new TokenBucket(config.tokenBucket, clock);
    this.#descriptors = config.descriptors.map((d) => ({ config: d, bucket: new TokenBucket(d.tokenBucket, clock) }));
    this.#alwaysConsumeDefault = config.alwaysConsumeDefaultTokenBucket;
  }

  /** Takes a token from the matched descriptor bucket and/or the default one; false: rate limited. Returns the bucket that decided, for x-ratelimit headers. */
  requestAllowed(descriptors: readonly RequestDescriptor[]): { allowed: boolean; bucket: TokenBucket | undefined } {
    let matched: TokenBucket | undefined;
    for (const d of descriptors) {
      const hit = this.#descriptors.find((c) => sameEntries(c.config.entries, d));
      if (hit) {
        matched = hit.bucket;
        break;
      }
    }
    if (matched !== undefined) {
      if (!matched.consume()) return { allowed: false, bucket: matched };
      if (!this.#alwaysConsumeDefault || this.#default === undefined) return { allowed: true, bucket: matched };
    }
    if (this.#default === undefined) return { allowed: true, bucket: matched };
    return { allowed: this.#default.consume(), bucket: matched ?? this.#default };
  }
}
