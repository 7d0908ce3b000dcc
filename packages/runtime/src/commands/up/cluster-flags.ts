/** The flags `skiff up` and `skiff supervisor` share: where the cluster keeps its state and every address it binds. */
import type { FlagSpec } from '@skiff/cli';
import { DEFAULT_DATA_DIR } from '@skiff/client';
import { DEFAULT_POD_CIDR } from '../../net/pod-cidr.ts';

export interface ClusterFlags {
  'data-dir'?: string;
  'api-address'?: string;
  'xds-address'?: string;
  'monitoring-address'?: string;
  'ingress-http-port'?: string;
  'ingress-https-port'?: string;
  'pod-cidr'?: string;
}

export const CLUSTER_DEFAULTS = {
  'api-address': '127.0.0.1:6443',
  'xds-address': '127.0.0.1:15010',
  'monitoring-address': '127.0.0.1:15014',
  'ingress-http-port': '8080',
  'ingress-https-port': '8443',
  'pod-cidr': DEFAULT_POD_CIDR,
} as const;

export const CLUSTER_FLAGS: Readonly<Record<keyof ClusterFlags, FlagSpec>> = {
  'data-dir': { type: 'string', valueName: 'DIR', description: `where the cluster keeps its store, logs and pid (default ${DEFAULT_DATA_DIR})` },
  'api-address': { type: 'string', valueName: 'HOST:PORT', description: `the API server (default ${CLUSTER_DEFAULTS['api-address']}; port 0 picks a free one)` },
  'xds-address': { type: 'string', valueName: 'HOST:PORT', description: `the control plane's gRPC ADS (default ${CLUSTER_DEFAULTS['xds-address']})` },
  'monitoring-address': { type: 'string', valueName: 'HOST:PORT', description: `the control plane's monitoring and debug endpoints (default ${CLUSTER_DEFAULTS['monitoring-address']})` },
  'ingress-http-port': { type: 'string', valueName: 'PORT', description: `host port on 127.0.0.1 for the ingress gateway's port 80 (default ${CLUSTER_DEFAULTS['ingress-http-port']})` },
  'ingress-https-port': { type: 'string', valueName: 'PORT', description: `host port on 127.0.0.1 for the ingress gateway's port 443 (default ${CLUSTER_DEFAULTS['ingress-https-port']})` },
  'pod-cidr': { type: 'string', valueName: 'CIDR', description: `pod IPs (default ${CLUSTER_DEFAULTS['pod-cidr']}; application addresses take the next /16)` },
};

/** The argv that hands these flags on to the supervisor process. */
export function clusterArgv(flags: ClusterFlags, dataDir: string): string[] {
  const out = ['--data-dir', dataDir];
  for (const key of Object.keys(CLUSTER_DEFAULTS) as (keyof typeof CLUSTER_DEFAULTS)[]) {
    if (flags[key] !== undefined) out.push(`--${key}`, String(flags[key]));
  }
  return out;
}
