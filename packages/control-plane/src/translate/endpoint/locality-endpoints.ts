/**
 * Service endpoints → Envoy LocalityLbEndpoints: grouped by locality in
 * first-seen order, each endpoint with its address, health status and
 * weight, each locality weighted by the sum of its endpoints' weights.
 * Not-ready endpoints are left out unless the mesh sends them (then as
 * UNHEALTHY, with the panic threshold at 0 on the cluster). Endpoints with
 * a sidecar carry `envoy.transport_socket_match: {tlsMode: istio}`, which
 * selects the `tlsMode-istio` transport socket of an auto-mTLS cluster
 * (Istio's AppendLbEndpointMetadata); the others carry none and get the
 * cluster's plaintext match.
 */
import { formatLocality, withTopologyLabels } from '../../registry/locality.ts';
import type { ServiceEndpoint } from '../../registry/types.ts';
import { jsonToStruct } from '@skiff/api/envoy/struct.ts';
import type { LbEndpointWire, LocalityLbEndpointsWire } from '../cluster/wire.ts';

/** Envoy's metadata namespace for transport_socket_matches, and Istio's key in it. */
export const TRANSPORT_SOCKET_MATCH_METADATA = 'envoy.transport_socket_match';
export const TLS_MODE_METADATA_KEY = 'tlsMode';
const ISTIO_TLS_MODE_METADATA = { filter_metadata: { [TRANSPORT_SOCKET_MATCH_METADATA]: jsonToStruct({ [TLS_MODE_METADATA_KEY]: 'istio' }) } };

export interface LocalityEndpointsOptions {
  readonly sendUnhealthy: boolean;
  /** DNS clusters carry no health status (the proxy resolves the names). */
  readonly withHealthStatus: boolean;
}

/** Localities and, in the same order, each lb endpoint's labels with its topology (failoverPriority matches on them). */
export interface LocalityGroups {
  readonly localities: LocalityLbEndpointsWire[];
  readonly endpointLabels: readonly (readonly Readonly<Record<string, string>>[])[];
}

export function buildLocalityLbEndpoints(endpoints: readonly ServiceEndpoint[], options: LocalityEndpointsOptions): LocalityLbEndpointsWire[] {
  return buildLocalityGroups(endpoints, options).localities;
}

export function buildLocalityGroups(endpoints: readonly ServiceEndpoint[], options: LocalityEndpointsOptions): LocalityGroups {
  const groups = new Map<string, { endpoints: ServiceEndpoint[] }>();
  for (const e of endpoints) {
    if (!e.healthy && !options.sendUnhealthy) continue;
    const key = formatLocality(e.locality);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { endpoints: [] }));
    g.endpoints.push(e);
  }
  const out: LocalityLbEndpointsWire[] = [];
  const endpointLabels: Readonly<Record<string, string>>[][] = [];
  for (const { endpoints: group } of groups.values()) {
    endpointLabels.push(group.map((e) => withTopologyLabels(e.labels, e.locality, e.network)));
    const l = group[0].locality;
    const lbEndpoints: LbEndpointWire[] = group.map((e) => ({
      endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
      ...(options.withHealthStatus ? { health_status: e.healthy ? 'HEALTHY' as const : 'UNHEALTHY' as const } : {}),
      ...(e.tlsMode === 'istio' ? { metadata: ISTIO_TLS_MODE_METADATA } : {}),
      load_balancing_weight: { value: e.weight },
    }));
    out.push({
      ...(l.region || l.zone || l.subZone ? { locality: { ...(l.region ? { region: l.region } : {}), ...(l.zone ? { zone: l.zone } : {}), ...(l.subZone ? { sub_zone: l.subZone } : {}) } } : {}),
      lb_endpoints: lbEndpoints,
      load_balancing_weight: { value: group.reduce((s, e) => s + e.weight, 0) },
    });
  }
  return { localities: out, endpointLabels };
}
