/**
 * /debug/registryz: every service of the registry the current push context
 * was built from (Kubernetes Services, ServiceEntries), with its hosts,
 * ports and endpoints, unhealthy ones included and marked, so "why does
 * this cluster have no endpoints" can be answered without a proxy.
 */
import type { ServiceRegistry } from '../../registry/service-registry.ts';
import type { Locality } from '../../registry/types.ts';

export interface RegistryzService {
  readonly hostname: string;
  readonly namespace: string;
  readonly name: string;
  readonly registry: string;
  readonly addresses: readonly string[];
  readonly resolution: string;
  readonly meshExternal: boolean;
  readonly ports: readonly { readonly name: string; readonly port: number; readonly protocol: string }[];
  readonly endpoints: readonly RegistryzEndpoint[];
}

export interface RegistryzEndpoint {
  readonly address: string;
  readonly port: number;
  readonly servicePort: number;
  readonly healthy: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly workload: string;
  readonly locality: string;
  readonly weight: number;
}

export function buildRegistryz(registry: ServiceRegistry): RegistryzService[] {
  return registry.services().map((s) => ({
    hostname: s.hostname,
    namespace: s.namespace,
    name: s.name,
    registry: s.registry,
    addresses: s.addresses,
    resolution: s.resolution,
    meshExternal: s.meshExternal,
    ports: s.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
    endpoints: registry.endpoints(s).map((e) => ({
      address: e.address,
      port: e.port,
      servicePort: e.servicePort,
      healthy: e.healthy,
      labels: e.labels,
      serviceAccount: e.serviceAccount,
      workload: e.workload,
      locality: localityString(e.locality),
      weight: e.weight,
    })),
  }));
}

/** Istio's `region/zone/subzone`, '' when unknown. */
function localityString(l: Locality): string {
  return l.region || l.zone || l.subZone ? [l.region, l.zone, l.subZone].join('/').replace(/\/+$/, '') : '';
}
