/**
 * Route conflicts the RDS generator finds (missing or conflicting delegate
 * VirtualServices, a gateway catch-all shadowed by another VirtualService),
 * kept per proxy for /debug/push_status and logged once each, like the
 * conflict entries of Istio's push status (ProxyStatus). A conflict is
 * logged when it first appears for any proxy and again only after it went
 * away everywhere, so a push to many gateways does not repeat it.
 */
import type { Proxy } from '../model/proxy.ts';
import type { RouteConflict } from '../translate/route/index.ts';

/** One conflict as /debug/push_status lists it. */
export interface ProxyRouteConflict {
  /** The proxy id (`pod.namespace`). */
  readonly proxy: string;
  /** `namespace/name` of the VirtualService at fault. */
  readonly virtualService: string;
  readonly message: string;
}

const keyOf = (c: RouteConflict) => `${c.virtualService}\u0000${c.message}`;

export class RouteConflicts {
  readonly #byProxy = new Map<string, readonly RouteConflict[]>();
  readonly #log: (line: string) => void;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  /** The conflicts of the proxy's latest RDS generation (none clears it). */
  record(proxy: Proxy, conflicts: readonly RouteConflict[]): void {
    const known = new Set([...this.#byProxy.values()].flat().map(keyOf));
    if (conflicts.length === 0) this.#byProxy.delete(proxy.id);
    else this.#byProxy.set(proxy.id, conflicts);
    for (const c of conflicts) {
      if (known.has(keyOf(c))) continue;
      known.add(keyOf(c));
      this.#log(`route conflict in VirtualService ${c.virtualService} (proxy ${proxy.id}): ${c.message}`);
    }
  }

  /** Every proxy's conflicts, by proxy then VirtualService; only the proxies `isConnected` accepts. */
  list(isConnected: (proxyId: string) => boolean = () => true): ProxyRouteConflict[] {
    const out: ProxyRouteConflict[] = [];
    for (const [proxy, conflicts] of this.#byProxy) {
      if (!isConnected(proxy)) continue;
      for (const c of conflicts) out.push({ proxy, virtualService: c.virtualService, message: c.message });
    }
    return out.sort((a, b) => compare(a.proxy, b.proxy) || compare(a.virtualService, b.virtualService) || compare(a.message, b.message));
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
