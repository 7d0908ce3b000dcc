/**
 * A re-armable deadline on an injected Clock that costs one clock read per
 * re-arm, not one timer: moving the deadline later only records it, and the
 * underlying timer, when it fires early, schedules itself again for what is
 * left (the trick Node's own socket timeouts use). Connections arm it on every
 * request without allocating.
 */
import type { Cancel, Clock } from '@skiff/common';

export class LazyTimer {
  readonly #clock: Clock;
  readonly #onExpire: () => void;
  /** Absolute deadline in ms; 0 when disarmed. */
  #deadline = 0;
  #cancel: Cancel | null = null;
  #scheduledAt = 0;
  readonly #fire = (): void => {
    this.#cancel = null;
    if (this.#deadline === 0) return;
    const left = this.#deadline - this.#clock.now();
    if (left > 0) {
      this.#schedule(left);
      return;
    }
    this.#deadline = 0;
    this.#onExpire();
  };

  constructor(clock: Clock, onExpire: () => void) {
    this.#clock = clock;
    this.#onExpire = onExpire;
  }

  get isArmed(): boolean {
    return this.#deadline !== 0;
  }

  /** Fires `onExpire` after `ms` unless re-armed or disarmed first. `ms` ≤ 0 disarms. */
  arm(ms: number): void {
    if (ms <= 0) {
      this.#deadline = 0;
      return;
    }
    const deadline = this.#clock.now() + ms;
    this.#deadline = deadline;
    if (this.#cancel !== null && this.#scheduledAt <= deadline) return;
    this.#cancel?.();
    this.#schedule(ms);
  }

  /** Forgets the deadline; the pending timer, if any, fires into nothing (use stop() at teardown). */
  disarm(): void {
    this.#deadline = 0;
  }

  /** Disarms and cancels the underlying timer, so nothing keeps the process alive. Idempotent. */
  stop(): void {
    this.#deadline = 0;
    this.#cancel?.();
    this.#cancel = null;
  }

  #schedule(ms: number): void {
    this.#scheduledAt = this.#clock.now() + ms;
    this.#cancel = this.#clock.setTimeout(this.#fire, ms);
  }
}
