/**
 * A workload as Istio's telemetry sees it (istio/proxy's WorkloadMetadataObject),
 * read from xDS node metadata — this proxy's own bootstrap, or a peer's,
 * received in the x-envoy-peer-metadata header (a google.protobuf.Struct,
 * protobuf-encoded then base64, with x-envoy-peer-metadata-id carrying the
 * node id). Labels follow Istio's rules: canonical service from
 * service.istio.io/canonical-name, then app.kubernetes.io/name, then app;
 * canonical revision from service.istio.io/canonical-revision, then
 * app.kubernetes.io/version, then version, else `latest`.
 */
import { TypeUrl } from '@skiff/api';
import { decodeMessage, encodeMessage, type WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { jsonToStruct, structToJson, type JsonValue } from '@skiff/api/envoy/struct.ts';
import type { StructWire } from '@skiff/api/envoy/discovery-types.ts';

export const PEER_METADATA_HEADER = 'x-envoy-peer-metadata';
export const PEER_METADATA_ID_HEADER = 'x-envoy-peer-metadata-id';

export interface WorkloadInfo {
  readonly podName: string;
  readonly namespace: string;
  readonly workloadName: string;
  readonly app: string;
  readonly version: string;
  readonly canonicalService: string;
  readonly canonicalRevision: string;
  readonly clusterId: string;
  readonly serviceAccount: string;
}

export interface NodeIdentity {
  readonly id: string;
  readonly metadata: Readonly<Record<string, JsonValue>>;
}

const str = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');

/** `reviews-v1-545db77b95-x7k2p` → `reviews-v1` (Deployment pods: ReplicaSet hash and pod suffix). */
export function workloadNameFromPodName(pod: string): string {
  const parts = pod.split('-');
  if (parts.length >= 3 && /^[a-z0-9]{5}$/.test(parts[parts.length - 1]) && /^[a-z0-9]{6,10}$/.test(parts[parts.length - 2])) return parts.slice(0, -2).join('-');
  if (parts.length >= 2 && /^[a-z0-9]{5}$/.test(parts[parts.length - 1])) return parts.slice(0, -1).join('-');
  return pod;
}

export function workloadFromMetadata(metadata: Readonly<Record<string, JsonValue>>, nodeId = ''): WorkloadInfo {
  const labelsValue = metadata.LABELS;
  const labels: Record<string, string> = {};
  if (labelsValue !== null && typeof labelsValue === 'object' && !Array.isArray(labelsValue)) {
    for (const [k, v] of Object.entries(labelsValue)) if (typeof v === 'string') labels[k] = v;
  }
  // node id `sidecar~ip~pod.ns~ns.svc.cluster.local`: the pod name when NAME is absent.
  const proxyId = nodeId.split('~')[2] ?? '';
  const dot = proxyId.lastIndexOf('.');
  const podName = str(metadata.NAME) || (dot < 0 ? proxyId : proxyId.slice(0, dot));
  const namespace = str(metadata.NAMESPACE) || (dot < 0 ? '' : proxyId.slice(dot + 1));
  const owner = str(metadata.OWNER);
  const workloadName = str(metadata.WORKLOAD_NAME) || (owner ? owner.slice(owner.lastIndexOf('/') + 1) : '') || (podName ? workloadNameFromPodName(podName) : '');
  const app = labels.app ?? '';
  const version = labels.version ?? '';
  return {
    podName,
    namespace,
    workloadName,
    app,
    version,
    canonicalService: labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? (app || workloadName),
    canonicalRevision: labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? (version || 'latest'),
    clusterId: str(metadata.CLUSTER_ID),
    serviceAccount: str(metadata.SERVICE_ACCOUNT),
  };
}

/** The metadata fields Istio exchanges with peers (a subset of the node's). */
const EXCHANGED = ['NAME', 'NAMESPACE', 'LABELS', 'WORKLOAD_NAME', 'OWNER', 'CLUSTER_ID', 'MESH_ID', 'SERVICE_ACCOUNT', 'INSTANCE_IPS', 'PLATFORM_METADATA', 'APP_CONTAINERS'];

/** This node's x-envoy-peer-metadata value (computed once per proxy). */
export function encodePeerMetadata(node: NodeIdentity): string {
  const w = workloadFromMetadata(node.metadata, node.id);
  const out: Record<string, JsonValue> = {};
  for (const k of EXCHANGED) if (node.metadata[k] !== undefined) out[k] = node.metadata[k];
  if (out.NAME === undefined && w.podName) out.NAME = w.podName;
  if (out.NAMESPACE === undefined && w.namespace) out.NAMESPACE = w.namespace;
  if (out.WORKLOAD_NAME === undefined && w.workloadName) out.WORKLOAD_NAME = w.workloadName;
  return Buffer.from(encodeMessage(TypeUrl.Struct, jsonToStruct(out) as unknown as WireMessage)).toString('base64');
}

const MAX_DECODED = 1024;

/**
 * A decoder with its own cache by header value (bounded): a proxy talks to
 * few peers, and each sends the same value on every request, so a peer's
 * Struct is decoded once.
 */
export function createPeerMetadataDecoder(): (value: string) => WorkloadInfo | undefined {
  const decoded = new Map<string, WorkloadInfo | undefined>();
  return (value) => {
    if (decoded.has(value)) return decoded.get(value);
    const peer = decodePeerMetadata(value);
    if (decoded.size >= MAX_DECODED) decoded.clear();
    decoded.set(value, peer);
    return peer;
  };
}

/** A peer's header value → its workload; undefined when it is not a valid encoded Struct. */
export function decodePeerMetadata(value: string): WorkloadInfo | undefined {
  try {
    const struct = decodeMessage(TypeUrl.Struct, Buffer.from(value, 'base64')) as StructWire;
    const json = structToJson(struct);
    return Object.keys(json).length === 0 ? undefined : workloadFromMetadata(json);
  } catch {
    return undefined;
  }
}
