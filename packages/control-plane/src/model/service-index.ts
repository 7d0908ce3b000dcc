/**
 * Services by host and by the namespace they are visible from (exportTo).
 * When several namespaces declare one host, a proxy sees one of them:
 * its own namespace's, else a Kubernetes service over a ServiceEntry, else
 * the oldest declaration (Istio's rule for conflicting hosts).
 */
import { isVisibleTo } from '../registry/export-to.ts';
import type { ServiceRegistry } from '../registry/service-registry.ts';
import type { Service } from '../registry/types.ts';

export class ServiceIndex {
  readonly #registry: ServiceRegistry;
  /** namespace → visible services, one per host, in registry order (memoized; the index is immutable). */
  readonly #visible = new Map<string, readonly Service[]>();
  readonly #visibleByHost = new Map<string, ReadonlyMap<string, Service>>();

  constructor(registry: ServiceRegistry) {
    this.#registry = registry;
  }

  /** Every service visible from `namespace`, one per host. */
  visibleFrom(namespace: string): readonly Service[] {
    let list = this.#visible.get(namespace);
    if (!list) {
      list = [...this.#byHost(namespace).values()];
      this.#visible.set(namespace, list);
    }
    return list;
  }

  /** The service a workload in `namespace` reaches for `hostname`. */
  lookup(hostname: string, namespace: string): Service | undefined {
    return this.#byHost(namespace).get(hostname);
  }

  #byHost(namespace: string): ReadonlyMap<string, Service> {
    let byHost = this.#visibleByHost.get(namespace);
    if (byHost) return byHost;
    const chosen = new Map<string, Service>();
    for (const s of this.#registry.services()) {
      if (!isVisibleTo(s.exportTo, namespace)) continue;
      const current = chosen.get(s.hostname);
      if (!current || preferred(s, current, namespace)) chosen.set(s.hostname, s);
    }
    byHost = chosen;
    this.#visibleByHost.set(namespace, byHost);
    return byHost;
  }
}

function preferred(candidate: Service, current: Service, namespace: string): boolean {
  if ((candidate.namespace === namespace) !== (current.namespace === namespace)) return candidate.namespace === namespace;
  if ((candidate.registry === 'Kubernetes') !== (current.registry === 'Kubernetes')) return candidate.registry === 'Kubernetes';
  return candidate.creationTimeMs < current.creationTimeMs;
}
