/**
 * Bootstrap boundary: an Envoy v3 Bootstrap (as JSON or YAML, in the shape
 * istio-agent writes to envoy-rev.json) → BootstrapConfig, or every error
 * with its field path (`node.metadata.LABELS.app: expected a string`).
 * Only what Skiff's proxy uses is read: node, admin.address,
 * dynamic_resources.ads_config (api_type and the envoy_grpc cluster), that
 * cluster's first endpoint in static_resources.clusters, and
 * static_resources.secrets (certificates and trust bundles TLS contexts name
 * without an sds_config).
 */
import { isIP } from 'node:net';
import type { JsonValue } from '@skiff/api/envoy/struct.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { ParseErrors, WireReader, type WireObject } from '../http/route-table/wire-reader.ts';
import { parseSecretBody } from '../transport-sockets/tls/config.ts';
import { parseNodeId } from './node-id.ts';
import { DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT, type AdsProtocol, type BootstrapConfig, type SocketAddressConfig } from './types.ts';

const API_TYPES: Readonly<Record<string, AdsProtocol>> = { GRPC: 'sotw', DELTA_GRPC: 'delta', AGGREGATED_GRPC: 'sotw', AGGREGATED_DELTA_GRPC: 'delta' };
const STRING_METADATA = ['NAMESPACE', 'SERVICE_ACCOUNT', 'CLUSTER_ID', 'ISTIO_VERSION', 'INSTANCE_IPS'] as const;

export function parseBootstrap(input: unknown): Result<BootstrapConfig> {
  const errors = new ParseErrors();
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return fail('bootstrap: expected an object (an Envoy v3 Bootstrap)');
  const r = new WireReader(errors);
  const wire = input as WireObject;

  const node = r.object(wire, 'node', []);
  if (!node) errors.add(['node'], 'value is required');
  const id = node ? r.string(node, 'id', ['node']) : undefined;
  if (node && !id) errors.add(['node', 'id'], 'value is required');
  const parts = id ? parseNodeId(id) : undefined;
  if (parts && !parts.ok) for (const e of parts.errors) errors.add(['node', 'id'], e);
  const metadata = node ? parseMetadata(r, node) : {};

  const admin = r.object(wire, 'admin', []);
  const adminSocket = admin ? socketAddress(r, admin, ['admin']) : undefined;
  const adminAddress = adminSocket ?? { host: DEFAULT_ADMIN_HOST, port: DEFAULT_ADMIN_PORT };

  const ads = parseAdsConfig(r, wire);
  const staticResources = r.object(wire, 'static_resources', []);
  const staticSecrets = staticResources ? r.objects(staticResources, 'secrets', ['static_resources']).map((s, i) => parseSecretBody(r, s, ['static_resources', 'secrets', i])) : [];
  if (errors.list.length > 0 || !parts?.ok || !ads) return fail(...errors.list);
  const { proxyType, ip, proxyId, dnsDomain } = parts.value;
  const namespace = typeof metadata.NAMESPACE === 'string' && metadata.NAMESPACE !== '' ? metadata.NAMESPACE : proxyId.slice(proxyId.indexOf('.') + 1);
  return ok({
    node: { id: id!, cluster: (node && r.string(node, 'cluster', ['node'])) ?? '', metadata },
    proxyType,
    proxyIp: ip,
    proxyId,
    dnsDomain,
    namespace,
    labels: (metadata.LABELS ?? {}) as Record<string, string>,
    adsClusterName: ads.clusterName,
    adsAddress: ads.address,
    adsProtocol: ads.protocol,
    adminAddress,
    ...(staticSecrets.length > 0 ? { staticSecrets } : {}),
  });
}

function parseMetadata(r: WireReader, node: WireObject): Record<string, JsonValue> {
  const at: FieldPath = ['node', 'metadata'];
  const metadata = r.object(node, 'metadata', ['node']);
  if (!metadata) return {};
  for (const key of STRING_METADATA) r.string(metadata, key, at);
  const labels = r.object(metadata, 'LABELS', at);
  if (labels) for (const key of Object.keys(labels)) r.string(labels, key, [...at, 'LABELS']);
  const ips = metadata.INSTANCE_IPS;
  if (typeof ips === 'string') {
    ips.split(',').filter(Boolean).forEach((ip) => {
      if (isIP(ip) === 0) r.errors.add([...at, 'INSTANCE_IPS'], `invalid IP address "${ip}"`);
    });
  }
  return metadata as Record<string, JsonValue>;
}

function parseAdsConfig(r: WireReader, wire: WireObject): { clusterName: string; address: SocketAddressConfig; protocol: AdsProtocol } | undefined {
  const at: FieldPath = ['dynamic_resources', 'ads_config'];
  const dynamic = r.object(wire, 'dynamic_resources', []);
  const ads = dynamic && r.object(dynamic, 'ads_config', ['dynamic_resources']);
  if (!ads) {
    r.errors.add(at, 'value is required (Skiff takes all of its config over ADS)');
    return undefined;
  }
  const apiType = r.string(ads, 'api_type', at) ?? 'GRPC';
  const protocol = API_TYPES[apiType];
  if (!protocol) r.errors.add([...at, 'api_type'], `unsupported api_type "${apiType}" (valid: ${Object.keys(API_TYPES).join(', ')})`);
  const services = r.objects(ads, 'grpc_services', at);
  const envoyGrpc = services[0] && r.object(services[0], 'envoy_grpc', [...at, 'grpc_services', 0]);
  const clusterName = envoyGrpc && r.string(envoyGrpc, 'cluster_name', [...at, 'grpc_services', 0, 'envoy_grpc']);
  if (!clusterName) {
    r.errors.add([...at, 'grpc_services', 0, 'envoy_grpc', 'cluster_name'], 'value is required');
    return undefined;
  }
  const staticResources = r.object(wire, 'static_resources', []);
  const clusters = staticResources ? r.objects(staticResources, 'clusters', ['static_resources']) : [];
  const index = clusters.findIndex((c) => c.name === clusterName);
  if (index < 0) {
    r.errors.add([...at, 'grpc_services', 0, 'envoy_grpc', 'cluster_name'], `unknown cluster "${clusterName}": no static_resources.clusters entry has this name`);
    return undefined;
  }
  const cAt: FieldPath = ['static_resources', 'clusters', index, 'load_assignment', 'endpoints', 0, 'lb_endpoints', 0, 'endpoint'];
  const assignment = r.object(clusters[index], 'load_assignment', cAt.slice(0, 3));
  const locality = assignment && r.objects(assignment, 'endpoints', cAt.slice(0, 4))[0];
  const lbEndpoint = locality && r.objects(locality, 'lb_endpoints', cAt.slice(0, 6))[0];
  const endpoint = lbEndpoint && r.object(lbEndpoint, 'endpoint', cAt.slice(0, 8));
  const address = endpoint && socketAddress(r, endpoint, cAt);
  if (!endpoint) r.errors.add(cAt, 'value is required: the ADS cluster needs one endpoint');
  return address && protocol ? { clusterName, address, protocol } : undefined;
}

/** `{address: {socket_address: {address, port_value}}}` under `obj`. */
export function socketAddress(r: WireReader, obj: WireObject, at: FieldPath): SocketAddressConfig | undefined {
  const address = r.object(obj, 'address', at);
  const socket = address && r.object(address, 'socket_address', [...at, 'address']);
  const sAt = [...at, 'address', 'socket_address'];
  if (!socket) {
    r.errors.add(sAt, 'value is required');
    return undefined;
  }
  const host = r.string(socket, 'address', sAt);
  const port = r.number(socket, 'port_value', sAt);
  if (!host) r.errors.add([...sAt, 'address'], 'value is required');
  if (port === undefined) r.errors.add([...sAt, 'port_value'], 'value is required');
  else if (!Number.isInteger(port) || port < 0 || port > 65535) r.errors.add([...sAt, 'port_value'], 'value must be less than or equal to 65535');
  return host && port !== undefined && port >= 0 && port <= 65535 ? { host, port } : undefined;
}
