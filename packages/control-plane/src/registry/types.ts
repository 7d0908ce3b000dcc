/**
 * The control plane's model of the mesh's services and endpoints, whatever
 * registry they came from (Kubernetes Services and Pods/EndpointSlices,
 * ServiceEntries, WorkloadEntries). Istio's pilot/pkg/model Service and
 * IstioEndpoint, reduced to what translation reads. Everything here is
 * immutable once the registry is built.
 */
import type { Protocol } from './protocol.ts';
import type { ExportTo } from './export-to.ts';
import type { TlsMode } from './sidecar-presence.ts';

/** How a service's endpoints are found (Istio's model.Resolution). */
export type Resolution =
  /** EDS: the control plane sends the endpoints (Kubernetes ClusterIP, ServiceEntry STATIC). */
  | 'ClientSideLB'
  /** STRICT_DNS: the proxy resolves every endpoint address (ServiceEntry DNS, Kubernetes ExternalName). */
  | 'DNSLB'
  /** LOGICAL_DNS: the proxy resolves one address at a time (ServiceEntry DNS_ROUND_ROBIN). */
  | 'DNSRoundRobinLB'
  /** ORIGINAL_DST: connect to where the client was going (ServiceEntry NONE, headless Services). */
  | 'Passthrough';

export type RegistryKind = 'Kubernetes' | 'External';

export interface ServicePort {
  /** '' when the port is unnamed. */
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Service {
  /** FQDN, or a wildcard (`*.example.com`) for ServiceEntries. */
  readonly hostname: string;
  /** The namespace of the Service or ServiceEntry that declared it. */
  readonly namespace: string;
  /** The declaring object's name. */
  readonly name: string;
  readonly registry: RegistryKind;
  /** Kubernetes ClusterIPs or ServiceEntry addresses; empty when the service has none (Istio's 0.0.0.0). */
  readonly addresses: readonly string[];
  readonly ports: readonly ServicePort[];
  readonly resolution: Resolution;
  /** ServiceEntry MESH_EXTERNAL: outside the mesh (no mTLS, `external` cluster metadata). */
  readonly meshExternal: boolean;
  readonly exportTo: ExportTo;
  /** The declaring object's labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Kubernetes ExternalName target, when the Service is of that type. */
  readonly externalName?: string;
  /** ms since epoch; the older service wins when two registries declare one host (Istio's rule). */
  readonly creationTimeMs: number;
  /** ServiceEntry `subjectAltNames`: identities its endpoints present besides their service accounts. */
  readonly subjectAltNames?: readonly string[];
}

export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

/** One address:port behind one service port (Istio's IstioEndpoint). */
export interface ServiceEndpoint {
  readonly hostname: string;
  /** The namespace of the service this endpoint belongs to. */
  readonly serviceNamespace: string;
  /** The service port this endpoint serves. */
  readonly servicePort: number;
  /** IP, or a DNS name for DNS-resolved ServiceEntries. */
  readonly address: string;
  readonly port: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Workload namespace ('' for inline ServiceEntry endpoints, which use the entry's). */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Not-ready endpoints are kept so that debug views show them; translation decides whether to send them. */
  readonly healthy: boolean;
  readonly locality: Locality;
  /** Load-balancing weight; 1 when unset. */
  readonly weight: number;
  /** `Pod/name`, `WorkloadEntry/name`, or '' for inline endpoints. */
  readonly workload: string;
  readonly network: string;
  /** `istio` when the workload runs a sidecar (see sidecar-presence.ts): EDS marks it, auto mTLS uses it. */
  readonly tlsMode: TlsMode;
}

/** A workload a selector can pick: a Pod or a WorkloadEntry. */
export interface Workload {
  readonly kind: 'Pod' | 'WorkloadEntry';
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Pod IP or WorkloadEntry address; '' when not yet known. */
  readonly address: string;
  readonly serviceAccount: string;
  readonly healthy: boolean;
  readonly locality: Locality;
  readonly weight: number;
  readonly network: string;
  /** Named ports: container ports for Pods, `ports` for WorkloadEntries. */
  readonly namedPorts: ReadonlyMap<string, number>;
  readonly tlsMode: TlsMode;
}

export const NO_LOCALITY: Locality = { region: '', zone: '', subZone: '' };
