/**
 * Envoy's local rate limit token bucket (type.v3.TokenBucket): starts full
 * at max_tokens; every fill_interval adds tokens_per_fill, capped at
 * max_tokens. Fills are computed lazily from the injected clock when a
 * token is asked for (the same arithmetic as Envoy's fill timer, without a
 * timer per bucket), so a FakeClock drives it exactly.
 */
import type { Clock } from '@skiff/common';

export interface TokenBucketConfig {
  readonly maxTokens: number;
  /** Default 1, as Envoy. */
  readonly tokensPerFill: number;
  readonly fillIntervalMs: number;
}

export class TokenBucket {
  readonly config: TokenBucketConfig;
  readonly #clock: Clock;
  #tokens: number;
  /** Start of the current fill interval (ms since the epoch). */
  #intervalStartMs: number;

  constructor(config: TokenBucketConfig, clock: Clock) {
    this.config = config;
    this.#clock = clock;
    this.#tokens = config.maxTokens;
    this.#intervalStartMs = clock.now();
  }

  /** Takes one token if there is one. */
  consume(): boolean {
    this.#refill();
    if (this.#tokens <= 0) return false;
    this.#tokens--;
    return true;
  }

  /** Tokens left now (x-ratelimit-remaining). */
  get remaining(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Milliseconds until the next fill (x-ratelimit-reset, rounded up to seconds by the caller). */
  get msUntilFill(): number {
    this.#refill();
    return this.#intervalStartMs + this.config.fillIntervalMs - this.#clock.now();
  }

  #refill(): void {
    const { fillIntervalMs, tokensPerFill, maxTokens } = this.config;
    const elapsed = this.#clock.now() - this.#intervalStartMs;
    if (elapsed < fillIntervalMs) return;
    const fills = Math.floor(elapsed / fillIntervalMs);
    this.#intervalStartMs += fills * fillIntervalMs;
    this.#tokens = Math.min(maxTokens, this.#tokens + fills * tokensPerFill);
  }
}
