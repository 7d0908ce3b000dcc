/**
 * The endpoints of a Kubernetes Service. When EndpointSlices labelled
 * `kubernetes.io/service-name` exist for it they are the source (addresses,
 * readiness, ports by name), enriched with the labels and service account of
 * the Pod each endpoint's targetRef names. Otherwise the Service's selector
 * picks Pods and WorkloadEntries in its namespace, and each service port's
 * targetPort is resolved against the workload: a number as is, a name
 * through the Pod's container ports (a workload without that port is not an
 * endpoint of that service port). Services without a selector and without
 * slices have no endpoints, as in Kubernetes.
 */
import type { kube } from '@skiff/api';
import { selectorMatches } from '../labels.ts';
import { localityOfLabels } from '../locality.ts';
import { NO_LOCALITY, type Service, type ServiceEndpoint, type Workload } from '../types.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export function endpointsFromWorkloads(service: Service, svc: kube.Service, workloads: readonly Workload[]): ServiceEndpoint[] {
  const selector = svc.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  const out: ServiceEndpoint[] = [];
  for (const w of workloads) {
    if (w.namespace !== service.namespace || w.address === '' || !selectorMatches(selector, w.labels)) continue;
    for (const port of svc.spec?.ports ?? []) {
      const target = resolveTargetPort(port, w);
      if (target === undefined) continue;
      out.push(endpointOf(service, port.port ?? 0, w, target));
    }
  }
  return out;
}

function resolveTargetPort(port: kube.ServicePort, w: Workload): number | undefined {
  const t = port.targetPort ?? port.port;
  if (typeof t === 'number') return t;
  if (t === undefined) return undefined;
  if (/^\d+$/.test(t)) return Number(t);
  return w.namedPorts.get(t);
}

function endpointOf(service: Service, servicePort: number, w: Workload, port: number): ServiceEndpoint {
  return {
    hostname: service.hostname,
    serviceNamespace: service.namespace,
    servicePort,
    address: w.address,
    port,
    labels: w.labels,
    namespace: w.namespace,
    serviceAccount: w.serviceAccount,
    healthy: w.healthy,
    locality: w.locality,
    weight: w.weight,
    workload: `${w.kind}/${w.name}`,
    network: w.network,
    tlsMode: w.tlsMode,
  };
}

/** An ExternalName Service resolves its external name on every port (Istio converts it to a DNS service). */
export function externalNameEndpoints(service: Service): ServiceEndpoint[] {
  return service.ports.map((p) => ({
    hostname: service.hostname, serviceNamespace: service.namespace, servicePort: p.port,
    address: service.externalName ?? '', port: p.port, labels: {}, namespace: service.namespace, serviceAccount: '',
    healthy: true, locality: NO_LOCALITY, weight: 1, workload: '', network: '', tlsMode: 'disabled',
  }));
}

export function endpointsFromSlices(
  service: Service,
  svc: kube.Service,
  slices: readonly kube.EndpointSlice[],
  /** Pods by namespace, then name. */
  pods: ReadonlyMap<string, ReadonlyMap<string, Workload>>,
): ServiceEndpoint[] {
  const out: ServiceEndpoint[] = [];
  const servicePorts = svc.spec?.ports ?? [];
  for (const slice of slices) {
    if (slice.addressType === 'FQDN') continue;
    for (const ep of slice.endpoints ?? []) {
      const pod = ep.targetRef?.kind === 'Pod' && ep.targetRef.name ? pods.get(service.namespace)?.get(ep.targetRef.name) : undefined;
      // Kubernetes: a nil `ready` means ready.
      const ready = ep.conditions?.ready !== false && ep.conditions?.terminating !== true;
      const labels = pod?.labels ?? {};
      for (const address of ep.addresses ?? []) {
        for (const sp of servicePorts) {
          const slicePort = (slice.ports ?? []).find((p) => (p.name ?? '') === (sp.name ?? ''));
          if (!slicePort || slicePort.port === undefined) continue;
          out.push({
            hostname: service.hostname,
            serviceNamespace: service.namespace,
            servicePort: sp.port ?? 0,
            address,
            port: slicePort.port,
            labels,
            namespace: service.namespace,
            serviceAccount: pod?.serviceAccount ?? '',
            healthy: ready,
            locality: pod ? pod.locality : ep.zone ? { ...NO_LOCALITY, zone: ep.zone } : localityOfLabels({}),
            weight: 1,
            workload: pod ? `Pod/${pod.name}` : '',
            network: pod?.network ?? '',
            tlsMode: pod?.tlsMode ?? 'disabled',
          });
        }
      }
    }
  }
  return out;
}
