/**
 * Per-proxy sync status, in the JSON shape of Istio's /debug/syncz (the
 * `*_sent` / `*_acked` fields carry nonces, which is how istioctl
 * proxy-status derives SYNCED / STALE / NOT SENT), plus Skiff's own
 * `xds_status` per type and the last NACK per type with Envoy's error text.
 */
import { TypeUrl } from '@skiff/api';
import type { Connection } from './connection.ts';
import { metricType } from './metrics.ts';
import type { SyncState, TypeWatch } from './type-watch.ts';

export interface NackStatus {
  readonly type: string;
  readonly nonce: string;
  readonly version: string;
  readonly resource_names: readonly string[];
  readonly error: string;
}

export interface SyncStatus {
  readonly cluster_id: string;
  readonly proxy: string;
  readonly proxy_type: string;
  readonly proxy_version?: string;
  readonly istio_version?: string;
  readonly cluster_sent?: string;
  readonly cluster_acked?: string;
  readonly listener_sent?: string;
  readonly listener_acked?: string;
  readonly route_sent?: string;
  readonly route_acked?: string;
  readonly endpoint_sent?: string;
  readonly endpoint_acked?: string;
  readonly extensionconfig_sent?: string;
  readonly extensionconfig_acked?: string;
  readonly secret_sent?: string;
  readonly secret_acked?: string;
  /** Skiff: `{CDS: 'SYNCED', LDS: 'NACK', ...}` for every type Istio's proxy-status shows or the proxy watches. */
  readonly xds_status: Readonly<Record<string, SyncState>>;
  /** Skiff: the NACK standing against the last response of each type, if any. */
  readonly nacks: readonly NackStatus[];
  readonly connection_id: string;
  readonly protocol: string;
}

const COLUMNS: readonly [string, string][] = [
  [TypeUrl.Cluster, 'cluster'],
  [TypeUrl.Listener, 'listener'],
  [TypeUrl.RouteConfiguration, 'route'],
  [TypeUrl.ClusterLoadAssignment, 'endpoint'],
  [TypeUrl.TypedExtensionConfig, 'extensionconfig'],
  [TypeUrl.Secret, 'secret'],
];

/** Types istioctl proxy-status always shows, NOT SENT when unwatched. */
const SHOWN_TYPES: readonly string[] = [TypeUrl.Cluster, TypeUrl.Listener, TypeUrl.ClusterLoadAssignment, TypeUrl.RouteConfiguration, TypeUrl.TypedExtensionConfig];

export function syncStatusOf(connection: Connection): SyncStatus {
  const fields: Record<string, string> = {};
  for (const [typeUrl, column] of COLUMNS) {
    const watch = connection.watches.get(typeUrl);
    if (watch?.sentNonce) fields[`${column}_sent`] = watch.sentNonce;
    if (watch?.ackedNonce) fields[`${column}_acked`] = watch.ackedNonce;
  }
  const xdsStatus: Record<string, SyncState> = {};
  for (const typeUrl of new Set([...SHOWN_TYPES, ...connection.watches.keys()])) {
    xdsStatus[metricType(typeUrl).toUpperCase()] = connection.watches.get(typeUrl)?.status ?? 'NOT SENT';
  }
  const proxy = connection.proxy;
  return {
    cluster_id: proxy.clusterId,
    proxy: proxy.id,
    proxy_type: proxy.type,
    ...(proxy.istioVersion ? { proxy_version: proxy.istioVersion, istio_version: proxy.istioVersion } : {}),
    ...fields,
    xds_status: xdsStatus,
    nacks: [...connection.watches.values()].filter((w) => w.status === 'NACK').map(nackStatus),
    connection_id: connection.id,
    protocol: connection.protocol,
  };
}

function nackStatus(watch: TypeWatch): NackStatus {
  const nack = watch.nack!;
  return { type: watch.typeUrl, nonce: nack.nonce, version: nack.version, resource_names: nack.resourceNames, error: nack.message };
}
