/**
 * A cluster's hosts grouped by priority (Envoy's PrioritySet / HostSet):
 * each HostSet holds its hosts and, recomputed on every change, the healthy
 * subset and the degraded one (EDS health DEGRADED: usable, but only for the
 * load the healthy hosts of every priority cannot take). Load balancers read these immutable arrays; the cluster replaces
 * them (never mutates them in place) and then calls the balancer's
 * onHostsChanged.
 */
import { HealthFlag, type Host } from './host.ts';

export class HostSet {
  readonly priority: number;
  readonly hosts: readonly Host[];
  readonly healthyHosts: readonly Host[];
  readonly degradedHosts: readonly Host[];
  /** Percent; Envoy's default 140. */
  readonly overprovisioningFactor: number;

  constructor(priority: number, hosts: readonly Host[], overprovisioningFactor: number) {
    this.priority = priority;
    this.hosts = hosts;
    this.healthyHosts = hosts.filter((h) => h.healthy && !h.hasFlag(HealthFlag.DEGRADED_EDS_HEALTH));
    this.degradedHosts = hosts.filter((h) => h.healthy && h.hasFlag(HealthFlag.DEGRADED_EDS_HEALTH));
    this.overprovisioningFactor = overprovisioningFactor;
  }
}

/** What changed, for balancers that care (ring hash rebuilds either way). */
export interface HostSetChange {
  readonly reason: 'membership' | 'health';
}

export class PrioritySet {
  #hostSets: readonly HostSet[] = [];

  constructor(hosts: readonly Host[] = [], overprovisioningFactor = 140) {
    this.update(hosts, overprovisioningFactor);
  }

  get hostSets(): readonly HostSet[] {
    return this.#hostSets;
  }

  get allHosts(): readonly Host[] {
    return this.#hostSets.flatMap((s) => s.hosts);
  }

  /** Replaces membership: hosts grouped by their priority (gaps become empty sets). */
  update(hosts: readonly Host[], overprovisioningFactor: number): void {
    const max = hosts.reduce((m, h) => Math.max(m, h.priority), -1);
    const sets: HostSet[] = [];
    for (let p = 0; p <= max; p++) sets.push(new HostSet(p, hosts.filter((h) => h.priority === p), overprovisioningFactor));
    this.#hostSets = sets;
  }

  /** Recomputes the healthy subsets after health flags changed. */
  refreshHealth(): void {
    this.#hostSets = this.#hostSets.map((s) => new HostSet(s.priority, s.hosts, s.overprovisioningFactor));
  }
}
