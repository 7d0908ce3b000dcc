/**
 * The hosts a destination may name, built once per analysis from Kubernetes
 * Services, ServiceEntries and the mesh's own services, and looked up as
 * Istio's GetDestinationHost does: exact FQDN among the entries visible from
 * the referring namespace first, then wildcard ServiceEntry hosts.
 */
import type { AnalyzedResource } from './analyzer.ts';
import { hostToFqdn, isVisibleFrom, serviceFqdn, wildcardCovers } from './hosts.ts';

export interface ServicePort {
  readonly number: number;
  readonly name?: string;
  readonly protocol?: string;
}

export interface ServiceRecord {
  /** FQDNs, or wildcards such as `*.example.com` for ServiceEntries. */
  readonly hosts: readonly string[];
  readonly namespace: string;
  readonly ports: readonly ServicePort[];
  /** Namespaces that see it (`*`, `.`, names); undefined means all. */
  readonly exportTo?: readonly string[];
  /** The Service or ServiceEntry; absent for the mesh's own services. */
  readonly resource?: AnalyzedResource;
}

export class ServiceRegistry {
  readonly #records: readonly ServiceRecord[];
  readonly #byHost = new Map<string, ServiceRecord[]>();

  constructor(records: readonly ServiceRecord[]) {
    this.#records = records;
    for (const r of records) {
      for (const h of r.hosts) {
        const list = this.#byHost.get(h) ?? [];
        list.push(r);
        this.#byHost.set(h, list);
      }
    }
  }

  get records(): readonly ServiceRecord[] {
    return this.#records;
  }

  /** The service a destination `host` written in `fromNamespace` refers to, if any. */
  lookup(host: string, fromNamespace: string): ServiceRecord | undefined {
    const fqdn = hostToFqdn(fromNamespace, host);
    const exact = this.#byHost.get(fqdn)?.find((r) => isVisibleFrom(r.exportTo, r.namespace, fromNamespace));
    if (exact) return exact;
    return this.#records.find((r) => isVisibleFrom(r.exportTo, r.namespace, fromNamespace) && r.hosts.some((h) => wildcardCovers(h, fqdn)));
  }
}

/** A Kubernetes Service's record: host `name.namespace.svc.cluster.local`, its ports, `networking.istio.io/exportTo`. */
export function serviceRecordOf(resource: AnalyzedResource, namespace: string): ServiceRecord {
  const spec = (resource.object.spec ?? {}) as { ports?: { port?: number; name?: string; protocol?: string }[] };
  const exportTo = resource.object.metadata.annotations?.['networking.istio.io/exportTo'];
  return {
    hosts: [serviceFqdn(namespace, resource.name)],
    namespace,
    ports: (spec.ports ?? []).map((p) => ({ number: p.port ?? 0, name: p.name, protocol: p.protocol })),
    exportTo: exportTo ? exportTo.split(',').map((s) => s.trim()) : undefined,
    resource,
  };
}

/** A ServiceEntry's record: its hosts (short names resolved in its namespace), ports and exportTo. */
export function serviceEntryRecordOf(resource: AnalyzedResource, namespace: string): ServiceRecord {
  const spec = (resource.object.spec ?? {}) as { hosts?: string[]; ports?: { number?: number; name?: string; protocol?: string }[]; exportTo?: string[] };
  return {
    hosts: (spec.hosts ?? []).map((h) => hostToFqdn(namespace, h)),
    namespace,
    ports: (spec.ports ?? []).map((p) => ({ number: p.number ?? 0, name: p.name, protocol: p.protocol })),
    exportTo: spec.exportTo,
    resource,
  };
}
