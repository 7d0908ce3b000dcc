/**
 * The service registry: every service and endpoint of the mesh, built once
 * from one snapshot of Kubernetes Services, Pods, EndpointSlices,
 * ServiceEntries, WorkloadEntries and WorkloadGroups. Immutable; a change in
 * the store produces a new registry (inside a new PushContext).
 *
 * WorkloadGroups are kept (`workloadGroup()`) but yield no workloads and no
 * endpoints, and their template is not applied to WorkloadEntries. That is
 * Istio's behaviour: a group only acts when a VM's proxy connects with
 * ISTIO_META_AUTO_REGISTER_GROUP, and Istio's auto-registration controller
 * then *creates* a WorkloadEntry from the template merged with the proxy's
 * metadata (pilot/pkg/autoregistration workloadEntryFromGroup); the
 * registry reads that entry's spec as stored. A hand-written entry carrying
 * `istio.io/autoRegistrationGroup` is read as written in Istio too. Skiff's
 * file and local modes have no auto-registration, so a group has nothing to
 * do here yet; the group's `probe` (health checks by the VM's agent) is
 * likewise unused. Auto-registration belongs with the xDS server.
 */
import type { kube, ServiceEntry, WorkloadEntry, WorkloadGroup } from '@skiff/api';
import { endpointsFromSlices, endpointsFromWorkloads, externalNameEndpoints, SERVICE_NAME_LABEL } from './kube/endpoints.ts';
import { kubeService } from './kube/service.ts';
import { spiffeId } from './identity.ts';
import type { MeshSettings } from './mesh-settings.ts';
import { serviceEntryEndpoints, serviceEntryServices } from './service-entry/service-entry.ts';
import type { Service, ServiceEndpoint, ServicePort, Workload } from './types.ts';
import { podWorkload, workloadEntryWorkload } from './workloads.ts';
import { WorkloadIndex } from './workload-index.ts';

export interface RegistryInputs {
  readonly services: readonly kube.Service[];
  readonly pods: readonly kube.Pod[];
  readonly endpointSlices: readonly kube.EndpointSlice[];
  readonly serviceEntries: readonly ServiceEntry[];
  readonly workloadEntries: readonly WorkloadEntry[];
  readonly workloadGroups: readonly WorkloadGroup[];
  /** Namespaces, for their injection labels (see sidecar-presence.ts). */
  readonly namespaces?: readonly kube.Namespace[];
}

/** A port of a service that a workload serves (Istio's ServiceTarget): inbound clusters are built from these. */
export interface ServiceTarget {
  readonly service: Service;
  readonly port: ServicePort;
  /** The port the workload listens on. */
  readonly targetPort: number;
}

const NO_ENDPOINTS: readonly ServiceEndpoint[] = [];

export class ServiceRegistry {
  readonly #services: readonly Service[];
  /** hostname → namespace → service. */
  readonly #byHost = new Map<string, Map<string, Service>>();
  readonly #endpoints = new Map<Service, readonly ServiceEndpoint[]>();
  readonly #workloads: readonly Workload[];
  /** namespace → name → WorkloadGroup. */
  readonly #groups = new Map<string, Map<string, WorkloadGroup>>();

  readonly #trustDomain: string;

  constructor(inputs: RegistryInputs, mesh: MeshSettings) {
    this.#trustDomain = mesh.trustDomain;
    const namespaceLabels = new Map((inputs.namespaces ?? []).map((n) => [n.metadata.name ?? '', n.metadata.labels ?? {}]));
    const pods = inputs.pods.map((p) => podWorkload(p, namespaceLabels.get(p.metadata.namespace ?? '') ?? {})).filter((w): w is Workload => w !== undefined);
    const entries = inputs.workloadEntries.map(workloadEntryWorkload);
    this.#workloads = [...pods, ...entries];
    const workloadIndex = new WorkloadIndex(this.#workloads);
    const podIndex = new Map<string, Map<string, Workload>>();
    for (const p of pods) nested(podIndex, p.namespace).set(p.name, p);
    const slicesByService = new Map<string, Map<string, kube.EndpointSlice[]>>();
    for (const s of inputs.endpointSlices) {
      const svcName = s.metadata.labels?.[SERVICE_NAME_LABEL];
      if (!svcName) continue;
      const byName = nested(slicesByService, s.metadata.namespace ?? '');
      byName.set(svcName, [...(byName.get(svcName) ?? []), s]);
    }

    const services: Service[] = [];
    for (const svc of inputs.services) {
      const service = kubeService(svc, mesh);
      const slices = slicesByService.get(service.namespace)?.get(service.name);
      const endpoints = service.externalName !== undefined
        ? externalNameEndpoints(service)
        : slices ? endpointsFromSlices(service, svc, slices, podIndex) : endpointsFromWorkloads(service, svc, workloadIndex.candidates(service.namespace, svc.spec?.selector ?? {}));
      if (this.#add(service)) {
        services.push(service);
        this.#endpoints.set(service, endpoints);
      }
    }
    for (const se of inputs.serviceEntries) {
      const seServices = serviceEntryServices(se, mesh);
      const endpoints = serviceEntryEndpoints(se, seServices, this.#workloads);
      for (const service of seServices) {
        if (!this.#add(service)) continue;
        services.push(service);
        this.#endpoints.set(service, endpoints.filter((e) => e.hostname === service.hostname));
      }
    }
    this.#services = services;
    for (const g of inputs.workloadGroups) nested(this.#groups, g.metadata.namespace ?? '').set(g.metadata.name ?? '', g);
  }

  /** First declaration of a host in a namespace wins (Kubernetes before ServiceEntry, then store order). */
  #add(service: Service): boolean {
    const byNs = nested(this.#byHost, service.hostname);
    if (byNs.has(service.namespace)) return false;
    byNs.set(service.namespace, service);
    return true;
  }

  /** Every service, Kubernetes first, in snapshot order. */
  services(): readonly Service[] {
    return this.#services;
  }

  /** The services declaring `hostname`, one per namespace. */
  servicesByHost(hostname: string): readonly Service[] {
    const byNs = this.#byHost.get(hostname);
    return byNs ? [...byNs.values()] : [];
  }

  /** The service declaring `hostname` in `namespace`. */
  service(hostname: string, namespace: string): Service | undefined {
    return this.#byHost.get(hostname)?.get(namespace);
  }

  /** All endpoints of a service (every port, healthy or not). */
  endpoints(service: Service): readonly ServiceEndpoint[] {
    return this.#endpoints.get(service) ?? NO_ENDPOINTS;
  }

  /** Endpoints serving one service port. */
  endpointsForPort(service: Service, port: number): readonly ServiceEndpoint[] {
    return this.endpoints(service).filter((e) => e.servicePort === port);
  }

  /**
   * The identities a service port's endpoints present (Istio's
   * PushContext.ServiceAccounts): the SPIFFE ids of their service accounts,
   * plus a ServiceEntry's `subjectAltNames`, sorted and without duplicates.
   * Inline ServiceEntry endpoints take the entry's namespace.
   */
  serviceAccounts(service: Service, port: number): readonly string[] {
    const ids = new Set(service.subjectAltNames ?? []);
    for (const e of this.endpointsForPort(service, port)) {
      if (e.serviceAccount !== '') ids.add(spiffeId(this.#trustDomain, e.namespace || service.namespace, e.serviceAccount));
    }
    return [...ids].sort();
  }

  workloads(): readonly Workload[] {
    return this.#workloads;
  }

  workloadGroup(namespace: string, name: string): WorkloadGroup | undefined {
    return this.#groups.get(namespace)?.get(name);
  }

  /**
   * The service ports a workload at these addresses serves (Istio's
   * GetProxyServiceTargets): every endpoint whose address is one of them.
   */
  serviceTargets(addresses: readonly string[]): readonly ServiceTarget[] {
    const ips = new Set(addresses);
    const out: ServiceTarget[] = [];
    for (const service of this.#services) {
      for (const e of this.endpoints(service)) {
        if (!ips.has(e.address)) continue;
        const port = service.ports.find((p) => p.port === e.servicePort);
        if (port) out.push({ service, port, targetPort: e.port });
      }
    }
    return out;
  }
}

function nested<K, V>(map: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let inner = map.get(key);
  if (!inner) map.set(key, (inner = new Map()));
  return inner;
}
