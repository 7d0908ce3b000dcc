/**
 * The label values of one request or connection, computed as Istio's stats
 * filter does: the reporter from the listener's direction (outbound:
 * `source`, inbound: `destination`, SERVER_GATEWAY: `waypoint`); this node
 * on its own side, the peer learnt by metadata exchange on the other
 * (`unknown` when there was none); the destination service from the
 * upstream cluster's `istio` metadata, else its Istio name
 * (`outbound|9080||reviews.default.svc.cluster.local`), else the Host
 * header unless disable_host_header_fallback.
 */
import type { IstioLabels } from './metrics.ts';
import type { WorkloadInfo } from './workload.ts';

export type Reporter = 'source' | 'destination' | 'waypoint';

export interface ServiceRef {
  readonly host: string;
  readonly name: string;
  readonly namespace: string;
}

const UNKNOWN = 'unknown';
const or = (v: string | undefined): string => (v === undefined || v === '' ? UNKNOWN : v);

/** `outbound|9080|v1|reviews.default.svc.cluster.local` → reviews / default; PassthroughCluster and friends → undefined. */
export function serviceFromClusterName(cluster: string): ServiceRef | undefined {
  const parts = cluster.split('|');
  if (parts.length !== 4 || parts[3] === '') return undefined;
  const host = parts[3];
  const [name, namespace] = host.split('.');
  return { host, name: name ?? host, namespace: namespace ?? '' };
}

export interface LabelInput {
  readonly reporter: Reporter;
  readonly self: WorkloadInfo;
  readonly peer: WorkloadInfo | undefined;
  readonly service: ServiceRef | undefined;
  /** The upstream cluster (for PassthroughCluster / BlackHoleCluster naming). */
  readonly clusterName: string;
  readonly hostHeader: string | undefined;
  readonly hostHeaderFallback: boolean;
  readonly requestProtocol: string;
  readonly responseCode: string;
  readonly grpcStatus: string;
  readonly responseFlags: string;
  readonly securityPolicy: string;
  readonly peerPrincipal: string | undefined;
}

export function istioLabels(i: LabelInput): IstioLabels {
  const outbound = i.reporter === 'source';
  const src = outbound ? i.self : i.peer;
  const dst = outbound ? i.peer : i.self;
  const selfPrincipal = i.self.serviceAccount && i.self.namespace ? `spiffe://cluster.local/ns/${i.self.namespace}/sa/${i.self.serviceAccount}` : undefined;
  let serviceHost = i.service?.host;
  let serviceName = i.service?.name;
  let serviceNamespace = i.service?.namespace;
  if (i.service === undefined) {
    const special = i.clusterName === 'PassthroughCluster' || i.clusterName === 'BlackHoleCluster' || i.clusterName === 'InboundPassthroughCluster';
    if (special) serviceName = i.clusterName;
    if (i.hostHeaderFallback && i.hostHeader) {
      serviceHost = i.hostHeader.replace(/:\d+$/, '');
      if (!special) serviceName = serviceHost;
    }
  }
  return {
    reporter: i.reporter,
    source_workload: or(src?.workloadName),
    source_canonical_service: or(src?.canonicalService),
    source_canonical_revision: src === undefined ? UNKNOWN : or(src.canonicalRevision),
    source_workload_namespace: or(src?.namespace),
    source_principal: or(outbound ? selfPrincipal : i.peerPrincipal),
    source_app: or(src?.app),
    source_version: or(src?.version),
    source_cluster: or(src?.clusterId),
    destination_workload: or(dst?.workloadName),
    destination_workload_namespace: or(dst?.namespace),
    destination_principal: or(outbound ? i.peerPrincipal : selfPrincipal),
    destination_app: or(dst?.app),
    destination_version: or(dst?.version),
    destination_service: or(serviceHost),
    destination_canonical_service: or(dst?.canonicalService),
    destination_canonical_revision: dst === undefined ? UNKNOWN : or(dst.canonicalRevision),
    destination_service_name: or(serviceName),
    destination_service_namespace: or(serviceNamespace),
    destination_cluster: or(dst?.clusterId),
    request_protocol: i.requestProtocol,
    response_code: i.responseCode,
    grpc_response_status: i.grpcStatus,
    response_flags: i.responseFlags,
    connection_security_policy: i.securityPolicy,
  };
}

const fromWire = new WeakMap<object, ServiceRef | null>();

/** The first service in a CDS cluster's `istio` filter metadata (Istio's `services: [{host, name, namespace}]`), cached per wire object. */
export function serviceFromClusterWire(wire: { readonly metadata?: unknown }): ServiceRef | undefined {
  let s = fromWire.get(wire);
  if (s === undefined) {
    s = null;
    const istio = (wire.metadata as { filter_metadata?: { istio?: unknown } } | undefined)?.filter_metadata?.istio;
    // Decoded as a Struct: {fields: {services: {list_value: {values: [{struct_value: {fields: {host: {string_value}}}}]}}}}.
    const services = (istio as { fields?: { services?: { list_value?: { values?: { struct_value?: { fields?: Record<string, { string_value?: string }> } }[] } } } } | undefined)?.fields?.services?.list_value?.values;
    const first = services?.[0]?.struct_value?.fields;
    if (first?.host?.string_value) s = { host: first.host.string_value, name: first.name?.string_value ?? '', namespace: first.namespace?.string_value ?? '' };
    fromWire.set(wire, s);
  }
  return s ?? undefined;
}
