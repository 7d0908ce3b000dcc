/**
 * The mesh-wide settings the registry and translation read, from MeshConfig
 * with Istio's defaults filled in (pkg/config/mesh DefaultMeshConfig):
 * trust domain and cluster domain `cluster.local`, root namespace
 * `istio-system`, connect timeout 10s, DNS refresh 60s, outbound traffic
 * ALLOW_ANY, exportTo `*`, locality load balancing on.
 */
import type { LocalityLoadBalancerSetting, MeshConfig, TCPSettings } from '@skiff/api';
import { parseDurationMs } from '@skiff/common';

/** Istio's TcpKeepalive message (probes, time, interval). */
export type TcpKeepaliveSettings = NonNullable<TCPSettings['tcpKeepalive']>;

/** MeshConfig `tlsDefaults` (minProtocolVersion, ecdhCurves, cipherSuites). */
export type TlsDefaults = NonNullable<MeshConfig['tlsDefaults']>;

export interface MeshSettings {
  readonly trustDomain: string;
  /** The Kubernetes DNS domain: hosts are `name.ns.svc.<clusterDomain>`. Not part of MeshConfig (Istio's `--domain`). */
  readonly clusterDomain: string;
  readonly rootNamespace: string;
  readonly connectTimeoutMs: number;
  readonly dnsRefreshRateMs: number;
  readonly outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  readonly defaultServiceExportTo: readonly string[];
  readonly defaultVirtualServiceExportTo: readonly string[];
  readonly defaultDestinationRuleExportTo: readonly string[];
  readonly h2UpgradePolicy: 'DO_NOT_UPGRADE' | 'UPGRADE';
  readonly localityLbSetting: LocalityLoadBalancerSetting | undefined;
  readonly tcpKeepalive: TcpKeepaliveSettings | undefined;
  readonly enableAutoMtls: boolean;
  /** Applied to TLS that DestinationRules originate (SIMPLE, MUTUAL): curves and cipher suites. */
  readonly tlsDefaults: TlsDefaults | undefined;
  /** Istio's PILOT_SEND_UNHEALTHY_ENDPOINTS (off): send not-ready endpoints as UNHEALTHY instead of leaving them out. */
  readonly sendUnhealthyEndpoints: boolean;
  /** MeshConfig accessLogFile ('' = no access log), accessLogEncoding (TEXT), accessLogFormat ('' = Istio's default). */
  readonly accessLogFile: string;
  readonly accessLogEncoding: 'TEXT' | 'JSON';
  readonly accessLogFormat: string;
}

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

export interface MeshSettingsOptions {
  readonly clusterDomain?: string;
  readonly sendUnhealthyEndpoints?: boolean;
}

export function meshSettingsFrom(mesh: MeshConfig | undefined, options: MeshSettingsOptions = {}): MeshSettings {
  const m = mesh ?? {};
  return {
    trustDomain: m.trustDomain || 'cluster.local',
    clusterDomain: options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    rootNamespace: m.rootNamespace || 'istio-system',
    connectTimeoutMs: durationOr(m.connectTimeout, 10_000),
    dnsRefreshRateMs: durationOr(m.dnsRefreshRate, 60_000),
    outboundTrafficPolicy: m.outboundTrafficPolicy?.mode ?? 'ALLOW_ANY',
    defaultServiceExportTo: m.defaultServiceExportTo ?? ['*'],
    defaultVirtualServiceExportTo: m.defaultVirtualServiceExportTo ?? ['*'],
    defaultDestinationRuleExportTo: m.defaultDestinationRuleExportTo ?? ['*'],
    h2UpgradePolicy: m.h2UpgradePolicy ?? 'DO_NOT_UPGRADE',
    localityLbSetting: m.localityLbSetting,
    tcpKeepalive: m.tcpKeepalive,
    enableAutoMtls: m.enableAutoMtls ?? true,
    tlsDefaults: m.tlsDefaults,
    sendUnhealthyEndpoints: options.sendUnhealthyEndpoints ?? false,
    accessLogFile: m.accessLogFile ?? '',
    accessLogEncoding: m.accessLogEncoding ?? 'TEXT',
    accessLogFormat: m.accessLogFormat ?? '',
  };
}

function durationOr(text: string | undefined, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  return parseDurationMs(text) ?? fallbackMs;
}
