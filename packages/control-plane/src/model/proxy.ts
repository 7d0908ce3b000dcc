/**
 * A connected proxy as the control plane sees it, parsed once from the xDS
 * node Istio's bootstrap sends: the id `sidecar~10.1.1.1~reviews-v1-abc.default~default.svc.cluster.local`
 * (`router~…` for gateways) and the node metadata (LABELS, NAMESPACE,
 * SERVICE_ACCOUNT, CLUSTER_ID, ISTIO_VERSION, INSTANCE_IPS). Everything
 * downstream trusts this shape.
 */
import type { Node } from '@skiff/api/envoy/discovery-types.ts';
import { structToJson, type JsonValue } from '@skiff/api/envoy/struct.ts';
import { fail, ok, type Result } from '@skiff/common';

export type ProxyType = 'sidecar' | 'router';

export interface Proxy {
  /** `pod.namespace`, the name `proxy-status` prints. */
  readonly id: string;
  readonly type: ProxyType;
  readonly ipAddresses: readonly string[];
  /** `default.svc.cluster.local`. */
  readonly dnsDomain: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly clusterId: string;
  readonly istioVersion: string;
  /** The full node metadata, as JSON. */
  readonly metadata: Readonly<Record<string, JsonValue>>;
}

const PROXY_TYPES: readonly string[] = ['sidecar', 'router'];
const DEFAULT_CLUSTER_ID = 'Kubernetes';

export function parseProxyNode(node: Node | null | undefined): Result<Proxy> {
  const nodeId = node?.id ?? '';
  const parts = nodeId.split('~');
  if (parts.length !== 4) return fail(`missing parts in the service node "${nodeId}"`);
  const [type, ip, id, dnsDomain] = parts;
  const errors: string[] = [];
  if (!PROXY_TYPES.includes(type)) errors.push(`invalid node type (valid types: ${PROXY_TYPES.join(', ')}) in the service node "${nodeId}"`);
  if (id === '') errors.push(`empty proxy id in the service node "${nodeId}"`);
  const metadata = structToJson(node?.metadata);
  const labels = stringMap(metadata.LABELS);
  const instanceIps = typeof metadata.INSTANCE_IPS === 'string' ? metadata.INSTANCE_IPS.split(',').filter(Boolean) : [];
  const ipAddresses = instanceIps.length > 0 ? instanceIps : ip === '' ? [] : [ip];
  if (ipAddresses.length === 0) errors.push(`no IP addresses in the service node "${nodeId}"`);
  if (errors.length > 0) return fail(...errors);
  const dot = id.indexOf('.');
  const namespace = stringOr(metadata.NAMESPACE, dot >= 0 ? id.slice(dot + 1) : dnsDomain.split('.')[0] ?? '');
  return ok({
    id,
    type: type as ProxyType,
    ipAddresses,
    dnsDomain,
    namespace,
    labels,
    serviceAccount: stringOr(metadata.SERVICE_ACCOUNT, ''),
    clusterId: stringOr(metadata.CLUSTER_ID, DEFAULT_CLUSTER_ID),
    istioVersion: stringOr(metadata.ISTIO_VERSION, ''),
    metadata,
  });
}

function stringOr(value: JsonValue | undefined, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function stringMap(value: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}
