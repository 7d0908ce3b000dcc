/**
 * What every balancer shares (Envoy's LoadBalancerBase and
 * ZoneAwareLoadBalancerBase): the priority load computed from each
 * priority's health and overprovisioning factor (failover to the next
 * priority as health drops below 100/factor; degraded hosts take only what
 * the healthy hosts of all priorities cannot), panic mode per priority below
 * healthy_panic_threshold (then all its hosts are used) — never while the
 * priorities together are fully available, and with load spread by host
 * count when every priority is in panic — locality weighted balancing when
 * common_lb_config.locality_weighted_lb_config is set, and retry host
 * predicates. A concrete balancer only builds a table from a host list and
 * picks from it. Tables and loads are rebuilt on onHostsChanged and
 * published as a new immutable picker.
 */
import type { Host } from '../upstream/host.ts';
import type { HostSet, PrioritySet } from '../upstream/priority-set.ts';
import type { HostPicker, LbContext, LbRequestContext, LoadBalancer } from './types.ts';

export interface PickTable<T> {
  /** `weights`, when given, replace the hosts' own weights (locality weighting for hashing balancers). */
  build(hosts: readonly Host[], weights?: readonly number[]): T;
  /** `hash` is the request hash, or a random 32-bit value when the request has none. */
  pick(table: T, hash: number, hosts: readonly Host[]): Host | null;
  /**
   * Hashing balancers (ring hash, maglev) weigh localities inside their one table, as Envoy's
   * ThreadAwareLoadBalancer does: host weight × its locality's share, instead of a locality pick first.
   */
  readonly localityWeightsAsHostWeights?: boolean;
}

interface LocalityState<T> {
  readonly hosts: readonly Host[];
  readonly table: T;
}

interface PriorityState<T> {
  readonly hosts: readonly Host[];
  readonly table: T;
  readonly panic: boolean;
  readonly degraded: LocalityState<T>;
  /** Locality weighted balancing: localities with effective weight > 0 and their cumulative weights. */
  readonly localities: readonly LocalityState<T>[] | null;
  readonly localityCumulative: readonly number[];
}

/** Per-priority availability in percent: min(100, overprovisioning × usable / hosts). */
function availability(sets: readonly HostSet[], usable: (s: HostSet) => number): number[] {
  return sets.map((s) => (s.hosts.length === 0 ? 0 : Math.min(100, Math.floor((s.overprovisioningFactor * usable(s)) / s.hosts.length))));
}

/** Envoy's isHostSetInPanic: healthy + degraded share under the threshold (an empty priority is in panic). */
function inPanic(s: HostSet, threshold: number): boolean {
  const usable = s.hosts.length === 0 ? 0 : (100 * (s.healthyHosts.length + s.degradedHosts.length)) / s.hosts.length;
  return usable < threshold;
}

/** Envoy's distributeLoad: as much of `total` as each priority's availability allows, in priority order. */
function distribute(loads: number[], avail: readonly number[], total: number, normalized: number): { first: number; remaining: number } {
  let first = -1;
  for (let i = 0; i < avail.length; i++) {
    if (first < 0 && avail[i] > 0) first = i;
    loads[i] = Math.min(total, Math.floor((avail[i] * 100) / normalized));
    total -= loads[i];
  }
  return { first, remaining: total };
}

/**
 * Per-priority load in percent (Envoy's recalculatePerPriorityState and
 * recalculatePerPriorityPanic), summing to 100 when any host exists.
 */
export function priorityLoads(prioritySet: PrioritySet, panicThresholdPercent = 50): number[] {
  return computeLoads(prioritySet.hostSets, panicThresholdPercent).loads;
}

/** Healthy load per priority, degraded load per priority (percent, together 100), and panic per priority. */
function computeLoads(sets: readonly HostSet[], threshold: number): { loads: number[]; degradedLoads: number[]; panic: boolean[] } {
  const loads = sets.map(() => 0);
  const degradedLoads = sets.map(() => 0);
  const panic = sets.map(() => false);
  if (sets.length === 0) return { loads, degradedLoads, panic };
  const health = availability(sets, (s) => s.healthyHosts.length);
  const degraded = availability(sets, (s) => s.degradedHosts.length);
  const total = Math.min(100, health.reduce((a, b) => a + b, 0) + degraded.reduce((a, b) => a + b, 0));
  if (total === 0) loads[0] = 100;
  else {
    const h = distribute(loads, health, 100, total);
    const d = distribute(degradedLoads, degraded, h.remaining, total);
    // Rounding leftovers go to the first priority with healthy hosts, else with degraded ones (Envoy does the same).
    if (d.remaining > 0) {
      if (h.first >= 0) loads[h.first] += d.remaining;
      else degradedLoads[d.first] += d.remaining;
    }
  }
  if (total === 0 && threshold === 0) return { loads, degradedLoads, panic };
  // Never panic while the priorities together are fully available, however unhealthy one of them is.
  for (let i = 0; i < sets.length; i++) panic[i] = total === 100 ? false : threshold > 0 && inPanic(sets[i], threshold);
  if (panic.every(Boolean)) {
    // Total panic: load by host count, healthy or not (Envoy's recalculateLoadInTotalPanic).
    const hostCount = sets.reduce((n, s) => n + s.hosts.length, 0);
    loads.fill(0);
    degradedLoads.fill(0);
    if (hostCount === 0) loads[0] = 100;
    else {
      let remaining = 100;
      for (let i = 0; i < sets.length; i++) {
        loads[i] = Math.floor((100 * sets[i].hosts.length) / hostCount);
        remaining -= loads[i];
      }
      loads[sets.findIndex((s) => s.hosts.length > 0)] += remaining;
    }
  }
  return { loads, degradedLoads, panic };
}

/**
 * Envoy's normalizeWeights for hashing balancers: each host weighs its
 * locality's share of the priority's locality weights times its share of
 * its locality's host weights; hosts of unweighted localities drop out.
 */
function normalizedWeights(s: HostSet, hosts: readonly Host[]): { hosts: Host[]; weights: number[] } {
  const localityWeight = new Map<string, number>();
  for (const h of s.hosts) localityWeight.set(localityKey(h), h.localityWeight ?? 0);
  const total = [...localityWeight.values()].reduce((a, b) => a + b, 0);
  const hostWeightSum = new Map<string, number>();
  for (const h of hosts) hostWeightSum.set(localityKey(h), (hostWeightSum.get(localityKey(h)) ?? 0) + h.weight);
  const out: { hosts: Host[]; weights: number[] } = { hosts: [], weights: [] };
  if (total === 0) return out;
  for (const h of hosts) {
    const key = localityKey(h);
    const w = ((localityWeight.get(key) ?? 0) / total) * (h.weight / (hostWeightSum.get(key) ?? 1));
    if (w <= 0) continue;
    out.hosts.push(h);
    out.weights.push(w);
  }
  return out;
}

function localityKey(h: Host): string {
  return `${h.locality.region}\u0000${h.locality.zone}\u0000${h.locality.subZone}`;
}

class Picker<T> implements HostPicker {
  readonly #states: readonly PriorityState<T>[];
  /** Cumulative load: the healthy load of each priority, then the degraded load of each, for a value in [0, 100). */
  readonly #cumulative: readonly number[];
  readonly #table: PickTable<T>;
  readonly #ctx: LbContext;

  constructor(states: readonly PriorityState<T>[], loads: readonly number[], degradedLoads: readonly number[], table: PickTable<T>, ctx: LbContext) {
    this.#states = states;
    let sum = 0;
    this.#cumulative = [...loads, ...degradedLoads].map((l) => (sum += l));
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
    let slot = 0;
    const cumulative = this.#cumulative;
    if (cumulative.length > 1) {
      const point = hash % 100;
      while (slot < cumulative.length - 1 && point >= cumulative[slot]) slot++;
    }
    const s = states[slot % states.length];
    // A priority in panic uses all its hosts, whichever of its loads chose it (Envoy's hostSourceToUse).
    if (slot >= states.length && !s.panic) {
      const degraded = s.degraded;
      return degraded.hosts.length === 0 ? null : this.#table.pick(degraded.table, hash, degraded.hosts);
    }
    if (s.localities !== null) {
      const weights = s.localityCumulative;
      if (weights.length === 0) return null;
      const point = this.#ctx.random.next() * weights[weights.length - 1];
      let l = 0;
      while (l < weights.length - 1 && point >= weights[l]) l++;
      const locality = s.localities[l];
      return this.#table.pick(locality.table, hash, locality.hosts);
    }
    if (s.hosts.length === 0) return null;
    return this.#table.pick(s.table, hash, s.hosts);
  }
}

/** A LoadBalancer over `PickTable<T>`: the shared priority, panic, locality and predicate logic. */
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
    const sets = this.#prioritySet.hostSets;
    const { loads, degradedLoads, panic } = computeLoads(sets, this.#ctx.healthyPanicThresholdPercent);
    const weighted = this.#ctx.localityWeightedLb === true;
    const inTable = this.#table.localityWeightsAsHostWeights === true;
    const states = sets.map((s, i): PriorityState<T> => {
      let hosts = panic[i] ? s.hosts : s.healthyHosts;
      // In panic every host is used and locality weights do not apply (Envoy's hostSourceToUse).
      const localities = weighted && !inTable && !panic[i] ? this.#localities(s) : null;
      let weights: number[] | undefined;
      if (weighted && inTable && !panic[i]) ({ hosts, weights } = normalizedWeights(s, hosts));
      let sum = 0;
      return {
        hosts,
        table: this.#table.build(hosts, weights),
        panic: panic[i],
        degraded: { hosts: s.degradedHosts, table: this.#table.build(s.degradedHosts) },
        localities: localities?.map((l) => ({ hosts: l.hosts, table: this.#table.build(l.hosts) })) ?? null,
        localityCumulative: localities?.map((l) => (sum += l.weight)) ?? [],
      };
    });
    return new Picker(states, loads, degradedLoads, this.#table, this.#ctx);
  }

  /** Localities of a priority with their effective weight: weight × min(1, overprovisioning × healthy / hosts). */
  #localities(s: HostSet): { hosts: readonly Host[]; weight: number }[] {
    const groups = new Map<string, { all: number; healthy: Host[]; weight: number }>();
    for (const h of s.hosts) {
      const key = localityKey(h);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { all: 0, healthy: [], weight: h.localityWeight ?? 0 }));
      g.all++;
      if (h.healthy) g.healthy.push(h);
    }
    const out: { hosts: readonly Host[]; weight: number }[] = [];
    for (const g of groups.values()) {
      const weight = g.weight * Math.min(1, (s.overprovisioningFactor / 100) * (g.healthy.length / g.all));
      if (weight > 0) out.push({ hosts: g.healthy, weight });
    }
    return out;
  }
}
