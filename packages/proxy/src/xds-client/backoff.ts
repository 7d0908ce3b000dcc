/**
 * Envoy's JitteredExponentialBackOffStrategy for the ADS stream: the n-th
 * retry waits a uniformly random time in [0, min(max, base × 2^n)) ("full
 * jitter"), so a fleet of proxies does not reconnect in lockstep. Reset after
 * the stream delivers a response.
 */
import type { Random } from '@skiff/common';

export interface BackoffOptions {
  /** Envoy's gRPC stream retry base: 500 ms. */
  readonly baseMs: number;
  /** Envoy's cap: 30 s. */
  readonly maxMs: number;
}

export const ENVOY_XDS_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

export class Backoff {
  readonly #options: BackoffOptions;
  readonly #random: Random;
  #attempt = 0;

  constructor(options: BackoffOptions, random: Random) {
    this.#options = options;
    this.#random = random;
  }

  /** The ceiling of the next delay (for logs and tests). */
  get ceilingMs(): number {
    return Math.min(this.#options.maxMs, this.#options.baseMs * 2 ** this.#attempt);
  }

  nextDelayMs(): number {
    const delay = Math.floor(this.#random.next() * this.ceilingMs);
    if (this.ceilingMs < this.#options.maxMs) this.#attempt++;
    return delay;
  }

  reset(): void {
    this.#attempt = 0;
  }
}
