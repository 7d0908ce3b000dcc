/**
 * Hosts of STRICT_DNS and LOGICAL_DNS clusters (Envoy's
 * StrictDnsClusterImpl / LogicalDnsCluster), found by resolving the names
 * in the cluster's load_assignment and published as an EndpointsConfig, so
 * the cluster updates membership exactly as for EDS (surviving hosts keep
 * their pools and outlier state).
 *
 * - STRICT_DNS: every lb_endpoint is a resolve target; each address it
 *   resolves to is a host (the endpoint's port, locality, priority, weight
 *   and health status; hostname = the name). Targets refresh on their own.
 * - LOGICAL_DNS: the one lb_endpoint resolves to a single logical host, the
 *   first address of the answer; a new answer moves it to the new first
 *   address (new connections go there, existing ones drain).
 *
 * Refresh: every dns_refresh_rate, or with respect_dns_ttl the answer's
 * smallest TTL (a zero or missing TTL falls back to the refresh rate). A
 * failed resolution keeps the hosts it had and tries again after the
 * refresh rate; an answer with no addresses empties the target. The first
 * answer of every target arrives before `ready` resolves.
 */
import type { Cancel, Clock } from '@skiff/common';
import type { ClusterConfig, EndpointsConfig, LbEndpointConfig, LocalityLbEndpointsConfig } from '../../xds-client/types.ts';
import { resolveFamily, type DnsRecord, type DnsResolver } from './dns-resolver.ts';

export interface DnsDiscoveryOptions {
  readonly cluster: ClusterConfig;
  readonly clock: Clock;
  readonly resolver: DnsResolver;
  readonly onUpdate: (endpoints: EndpointsConfig) => void;
  readonly log?: (line: string) => void;
}

interface Target {
  readonly locality: number;
  readonly endpoint: LbEndpointConfig;
  /** What the last successful answer gave; undefined until the first. */
  resolved: readonly LbEndpointConfig[] | undefined;
  cancel: Cancel | undefined;
}

export class DnsDiscovery {
  readonly #o: DnsDiscoveryOptions;
  readonly #targets: Target[] = [];
  readonly #localities: readonly LocalityLbEndpointsConfig[];
  readonly #logical: boolean;
  readonly ready: Promise<void>;
  #closed = false;
  #resolveReady!: () => void;

  constructor(o: DnsDiscoveryOptions) {
    this.#o = o;
    this.#logical = o.cluster.type === 'LOGICAL_DNS';
    this.#localities = o.cluster.loadAssignment?.localities ?? [];
    this.#localities.forEach((l, li) => {
      for (const endpoint of l.lbEndpoints) this.#targets.push({ locality: li, endpoint, resolved: undefined, cancel: undefined });
    });
    this.ready = new Promise((r) => {
      this.#resolveReady = r;
    });
    if (this.#targets.length === 0) this.#resolveReady();
    for (const t of this.#targets) void this.#resolve(t);
  }

  /** Stops refreshing. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const t of this.#targets) t.cancel?.();
  }

  async #resolve(t: Target): Promise<void> {
    const { cluster, resolver, clock, log } = this.#o;
    const dns = cluster.discovery.dns!;
    const name = t.endpoint.address.address;
    let records: readonly DnsRecord[] | undefined;
    try {
      records = await resolveFamily(resolver, name, dns.lookupFamily);
    } catch (err) {
      log?.(`cluster ${cluster.name}: DNS resolution for ${name} failed: ${(err as Error).message}`);
    }
    if (this.#closed) return;
    if (records !== undefined) {
      const chosen = this.#logical ? records.slice(0, 1) : records;
      const next = chosen.map((r) => ({ ...t.endpoint, address: { address: r.address, port: t.endpoint.address.port }, hostname: name }));
      const changed = t.resolved === undefined || !sameAddresses(t.resolved, next);
      t.resolved = next;
      if (changed) this.#publish();
    } else if (t.resolved === undefined) {
      t.resolved = []; // the first attempt failed: the cluster initializes without these hosts, as Envoy's
      this.#publish();
    }
    const ttl = dns.respectDnsTtl && records && records.length > 0 ? Math.min(...records.map((r) => r.ttlSeconds ?? 0)) : 0;
    const delayMs = ttl > 0 ? ttl * 1000 : dns.refreshRateMs;
    t.cancel = clock.setTimeout(() => void this.#resolve(t), delayMs);
  }

  #publish(): void {
    if (this.#targets.some((t) => t.resolved === undefined)) return; // the cluster initializes once every target answered
    const localities = this.#localities.map((l, li) => ({
      ...l,
      lbEndpoints: this.#targets.filter((t) => t.locality === li).flatMap((t) => t.resolved ?? []),
    }));
    this.#o.onUpdate({ clusterName: this.#o.cluster.name, localities, overprovisioningFactor: this.#o.cluster.loadAssignment?.overprovisioningFactor ?? 140 });
    this.#resolveReady();
  }
}

function sameAddresses(a: readonly LbEndpointConfig[], b: readonly LbEndpointConfig[]): boolean {
  return a.length === b.length && a.every((e, i) => e.address.address === b[i].address.address);
}
