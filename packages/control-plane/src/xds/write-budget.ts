/**
 * A bound on response bytes written to ADS streams but not yet handed to
 * the network, across all connections (Istio bounds concurrent pushes with
 * PILOT_PUSH_THROTTLE for the same reason). Without it, an initial sync of
 * a thousand proxies serializes every proxy's full state at once and holds
 * it all in memory until the sockets drain; with it, responses past the
 * bound wait in their connection's queue, where they are only references
 * to shared, already encoded resources (packed-response.ts).
 *
 * A response larger than the whole bound still goes out when nothing else
 * is in flight, so no connection can be stuck behind the limit.
 */
export class WriteBudget {
  readonly limitBytes: number;
  #inFlight = 0;
  /** In order; each returns false while what it waits to write still does not fit (it then stays first). */
  readonly #waiters: (() => boolean)[] = [];

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  get inFlightBytes(): number {
    return this.#inFlight;
  }

  /**
   * Takes `bytes` if they fit (or if nothing is in flight) and nobody is
   * waiting ahead (`waited`: the caller is the waiter being woken); false
   * means wait() and try again.
   */
  tryAcquire(bytes: number, waited = false): boolean {
    if (!waited && this.#waiters.length > 0) return false;
    if (this.#inFlight > 0 && this.#inFlight + bytes > this.limitBytes) return false;
    this.#inFlight += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#inFlight -= bytes;
    // First come, first served: stop at the first waiter that still does not fit.
    while (this.#waiters.length > 0) {
      if (!this.#waiters[0]()) return;
      this.#waiters.shift();
    }
  }

  /**
   * Queues `retry`, called when bytes are released until it returns true
   * (it acquired what it needed, or no longer needs to).
   */
  wait(retry: () => boolean): void {
    this.#waiters.push(retry);
  }
}

/** No bound (tests and embedders that do not care). */
export const UNBOUNDED_BUDGET = new WriteBudget(Number.POSITIVE_INFINITY);
