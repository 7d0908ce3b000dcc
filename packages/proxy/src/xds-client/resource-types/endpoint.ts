/**
 * EDS: envoy.config.endpoint.v3.ClusterLoadAssignment → EndpointsConfig.
 * Also parses a cluster's inline load_assignment (STATIC and DNS clusters).
 */
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { StructWire } from '@skiff/api/envoy/discovery-types.ts';
import { structToJson, type JsonValue } from '@skiff/api/envoy/struct.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { ParseErrors, WireReader, type WireObject } from '../../http/route-table/wire-reader.ts';
import type { EndpointsConfig, HealthStatus, LbEndpointConfig, LocalityLbEndpointsConfig } from '../types.ts';
import { joinFailures, type ResourceType } from './resource-type.ts';
import { readSocketAddress } from './socket-address.ts';

const HEALTH: readonly HealthStatus[] = ['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED'];
const DEFAULT_OVERPROVISIONING_FACTOR = 140;

export function parseClusterLoadAssignment(wire: WireMessage): Result<EndpointsConfig> {
  const r = new WireReader(new ParseErrors());
  const config = readLoadAssignment(r, wire, []);
  return r.errors.list.length > 0 ? fail(...r.errors.list) : ok(config);
}

export function readLoadAssignment(r: WireReader, wire: WireObject, at: FieldPath): EndpointsConfig {
  const clusterName = r.string(wire, 'cluster_name', at) ?? '';
  if (clusterName === '') r.errors.add([...at, 'cluster_name'], 'value length must be at least 1 characters');
  const policy = r.object(wire, 'policy', at);
  const factor = policy ? r.wrapped(policy, 'overprovisioning_factor', [...at, 'policy'], 'number') : undefined;
  if (factor !== undefined && factor < 1) r.errors.add([...at, 'policy', 'overprovisioning_factor'], 'value must be greater than 0');
  return {
    clusterName,
    localities: r.objects(wire, 'endpoints', at).map((l, i) => readLocality(r, l, [...at, 'endpoints', i])),
    overprovisioningFactor: factor ?? DEFAULT_OVERPROVISIONING_FACTOR,
  };
}

function readLocality(r: WireReader, wire: WireObject, at: FieldPath): LocalityLbEndpointsConfig {
  const locality = r.object(wire, 'locality', at) ?? {};
  const lAt = [...at, 'locality'];
  const weight = r.wrapped(wire, 'load_balancing_weight', at, 'number');
  if (weight !== undefined && weight < 1) r.errors.add([...at, 'load_balancing_weight'], 'value must be greater than or equal to 1');
  return {
    locality: { region: r.string(locality, 'region', lAt) ?? '', zone: r.string(locality, 'zone', lAt) ?? '', subZone: r.string(locality, 'sub_zone', lAt) ?? '' },
    priority: r.number(wire, 'priority', at) ?? 0,
    loadBalancingWeight: weight,
    lbEndpoints: r.objects(wire, 'lb_endpoints', at).map((e, i) => readLbEndpoint(r, e, [...at, 'lb_endpoints', i])),
  };
}

function readLbEndpoint(r: WireReader, wire: WireObject, at: FieldPath): LbEndpointConfig {
  const endpoint = r.object(wire, 'endpoint', at);
  if (!endpoint) r.errors.add([...at, 'endpoint'], 'value is required');
  const eAt = [...at, 'endpoint'];
  const address = endpoint ? readSocketAddress(r, endpoint, 'address', eAt) : undefined;
  const health = r.string(wire, 'health_status', at) ?? 'UNKNOWN';
  if (!(HEALTH as readonly string[]).includes(health)) r.errors.add([...at, 'health_status'], 'value must be one of the defined enum values');
  const weight = r.wrapped(wire, 'load_balancing_weight', at, 'number');
  if (weight !== undefined && weight < 1) r.errors.add([...at, 'load_balancing_weight'], 'value must be greater than or equal to 1');
  return {
    address: address ?? { address: '', port: 0 },
    hostname: (endpoint && r.string(endpoint, 'hostname', eAt)) ?? '',
    healthStatus: (HEALTH as readonly string[]).includes(health) ? (health as HealthStatus) : 'UNKNOWN',
    loadBalancingWeight: weight ?? 1,
    transportSocketMatchMetadata: readTransportSocketMatchMetadata(r, wire, at),
  };
}

/** metadata.filter_metadata['envoy.transport_socket_match'] (Istio writes `tlsMode` there), as JSON. */
function readTransportSocketMatchMetadata(r: WireReader, wire: WireObject, at: FieldPath): Readonly<Record<string, JsonValue>> | undefined {
  const metadata = r.object(wire, 'metadata', at);
  const filterMetadata = metadata && r.object(metadata, 'filter_metadata', [...at, 'metadata']);
  const struct = filterMetadata && r.object(filterMetadata, 'envoy.transport_socket_match', [...at, 'metadata', 'filter_metadata']);
  return struct ? structToJson(struct as StructWire) : undefined;
}

export const endpointResourceType: ResourceType<EndpointsConfig> = {
  typeUrl: TypeUrl.ClusterLoadAssignment,
  shortName: 'eds',
  isFullState: false,
  nameOf: (wire) => String(wire.cluster_name ?? ''),
  parse: parseClusterLoadAssignment,
  // Envoy's EDS rejects with the validation exception of the assignment itself.
  rejectionMessage: joinFailures,
};
