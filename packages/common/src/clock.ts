/**
 * Time, injected. Code in control-plane/, proxy/, ca/ and config/store never
 * calls Date.now() or setTimeout directly, so tests can drive time by hand.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): Cancel;
  setInterval(fn: () => void, ms: number): Cancel;
}

export type Cancel = () => void;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  },
};

/** A clock that moves only when told to; timers fire in deadline order during `advance`. */
export class FakeClock implements Clock {
  #now: number;
  #timers: { at: number; every?: number; fn: () => void; id: number }[] = [];
  #nextId = 0;

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): Cancel {
    return this.#add(fn, ms, undefined);
  }

  setInterval(fn: () => void, ms: number): Cancel {
    return this.#add(fn, ms, Math.max(1, ms));
  }

  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.#timers[0];
      if (!next || next.at > target) break;
      this.#now = next.at;
      if (next.every === undefined) this.#timers.shift();
      else next.at += next.every;
      next.fn();
    }
    this.#now = target;
  }

  #add(fn: () => void, ms: number, every: number | undefined): Cancel {
    const timer = { at: this.#now + Math.max(0, ms), every, fn, id: this.#nextId++ };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }
}
