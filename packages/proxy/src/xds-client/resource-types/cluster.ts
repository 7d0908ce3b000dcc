/**
 * CDS: envoy.config.cluster.v3.Cluster → ClusterConfig. The discovery type,
 * EDS service name, connect timeout, LB policy and inline load assignment
 * are validated here; circuit breakers, outlier detection and typed LB
 * policies are handed on as decoded messages for the upstream components
 * that own their parsing.
 */
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, ok, type Result } from '@skiff/common';
import { ParseErrors, WireReader } from '../../http/route-table/wire-reader.ts';
import { readClusterDiscovery } from '../../upstream/cluster-discovery.ts';
import type { ClusterConfig, DiscoveryType, LbPolicy } from '../types.ts';
import { readLoadAssignment } from './endpoint.ts';
import { joinFailures, type ResourceType } from './resource-type.ts';
import { readTypedExtension } from './typed-extension.ts';

const DISCOVERY_TYPES: readonly DiscoveryType[] = ['STATIC', 'STRICT_DNS', 'LOGICAL_DNS', 'EDS', 'ORIGINAL_DST'];
const LB_POLICIES: readonly LbPolicy[] = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RING_HASH', 'RANDOM', 'MAGLEV', 'CLUSTER_PROVIDED', 'LOAD_BALANCING_POLICY_CONFIG'];
/** Envoy's default connect_timeout. */
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export function parseCluster(wire: WireMessage): Result<ClusterConfig> {
  const r = new WireReader(new ParseErrors());
  const name = r.string(wire, 'name', []) ?? '';
  if (name === '') r.errors.add(['name'], 'value length must be at least 1 characters');
  if (wire.cluster_type !== undefined) r.errors.add(['cluster_type'], 'custom cluster types are not supported');
  const type = (r.string(wire, 'type', []) ?? 'STATIC') as DiscoveryType;
  if (!DISCOVERY_TYPES.includes(type)) r.errors.add(['type'], 'value must be one of the defined enum values');
  const lbPolicy = (r.string(wire, 'lb_policy', []) ?? 'ROUND_ROBIN') as LbPolicy;
  if (!LB_POLICIES.includes(lbPolicy)) r.errors.add(['lb_policy'], 'value must be one of the defined enum values');
  // Envoy's wording (cluster_factory_impl / original_dst_cluster).
  if (type === 'ORIGINAL_DST' && lbPolicy !== 'CLUSTER_PROVIDED' && wire.load_balancing_policy === undefined) {
    r.errors.add(['lb_policy'], `cluster: LB policy ${lbPolicy} is not valid for Cluster type ORIGINAL_DST. Only 'CLUSTER_PROVIDED' is allowed with cluster type 'ORIGINAL_DST'`);
  }
  if (lbPolicy === 'CLUSTER_PROVIDED' && type !== 'ORIGINAL_DST') {
    r.errors.add(['lb_policy'], `cluster: LB policy CLUSTER_PROVIDED is not valid for Cluster type ${type}. 'CLUSTER_PROVIDED' is allowed only with cluster type 'ORIGINAL_DST'`);
  }
  const connectTimeoutMs = r.durationMs(wire, 'connect_timeout', []) ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (connectTimeoutMs <= 0) r.errors.add(['connect_timeout'], 'value must be greater than 0s');

  const eds = r.object(wire, 'eds_cluster_config', []);
  const serviceName = eds ? r.string(eds, 'service_name', ['eds_cluster_config']) : undefined;
  const assignment = r.object(wire, 'load_assignment', []);
  const loadAssignment = assignment && type !== 'EDS' ? readLoadAssignment(r, assignment, ['load_assignment']) : undefined;
  if (type === 'LOGICAL_DNS' && (loadAssignment?.localities.length !== 1 || loadAssignment.localities[0].lbEndpoints.length !== 1)) {
    r.errors.add(['load_assignment'], 'LOGICAL_DNS clusters must have a single locality_lb_endpoint and a single lb_endpoint');
  }
  const discovery = readClusterDiscovery(r, wire, type);
  const socket = r.object(wire, 'transport_socket', []);
  const transportSocket = socket ? readTypedExtension(r, socket, ['transport_socket']) : undefined;
  if (r.errors.list.length > 0) return fail(...r.errors.list);
  return ok({
    name,
    type,
    discovery,
    edsServiceName: type === 'EDS' ? serviceName || name : undefined,
    connectTimeoutMs,
    lbPolicy,
    loadAssignment,
    transportSocket,
    transportSocketMatches: r.objects(wire, 'transport_socket_matches', []),
    circuitBreakers: r.object(wire, 'circuit_breakers', []),
    outlierDetection: r.object(wire, 'outlier_detection', []),
    healthChecks: r.objects(wire, 'health_checks', []),
    loadBalancingPolicy: r.object(wire, 'load_balancing_policy', []) ?? legacyLoadBalancingPolicy(r, wire, lbPolicy),
    commonLbConfig: r.object(wire, 'common_lb_config', []),
    typedExtensionProtocolOptions: r.object(wire, 'typed_extension_protocol_options', []),
  });
}

/** The typed policy a legacy lb_policy (with its *_lb_config) stands for; one code path downstream (STYLE.md §4). */
const LEGACY_POLICIES: Partial<Record<LbPolicy, { name: string; typeUrl: string; configKey?: string }>> = {
  ROUND_ROBIN: { name: 'envoy.load_balancing_policies.round_robin', typeUrl: TypeUrl.RoundRobin, configKey: 'round_robin_lb_config' },
  LEAST_REQUEST: { name: 'envoy.load_balancing_policies.least_request', typeUrl: TypeUrl.LeastRequest, configKey: 'least_request_lb_config' },
  RANDOM: { name: 'envoy.load_balancing_policies.random', typeUrl: TypeUrl.Random },
  RING_HASH: { name: 'envoy.load_balancing_policies.ring_hash', typeUrl: TypeUrl.RingHash, configKey: 'ring_hash_lb_config' },
  MAGLEV: { name: 'envoy.load_balancing_policies.maglev', typeUrl: TypeUrl.Maglev, configKey: 'maglev_lb_config' },
};

function legacyLoadBalancingPolicy(r: WireReader, wire: WireMessage, lbPolicy: LbPolicy): WireMessage {
  const legacy = LEGACY_POLICIES[lbPolicy];
  if (!legacy) return { policies: [] };
  const lbConfig = legacy.configKey ? r.object(wire, legacy.configKey, []) ?? {} : {};
  // The legacy configs share field names with the typed ones for everything Skiff reads.
  const { slow_start_config: _slow, ...fields } = lbConfig as Record<string, unknown>;
  return { policies: [{ typed_extension_config: { name: legacy.name, typed_config: { '@type': legacy.typeUrl, ...fields } } }] };
}

export const clusterResourceType: ResourceType<ClusterConfig> = {
  typeUrl: TypeUrl.Cluster,
  shortName: 'cds',
  isFullState: true,
  nameOf: (wire) => String(wire.name ?? ''),
  parse: parseCluster,
  // Envoy's cds_api_helper.cc.
  rejectionMessage: (failures) => `Error adding/updating cluster(s) ${joinFailures(failures)}`,
};
