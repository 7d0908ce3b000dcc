/**
 * ServiceEntries as mesh services and endpoints (Istio's serviceentry
 * conversion): one service per host, sharing the entry's ports, addresses,
 * location and resolution. Endpoints come from the inline `endpoints`, or
 * from the Pods and WorkloadEntries the `workloadSelector` picks in the
 * entry's namespace; a DNS entry with neither resolves its own hosts. An
 * endpoint's port is the workload's port of the same name, else the
 * service port's targetPort, else its number.
 */
import type { ServiceEntry, WorkloadEntrySpec } from '@skiff/api';
import { parseExportTo } from '../export-to.ts';
import { resolveShortName } from '../host.ts';
import { selectorMatches } from '../labels.ts';
import { parseLocality } from '../locality.ts';
import type { MeshSettings } from '../mesh-settings.ts';
import { parseProtocol } from '../protocol.ts';
import { tlsModeOfLabels } from '../sidecar-presence.ts';
import type { Resolution, Service, ServiceEndpoint, Workload } from '../types.ts';

const RESOLUTIONS: Readonly<Record<string, Resolution>> = {
  NONE: 'Passthrough',
  STATIC: 'ClientSideLB',
  DNS: 'DNSLB',
  DNS_ROUND_ROBIN: 'DNSRoundRobinLB',
};

export function serviceEntryServices(se: ServiceEntry, mesh: MeshSettings): Service[] {
  const spec = se.spec ?? {};
  const namespace = se.metadata.namespace ?? '';
  const exportTo = parseExportTo(spec.exportTo, namespace, mesh.defaultServiceExportTo);
  const ports = (spec.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.number ?? 0, protocol: parseProtocol(p.protocol) }));
  return (spec.hosts ?? []).map((host) => ({
    hostname: resolveShortName(host, namespace, mesh.clusterDomain),
    namespace,
    name: se.metadata.name ?? '',
    registry: 'External' as const,
    addresses: (spec.addresses ?? []).map(singleAddressOf),
    ports,
    resolution: RESOLUTIONS[spec.resolution ?? 'NONE'] ?? 'Passthrough',
    meshExternal: (spec.location ?? 'MESH_EXTERNAL') === 'MESH_EXTERNAL',
    exportTo,
    labels: se.metadata.labels ?? {},
    creationTimeMs: Date.parse(String(se.metadata.creationTimestamp ?? '')) || 0,
    subjectAltNames: spec.subjectAltNames ?? [],
  }));
}

export function serviceEntryEndpoints(se: ServiceEntry, services: readonly Service[], workloads: readonly Workload[]): ServiceEndpoint[] {
  const spec = se.spec ?? {};
  const namespace = se.metadata.namespace ?? '';
  const out: ServiceEndpoint[] = [];
  const selector = spec.workloadSelector?.labels;
  for (const service of services) {
    for (const sePort of spec.ports ?? []) {
      const servicePort = sePort.number ?? 0;
      const defaultPort = sePort.targetPort || servicePort;
      const portName = sePort.name ?? '';
      if (spec.endpoints && spec.endpoints.length > 0) {
        for (const we of spec.endpoints) out.push(inlineEndpoint(service, servicePort, we, we.ports?.[portName] ?? defaultPort, namespace));
      } else if (selector) {
        for (const w of workloads) {
          if (w.namespace !== namespace || w.address === '' || !selectorMatches(selector, w.labels)) continue;
          out.push({
            hostname: service.hostname, serviceNamespace: namespace, servicePort,
            address: w.address, port: w.namedPorts.get(portName) ?? defaultPort,
            labels: w.labels, namespace: w.namespace, serviceAccount: w.serviceAccount, healthy: w.healthy,
            locality: w.locality, weight: w.weight, workload: `${w.kind}/${w.name}`, network: w.network, tlsMode: w.tlsMode,
          });
        }
      } else if ((service.resolution === 'DNSLB' || service.resolution === 'DNSRoundRobinLB') && !service.hostname.startsWith('*')) {
        out.push(inlineEndpoint(service, servicePort, { address: service.hostname }, defaultPort, namespace));
      }
    }
  }
  return out;
}

function inlineEndpoint(service: Service, servicePort: number, we: WorkloadEntrySpec, port: number, namespace: string): ServiceEndpoint {
  return {
    hostname: service.hostname,
    serviceNamespace: service.namespace,
    servicePort,
    address: we.address ?? '',
    port,
    labels: we.labels ?? {},
    namespace,
    serviceAccount: we.serviceAccount ?? '',
    healthy: true,
    locality: parseLocality(we.locality),
    weight: we.weight || 1,
    workload: '',
    network: we.network ?? '',
    tlsMode: tlsModeOfLabels(we.labels ?? {}) ?? 'disabled',
  };
}

/**
 * Istio reads a full-length prefix (`10.80.0.7/32`, `2001:db8::1/128`) as the
 * address itself, so the service gets its own `<ip>_<port>` listener rather
 * than sharing a wildcard one.
 */
function singleAddressOf(address: string): string {
  const slash = address.indexOf('/');
  if (slash < 0) return address;
  const ip = address.slice(0, slash);
  const bits = address.slice(slash + 1);
  return (bits === '32' && !ip.includes(':')) || (bits === '128' && ip.includes(':')) ? ip : address;
}
