/**
 * Debouncing of config changes, with Istio's semantics and defaults
 * (PILOT_DEBOUNCE_AFTER = 100 ms, PILOT_DEBOUNCE_MAX = 10 s): a burst of
 * changes becomes one push once no change has arrived for the quiet period,
 * or once the first change of the burst is `maxDelayMs` old, whichever comes
 * first, so a steady stream of changes cannot starve proxies.
 */
import type { Cancel, Clock } from '@skiff/common';

export interface DebounceOptions {
  readonly quietMs: number;
  readonly maxDelayMs: number;
}

export const ISTIO_DEBOUNCE: DebounceOptions = { quietMs: 100, maxDelayMs: 10_000 };

export class Debouncer<T> {
  readonly #clock: Clock;
  readonly #options: DebounceOptions;
  readonly #merge: (a: T, b: T) => T;
  readonly #fire: (merged: T) => void;
  #pending: T | undefined;
  #firstAt = 0;
  #lastAt = 0;
  #timer: Cancel | undefined;

  constructor(clock: Clock, options: DebounceOptions, merge: (a: T, b: T) => T, fire: (merged: T) => void) {
    this.#clock = clock;
    this.#options = options;
    this.#merge = merge;
    this.#fire = fire;
  }

  get hasPending(): boolean {
    return this.#pending !== undefined;
  }

  add(event: T): void {
    const now = this.#clock.now();
    if (this.#pending === undefined) {
      this.#pending = event;
      this.#firstAt = now;
      this.#arm(this.#options.quietMs);
    } else {
      this.#pending = this.#merge(this.#pending, event);
    }
    this.#lastAt = now;
  }

  /** Pushes whatever is pending now, without waiting. */
  flush(): void {
    this.#timer?.();
    this.#timer = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined) this.#fire(pending);
  }

  close(): void {
    this.#timer?.();
    this.#timer = undefined;
    this.#pending = undefined;
  }

  #arm(ms: number): void {
    this.#timer = this.#clock.setTimeout(() => this.#check(), ms);
  }

  #check(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    const sinceFirst = now - this.#firstAt;
    const quiet = now - this.#lastAt;
    if (sinceFirst >= this.#options.maxDelayMs || quiet >= this.#options.quietMs) {
      this.flush();
      return;
    }
    // Wake at the end of the quiet period, or at the max delay if that comes sooner.
    this.#arm(Math.min(this.#options.quietMs - quiet, this.#options.maxDelayMs - sinceFirst));
  }
}
