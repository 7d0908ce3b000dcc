/**
 * The proxy's bootstrap as Envoy and istio-agent define it: who this proxy is
 * (the xDS node: id `sidecar~10.1.1.1~reviews-v1-abc.default~default.svc.cluster.local`,
 * cluster, metadata with LABELS, NAMESPACE, SERVICE_ACCOUNT, CLUSTER_ID,
 * ISTIO_VERSION, INSTANCE_IPS), where the control plane is (the ADS cluster,
 * `xds-grpc` in Istio's bootstrap) and where the admin interface listens.
 * Produced only by parseBootstrap (a file) or buildBootstrap (flags); code
 * past them trusts every field.
 */
import type { JsonValue } from '@skiff/api/envoy/struct.ts';
import type { SecretConfig } from '../transport-sockets/tls/config.ts';

export type ProxyType = 'sidecar' | 'router';

/** SotW is Envoy's `api_type: GRPC`, delta its `DELTA_GRPC`. */
export type AdsProtocol = 'sotw' | 'delta';

export interface SocketAddressConfig {
  readonly host: string;
  readonly port: number;
}

export interface NodeConfig {
  readonly id: string;
  /** Istio: `<app>.<namespace>` (the service cluster). */
  readonly cluster: string;
  readonly metadata: Readonly<Record<string, JsonValue>>;
}

export interface BootstrapConfig {
  readonly node: NodeConfig;
  /** The four parts of node.id, parsed once. */
  readonly proxyType: ProxyType;
  readonly proxyIp: string;
  /** `pod.namespace`. */
  readonly proxyId: string;
  readonly dnsDomain: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Name of the static cluster ADS goes through (Istio: `xds-grpc`). */
  readonly adsClusterName: string;
  readonly adsAddress: SocketAddressConfig;
  readonly adsProtocol: AdsProtocol;
  readonly adminAddress: SocketAddressConfig;
  /** static_resources.secrets: what TLS contexts name without sds_config. */
  readonly staticSecrets?: readonly SecretConfig[];
}

/** Envoy's admin port in Istio's bootstrap. */
export const DEFAULT_ADMIN_PORT = 15000;
export const DEFAULT_ADMIN_HOST = '127.0.0.1';
export const ISTIO_ADS_CLUSTER = 'xds-grpc';
export const PROXY_TYPES: readonly ProxyType[] = ['sidecar', 'router'];
