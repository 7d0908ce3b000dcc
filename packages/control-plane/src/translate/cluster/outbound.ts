/**
 * Outbound clusters: one per port of every service the proxy's scope
 * shows, plus one per DestinationRule subset (Istio's buildOutboundClusters
 * and applyDestinationRule). The discovery type follows the service's
 * resolution: EDS for Kubernetes services and STATIC ServiceEntries,
 * STRICT_DNS for DNS, LOGICAL_DNS for DNS_ROUND_ROBIN, ORIGINAL_DST for
 * NONE and headless services (EDS on gateways, which cannot pass through).
 * DNS clusters carry their endpoints inline, filtered by subset labels, and
 * are left out when they have none. UDP ports get no cluster. The
 * DestinationRule's tls (or auto mTLS without one) sets the transport
 * socket last, once the upstream protocol is known (upstream-tls.ts).
 *
 * Translation is a pure function of an `OutboundClusterKey` (STYLE §7 rule
 * 4): the key holds everything the builder reads, so the push context's
 * cache, keyed by it, can never serve a stale cluster. Proxies with equal
 * keys get the same (frozen) cluster objects, encoded once per push.
 */
import type { DestinationRuleSpec } from '@skiff/api';
import type { MergedDestinationRule } from '../../model/destination-rule-index.ts';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import { subsetTrafficPolicy } from '../../model/traffic-policy.ts';
import { selectorMatches } from '../../registry/labels.ts';
import { localityOfLabels, withTopologyLabels } from '../../registry/locality.ts';
import type { MeshSettings } from '../../registry/mesh-settings.ts';
import { isHttp2Protocol } from '../../registry/protocol.ts';
import { NO_LOCALITY, type Locality, type Service, type ServiceEndpoint, type ServicePort } from '../../registry/types.ts';
import { cacheSlot } from '../../model/push-cache.ts';
import type { ProxyKey } from '../../model/proxy-key.ts';
import { buildLocalityGroups } from '../endpoint/locality-endpoints.ts';
import { clusterSni, outboundClusterName } from '../names.ts';
import { ClusterDraft } from './cluster-draft.ts';
import { applyIstioMetadata } from './metadata.ts';
import { applyOutboundTrafficPolicy } from './traffic-policy.ts';
import { applyUpstreamTls, type ServiceMtlsMode, type UpstreamTlsInputs } from './upstream-tls.ts';
import { protoDuration, type ClusterWire, type DiscoveryType } from './wire.ts';

/**
 * Everything one service port's clusters depend on. Objects are the push
 * context's own (service, port, merged DestinationRule, mesh, the memoized
 * endpoint and service-account lists) or interned, so proxies whose keys
 * are equal hold the very same objects and share one cache entry. The
 * proxy contributes only its type and, for DNS clusters (whose inline
 * endpoints carry locality priorities), its IP family, locality and labels.
 */
export interface OutboundClusterKey {
  readonly proxyType: ProxyView['type'];
  /** STRICT_DNS / LOGICAL_DNS clusters only (V4_ONLY otherwise, unread). */
  readonly dnsLookupFamily: 'V4_ONLY' | 'V6_ONLY';
  /** DNS clusters only (NO_LOCALITY otherwise, unread). */
  readonly proxyLocality: Locality;
  /** The proxy's labels with its topology (failoverPriority); DNS clusters only (empty otherwise, unread). */
  readonly proxyLabels: Readonly<Record<string, string>>;
  readonly mesh: MeshSettings;
  readonly service: Service;
  readonly port: ServicePort;
  /** Only read for DNS clusters (inline endpoints); empty otherwise. */
  readonly endpoints: readonly ServiceEndpoint[];
  /** The identities the port's endpoints present (SPIFFE ids), for mTLS SAN checks. */
  readonly serviceAccounts: readonly string[];
  /** The port has endpoints and every one runs a sidecar: passthrough clusters may then use mTLS. */
  readonly allEndpointsHaveSidecars: boolean;
  readonly destinationRule: MergedDestinationRule | undefined;
}

const NO_ENDPOINTS: readonly ServiceEndpoint[] = Object.freeze([]);
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

const LOCALITIES = cacheSlot<Locality, Locality>('localities', (l) => ({ region: l.region, zone: l.zone, subZone: l.subZone }));

export function outboundClusterKey(proxy: ProxyView, push: PushContext, service: Service, port: ServicePort): OutboundClusterKey {
  const type = discoveryType(service, proxy.type);
  const isDns = type === 'STRICT_DNS' || type === 'LOGICAL_DNS';
  const portEndpoints = push.endpointsForPort(service, port.port);
  let proxyLocality: Locality = NO_LOCALITY;
  let proxyLabels = NO_LABELS;
  if (isDns) {
    const l = localityOfLabels(proxy.labels);
    proxyLocality = push.cache.getOrBuild(LOCALITIES, { region: l.region, zone: l.zone, subZone: l.subZone });
    proxyLabels = push.cache.internLabels(withTopologyLabels(proxy.labels, proxyLocality, ''));
  }
  return {
    proxyType: proxy.type,
    dnsLookupFamily: isDns ? dnsLookupFamily(proxy.ipAddresses) : 'V4_ONLY',
    proxyLocality,
    proxyLabels,
    mesh: push.mesh,
    service,
    port,
    endpoints: isDns ? portEndpoints : NO_ENDPOINTS,
    serviceAccounts: push.serviceAccounts(service, port.port),
    allEndpointsHaveSidecars: portEndpoints.length > 0 && portEndpoints.every((e) => e.tlsMode === 'istio'),
    destinationRule: push.destinationRule(proxy, service),
  };
}

/** A service port's clusters, cached per push context by their full key. */
export const SERVICE_PORT_CLUSTERS = cacheSlot<OutboundClusterKey, readonly ClusterWire[]>('outbound clusters', (key) => buildServicePortClusters(key));

/** A proxy's outbound clusters, cached per push context by its ProxyKey (each service port through SERVICE_PORT_CLUSTERS). */
const OUTBOUND_CLUSTERS = cacheSlot<ProxyKey, readonly ClusterWire[], PushContext>('outbound cluster lists', (proxy, push) => {
  const out: ClusterWire[] = [];
  for (const service of push.sidecarScope(proxy).services) {
    for (const port of service.ports) {
      if (port.protocol === 'UDP') continue;
      out.push(...push.cache.getOrBuild(SERVICE_PORT_CLUSTERS, outboundClusterKey(proxy, push, service, port)));
    }
  }
  return out;
});

export function buildOutboundClusters(proxy: ProxyView, push: PushContext): readonly ClusterWire[] {
  return push.cache.getOrBuild(OUTBOUND_CLUSTERS, push.proxyKey(proxy));
}

/** The default cluster of a service port followed by its subset clusters. */
export function buildServicePortClusters(key: OutboundClusterKey): ClusterWire[] {
  const rule: DestinationRuleSpec | undefined = key.destinationRule?.spec;
  const type = discoveryType(key.service, key.proxyType);
  const out: ClusterWire[] = [];
  const main = buildOne(key, type, '', key.endpoints, subsetTrafficPolicy(rule?.trafficPolicy, undefined, key.port.port));
  if (main) out.push(main);
  for (const subset of rule?.subsets ?? []) {
    const name = subset.name ?? '';
    const policy = subsetTrafficPolicy(rule?.trafficPolicy, subset.trafficPolicy, key.port.port);
    const subsetType = subset.trafficPolicy?.loadBalancer?.simple === 'PASSTHROUGH' ? 'ORIGINAL_DST' : type;
    const endpoints = key.endpoints.filter((e) => selectorMatches(subset.labels, e.labels));
    const cluster = buildOne(key, subsetType, name, endpoints, policy);
    if (cluster) out.push(cluster);
  }
  return out;
}

/** Istio's convertResolution. */
export function discoveryType(service: Service, proxyType: ProxyView['type']): DiscoveryType {
  switch (service.resolution) {
    case 'DNSLB': return 'STRICT_DNS';
    case 'DNSRoundRobinLB': return 'LOGICAL_DNS';
    case 'Passthrough': return proxyType === 'router' ? 'EDS' : 'ORIGINAL_DST';
    default: return 'EDS';
  }
}

function buildOne(
  key: OutboundClusterKey,
  type: DiscoveryType,
  subset: string,
  endpoints: readonly ServiceEndpoint[],
  policy: DestinationRuleSpec['trafficPolicy'],
): ClusterWire | undefined {
  const name = outboundClusterName(key.port.port, subset, key.service.hostname);
  const draft = new ClusterDraft({ name, type, alt_stat_name: `${name};` });
  const c = draft.cluster;
  let endpointLabels: readonly (readonly Readonly<Record<string, string>>[])[] | undefined;
  if (type === 'STRICT_DNS' || type === 'LOGICAL_DNS') {
    const groups = buildLocalityGroups(endpoints, { sendUnhealthy: false, withHealthStatus: false });
    const localities = groups.localities;
    endpointLabels = groups.endpointLabels;
    if (localities.length === 0) return undefined;
    c.dns_lookup_family = key.dnsLookupFamily;
    c.dns_refresh_rate = protoDuration(key.mesh.dnsRefreshRateMs);
    c.respect_dns_ttl = true;
    c.load_assignment = { cluster_name: name, endpoints: localities };
  }
  if (isHttp2Protocol(key.port.protocol)) draft.setHttp2();
  else if (key.proxyType === 'sidecar' && key.port.protocol === 'Unsupported') draft.setUseDownstreamProtocol();
  applyOutboundTrafficPolicy(draft, policy, { mesh: key.mesh, port: key.port, proxyLocality: key.proxyLocality, proxyLabels: key.proxyLabels, endpointLabels });
  applyUpstreamTls(draft, policy?.tls, upstreamTlsInputs(key, subset, policy));
  if (c.type === 'EDS') {
    c.eds_cluster_config = { service_name: name, eds_config: { ads: {}, initial_fetch_timeout: { seconds: '0' }, resource_api_version: 'V3' } };
  }
  applyIstioMetadata(c, { services: [key.service], port: key.port.port, subset, destinationRule: key.destinationRule?.from[0] });
  return draft.build();
}

function upstreamTlsInputs(key: OutboundClusterKey, subset: string, policy: DestinationRuleSpec['trafficPolicy']): UpstreamTlsInputs {
  const passthrough = key.service.resolution === 'Passthrough' || policy?.loadBalancer?.simple === 'PASSTHROUGH';
  let serviceMtlsMode: ServiceMtlsMode = 'permissive';
  if (key.service.meshExternal) serviceMtlsMode = 'unknown';
  else if (passthrough && !key.allEndpointsHaveSidecars) serviceMtlsMode = 'disable';
  return {
    proxyType: key.proxyType,
    sni: clusterSni({ direction: 'outbound', port: key.port.port, subset, hostname: key.service.hostname }),
    serviceAccounts: key.serviceAccounts,
    meshExternal: key.service.meshExternal,
    fromServiceEntry: key.service.registry === 'External',
    enableAutoMtls: key.mesh.enableAutoMtls,
    serviceMtlsMode,
    ruleHasWorkloadSelector: key.destinationRule?.workloadSelector !== undefined,
    tlsDefaults: key.mesh.tlsDefaults,
  };
}

/** Istio: V4_ONLY for IPv4-only proxies, V6_ONLY for IPv6-only ones, V4_ONLY otherwise (dual stack off). */
function dnsLookupFamily(ips: readonly string[]): 'V4_ONLY' | 'V6_ONLY' {
  return ips.length > 0 && ips.every((ip) => ip.includes(':')) ? 'V6_ONLY' : 'V4_ONLY';
}
