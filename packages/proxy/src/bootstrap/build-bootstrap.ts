/**
 * The bootstrap built from command-line flags (`skiff proxy sidecar --ip …
 * --pod … --namespace … --xds-address …`), the way istio-agent fills its
 * bootstrap template from the pod's environment. The flags become an Envoy
 * v3 Bootstrap document that goes through parseBootstrap, so both paths
 * share one boundary and /config_dump shows the same shape either way.
 */
import type { JsonValue } from '@skiff/api/envoy/struct.ts';
import { fail, type Result } from '@skiff/common';
import type { WireObject } from '../http/route-table/wire-reader.ts';
import { formatNodeId } from './node-id.ts';
import { parseBootstrap } from './parse-bootstrap.ts';
import { DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT, ISTIO_ADS_CLUSTER, type AdsProtocol, type BootstrapConfig, type ProxyType } from './types.ts';

export interface BootstrapFlags {
  readonly proxyType: ProxyType;
  readonly ip: string;
  readonly podName: string;
  readonly namespace: string;
  /** Default `<namespace>.svc.cluster.local`. */
  readonly dnsDomain?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly serviceAccount?: string;
  /** Default `Kubernetes`, as Istio's. */
  readonly clusterId?: string;
  readonly istioVersion?: string;
  /** Every IP of the workload; default just `ip`. */
  readonly instanceIps?: readonly string[];
  /** `host:port` of the control plane's ADS (Istio: istiod:15010). */
  readonly xdsAddress: string;
  readonly adsProtocol?: AdsProtocol;
  readonly adminHost?: string;
  readonly adminPort?: number;
}

export function buildBootstrap(flags: BootstrapFlags): Result<BootstrapConfig> {
  if (!splitHostPort(flags.xdsAddress)) return fail(`--xds-address: expected host:port, got "${flags.xdsAddress}"`);
  return parseBootstrap(envoyBootstrapFromFlags(flags));
}

function splitHostPort(address: string): { host: string; port: number } | undefined {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || !/^\d+$/.test(address.slice(colon + 1)) || port > 65535) return undefined;
  return { host: address.slice(0, colon).replace(/^\[|\]$/g, ''), port };
}

export function envoyBootstrapFromFlags(flags: BootstrapFlags): WireObject {
  const ads = splitHostPort(flags.xdsAddress) ?? { host: flags.xdsAddress, port: 0 };
  const metadata: Record<string, JsonValue> = {
    NAMESPACE: flags.namespace,
    LABELS: { ...flags.labels },
    CLUSTER_ID: flags.clusterId ?? 'Kubernetes',
    INSTANCE_IPS: (flags.instanceIps ?? [flags.ip]).join(','),
    ...(flags.serviceAccount ? { SERVICE_ACCOUNT: flags.serviceAccount } : {}),
    ...(flags.istioVersion ? { ISTIO_VERSION: flags.istioVersion } : {}),
  };
  const app = flags.labels?.app ?? flags.labels?.['app.kubernetes.io/name'] ?? flags.podName;
  return envoyBootstrap({
    nodeId: formatNodeId({ proxyType: flags.proxyType, ip: flags.ip, proxyId: `${flags.podName}.${flags.namespace}`, dnsDomain: flags.dnsDomain ?? `${flags.namespace}.svc.cluster.local` }),
    nodeCluster: `${app}.${flags.namespace}`,
    metadata,
    adsClusterName: ISTIO_ADS_CLUSTER,
    ads,
    adsProtocol: flags.adsProtocol ?? 'sotw',
    admin: { host: flags.adminHost ?? DEFAULT_ADMIN_HOST, port: flags.adminPort ?? DEFAULT_ADMIN_PORT },
  });
}

/** The Envoy Bootstrap document for a parsed config: what /config_dump's BootstrapConfigDump shows. */
export function toEnvoyBootstrap(config: BootstrapConfig): WireObject {
  return envoyBootstrap({
    nodeId: config.node.id,
    nodeCluster: config.node.cluster,
    metadata: config.node.metadata,
    adsClusterName: config.adsClusterName,
    ads: config.adsAddress,
    adsProtocol: config.adsProtocol,
    admin: config.adminAddress,
  });
}

interface EnvoyBootstrapInput {
  readonly nodeId: string;
  readonly nodeCluster: string;
  readonly metadata: Readonly<Record<string, JsonValue>>;
  readonly adsClusterName: string;
  readonly ads: { readonly host: string; readonly port: number };
  readonly adsProtocol: AdsProtocol;
  readonly admin: { readonly host: string; readonly port: number };
}

function envoyBootstrap(i: EnvoyBootstrapInput): WireObject {
  const socket = (a: { host: string; port: number }) => ({ address: { socket_address: { address: a.host, port_value: a.port } } });
  const adsSource = { ads: {}, resource_api_version: 'V3' };
  return {
    node: { id: i.nodeId, cluster: i.nodeCluster, metadata: i.metadata },
    admin: socket(i.admin),
    dynamic_resources: {
      lds_config: adsSource,
      cds_config: adsSource,
      ads_config: {
        api_type: i.adsProtocol === 'delta' ? 'DELTA_GRPC' : 'GRPC',
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: i.adsClusterName } }],
      },
    },
    static_resources: {
      clusters: [{
        name: i.adsClusterName,
        type: 'STRICT_DNS',
        connect_timeout: '1s',
        load_assignment: { cluster_name: i.adsClusterName, endpoints: [{ lb_endpoints: [{ endpoint: socket(i.ads) }] }] },
      }],
    },
  };
}
