/**
 * What every balancer shares (Envoy's LoadBalancerBase): the priority load
 * computed from each priority's health and overprovisioning factor
 * (failover to the next priority as health drops below 100/factor), panic
 * mode per priority below healthy_panic_threshold (then all its hosts are
 * used), and retry host predicates. A concrete balancer only builds a table
 * from a host list and picks from it. Tables and loads are rebuilt on
 * onHostsChanged and published as a new immutable picker.
 */
import type { Host } from '../upstream/host.ts';
import type { PrioritySet } from '../upstream/priority-set.ts';
import type { HostPicker, LbContext, LbRequestContext, LoadBalancer } from './types.ts';

export interface PickTable<T> {
  build(hosts: readonly Host[]): T;
  /** `hash` is the request hash, or a random 32-bit value when the request has none. */
  pick(table: T, hash: number, hosts: readonly Host[]): Host | null;
}

interface PriorityState<T> {
  readonly hosts: readonly Host[];
  readonly table: T;
  readonly panic: boolean;
}

/** Per-priority load in percent (Envoy's recalculatePerPriorityState), summing to 100 when any host exists. */
export function priorityLoads(prioritySet: PrioritySet): number[] {
  const sets = prioritySet.hostSets;
  const health = sets.map((s) => (s.hosts.length === 0 ? 0 : Math.min(100, Math.floor((s.overprovisioningFactor * s.healthyHosts.length) / s.hosts.length))));
  const total = Math.min(100, health.reduce((a, b) => a + b, 0));
  const loads = sets.map(() => 0);
  if (sets.length === 0) return loads;
  if (total === 0) {
    loads[0] = 100;
    return loads;
  }
  let remaining = 100;
  for (let i = 0; i < sets.length; i++) {
    loads[i] = Math.min(remaining, Math.floor((health[i] * 100) / total));
    remaining -= loads[i];
  }
  // Rounding leftovers go to the first priority with load (Envoy does the same).
  const first = loads.findIndex((l) => l > 0);
  if (remaining > 0) loads[first >= 0 ? first : 0] += remaining;
  return loads;
}

class Picker<T> implements HostPicker {
  readonly #states: readonly PriorityState<T>[];
  /** Cumulative load per priority, for choosing one with a value in [0, 100). */
  readonly #cumulative: readonly number[];
  readonly #table: PickTable<T>;
  readonly #ctx: LbContext;

  constructor(states: readonly PriorityState<T>[], loads: readonly number[], table: PickTable<T>, ctx: LbContext) {
    this.#states = states;
    let sum = 0;
    this.#cumulative = loads.map((l) => (sum += l));
    this.#table = table;
    this.#ctx = ctx;
  }

  pick(req: LbRequestContext | null): Host | null {
    const attempts = req === null ? 1 : 1 + req.hostSelectionRetryMaxAttempts;
    let chosen: Host | null = null;
    for (let i = 0; i < attempts; i++) {
      const hash = req?.hashKey !== undefined && i === 0 ? req.hashKey : (this.#ctx.random.next() * 0x1_0000_0000) >>> 0;
      chosen = this.#pickOnce(hash);
      if (chosen === null || req === null || !req.shouldSelectAnotherHost(chosen)) return chosen;
    }
    return chosen;
  }

  #pickOnce(hash: number): Host | null {
    const states = this.#states;
    if (states.length === 0) return null;
    let p = 0;
    if (states.length > 1) {
      const point = hash % 100;
      while (p < states.length - 1 && point >= this.#cumulative[p]) p++;
    }
    const s = states[p];
    if (s.hosts.length === 0) return null;
    return this.#table.pick(s.table, hash, s.hosts);
  }
}

/** A LoadBalancer over `PickTable<T>`: the shared priority, panic and predicate logic. */
export class PrioritizedBalancer<T> implements LoadBalancer {
  #picker: HostPicker;
  readonly #prioritySet: PrioritySet;
  readonly #table: PickTable<T>;
  readonly #ctx: LbContext;

  constructor(prioritySet: PrioritySet, table: PickTable<T>, ctx: LbContext) {
    this.#prioritySet = prioritySet;
    this.#table = table;
    this.#ctx = ctx;
    this.#picker = this.#build();
  }

  get picker(): HostPicker {
    return this.#picker;
  }

  onHostsChanged(): void {
    this.#picker = this.#build();
  }

  destroy(): void {}

  #build(): HostPicker {
    const threshold = this.#ctx.healthyPanicThresholdPercent;
    const states = this.#prioritySet.hostSets.map((s): PriorityState<T> => {
      const panic = s.hosts.length > 0 && threshold > 0 && (100 * s.healthyHosts.length) / s.hosts.length < threshold;
      const hosts = panic ? s.hosts : s.healthyHosts;
      return { hosts, table: this.#table.build(hosts), panic };
    });
    return new Picker(states, priorityLoads(this.#prioritySet), this.#table, this.#ctx);
  }
}
