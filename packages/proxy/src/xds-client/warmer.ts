/**
 * Envoy's warming for clusters and listeners. A new or updated resource
 * stays warming (the previous version, if any, stays active) until its
 * dependencies are present — an EDS cluster's ClusterLoadAssignment, a
 * listener's route configurations — or until the initial fetch timeout
 * passes, after which it goes active with what it has, so a resource the
 * control plane never sends cannot block the proxy forever.
 */
import type { Cancel, Clock } from '@skiff/common';
import type { ResourceEntry } from './types.ts';

export interface WarmerOptions<C> {
  readonly clock: Clock;
  /** Envoy's default initial_fetch_timeout: 15 s. */
  readonly timeoutMs: number;
  /** Whether everything the resource depends on has arrived. */
  readonly isReady: (config: C) => boolean;
  /** A warming resource was released by the timeout. */
  readonly onTimeout: (name: string) => void;
}

export class Warmer<C> {
  readonly #options: WarmerOptions<C>;
  readonly #active = new Map<string, ResourceEntry<C>>();
  readonly #warming = new Map<string, { entry: ResourceEntry<C>; cancel: Cancel }>();

  constructor(options: WarmerOptions<C>) {
    this.#options = options;
  }

  get active(): ReadonlyMap<string, ResourceEntry<C>> {
    return this.#active;
  }

  get warming(): ReadonlyMap<string, ResourceEntry<C>> {
    return new Map([...this.#warming].map(([name, w]) => [name, w.entry]));
  }

  get warmingCount(): number {
    return this.#warming.size;
  }

  /**
   * Brings the warmer in line with the accepted resources: new and changed
   * entries warm (or go straight to active when ready), removed ones leave
   * both sets. Returns whether the active set changed.
   */
  sync(accepted: ReadonlyMap<string, ResourceEntry<C>>): boolean {
    let changed = false;
    for (const name of [...this.#active.keys()]) {
      if (!accepted.has(name)) changed = this.#active.delete(name) || changed;
    }
    for (const [name, w] of [...this.#warming]) {
      if (accepted.get(name) !== w.entry) {
        w.cancel();
        this.#warming.delete(name);
      }
    }
    for (const [name, entry] of accepted) {
      if (this.#active.get(name) === entry || this.#warming.has(name)) continue;
      if (this.#options.isReady(entry.config)) {
        this.#active.set(name, entry);
        changed = true;
      } else {
        const cancel = this.#options.clock.setTimeout(() => this.#release(name, entry), this.#options.timeoutMs);
        this.#warming.set(name, { entry, cancel });
      }
    }
    return this.promoteReady() || changed;
  }

  /** Promotes every warming resource whose dependencies arrived. Returns whether any did. */
  promoteReady(): boolean {
    let changed = false;
    for (const [name, w] of [...this.#warming]) {
      if (this.#options.isReady(w.entry.config)) {
        w.cancel();
        this.#warming.delete(name);
        this.#active.set(name, w.entry);
        changed = true;
      }
    }
    return changed;
  }

  close(): void {
    for (const w of this.#warming.values()) w.cancel();
    this.#warming.clear();
  }

  #release(name: string, entry: ResourceEntry<C>): void {
    if (this.#warming.get(name)?.entry !== entry) return;
    this.#warming.delete(name);
    this.#active.set(name, entry);
    this.#options.onTimeout(name);
  }
}
