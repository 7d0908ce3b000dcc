/**
 * Service names → the addresses their listeners are bound to, for local
 * capture's outbound side. On Kubernetes an application resolves
 * `mysql-service` to its ClusterIP and iptables sends the connection to
 * 15001 with that address as original destination, so the
 * `10.96.0.12_3306` TCP listener takes it. Through HTTP_PROXY the proxy sees
 * only the name, so the name is resolved here the way the pod's resolver
 * would (its search list: `<ns>.svc.cluster.local`, `svc.cluster.local`,
 * `cluster.local`) against the services that have an address-specific
 * outbound listener (tcp_proxy to `outbound|<port>|<subset>|<host>`).
 * Names with no such listener stay names (0.0.0.0_<port> or the catch-all).
 */
import type { ListenerConfig, ResourceEntry } from '../../xds-client/types.ts';

export class ServiceAddresses {
  readonly #byHostPort: ReadonlyMap<string, string>;
  readonly #search: readonly string[];

  /** `dnsDomain` is the node's (`default.svc.cluster.local`); the search list is it and its parent domains down to two labels. */
  constructor(listeners: Iterable<ResourceEntry<ListenerConfig>>, dnsDomain: string) {
    const labels = dnsDomain.split('.').filter((l) => l !== '');
    const search: string[] = [];
    for (let i = 0; i + 2 <= labels.length; i++) search.push(labels.slice(i).join('.'));
    this.#search = search;
    const map = new Map<string, string>();
    for (const { config } of listeners) {
      const a = config.address;
      if (a.address === '0.0.0.0' || a.address === '::' || a.address === '' || config.useOriginalDst) continue;
      const chains = config.defaultFilterChain ? [...config.filterChains, config.defaultFilterChain] : config.filterChains;
      for (const chain of chains) {
        for (const f of chain.filters) {
          if (f.kind !== 'tcp_proxy') continue;
          const clusters = 'name' in f.cluster ? [f.cluster.name] : f.cluster.weighted.map((w) => w.name);
          for (const c of clusters) {
            const parts = c.split('|');
            if (parts.length !== 4 || parts[0] !== 'outbound') continue;
            const key = `${parts[3].toLowerCase()}:${a.port}`;
            if (!map.has(key)) map.set(key, a.address);
          }
        }
      }
    }
    this.#byHostPort = map;
  }

  /** The listener address serving `name:port`, trying the name as given and then with each search domain. */
  resolve(name: string, port: number): string | undefined {
    const n = name.toLowerCase().replace(/\.$/, '');
    const direct = this.#byHostPort.get(`${n}:${port}`);
    if (direct !== undefined || name.endsWith('.')) return direct;
    for (const domain of this.#search) {
      const hit = this.#byHostPort.get(`${n}.${domain}:${port}`);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
}
