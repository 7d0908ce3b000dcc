/**
 * /config_dump in Envoy's envoy.admin.v3.ConfigDump JSON shape: the
 * bootstrap, then clusters, listeners and route configurations (endpoints
 * with `?include_eds`), each with the static part, the dynamic active and
 * warming resources (version_info, last_updated) and, where the last update
 * of a resource was rejected, its error_state (failed_configuration,
 * last_update_attempt, details) — what istioctl proxy-config reads — and
 * the secrets (SecretsConfigDump, private keys redacted).
 */
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { toEnvoyBootstrap, type BootstrapConfig } from '../bootstrap/index.ts';
import type { FailedResource, ResourceCache } from '../xds-client/resource-cache.ts';
import type { XdsClientState } from '../xds-client/xds-client.ts';
import type { ResourceEntry } from '../xds-client/types.ts';
import { buildSecretsConfigDump } from '../transport-sockets/tls/secrets-config-dump.ts';
import type { SecretManager } from '../transport-sockets/tls/secret-manager.ts';

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

export interface ConfigDumpInput {
  readonly bootstrap: BootstrapConfig;
  readonly state: XdsClientState;
  readonly bootedAtMs: number;
  readonly includeEds: boolean;
  /** Static and locally provided secrets (SDS ones come from the xDS state). */
  readonly secrets?: SecretManager;
}

export function buildConfigDump(input: ConfigDumpInput): { configs: Record<string, unknown>[] } {
  const { state } = input;
  const bootstrap = toEnvoyBootstrap(input.bootstrap);
  const staticClusters = ((bootstrap.static_resources as { clusters: WireMessage[] }).clusters).map((c) => ({ cluster: { '@type': TypeUrl.Cluster, ...c }, last_updated: time(input.bootedAtMs) }));
  const configs: Record<string, unknown>[] = [
    { '@type': `${ADMIN}BootstrapConfigDump`, bootstrap, last_updated: time(input.bootedAtMs) },
    {
      '@type': `${ADMIN}ClustersConfigDump`,
      ...version(state.clusters),
      static_clusters: staticClusters,
      dynamic_active_clusters: [
        ...[...state.clusterWarmer.active.values()].map((e) => ({ ...dynamic(e, 'cluster', TypeUrl.Cluster), ...errorState(state.clusters.failed.get(e.name), TypeUrl.Cluster) })),
        ...orphanErrors(state.clusters, state.clusterWarmer.active, TypeUrl.Cluster),
      ],
      dynamic_warming_clusters: [...state.clusterWarmer.warming.values()].map((e) => dynamic(e, 'cluster', TypeUrl.Cluster)),
    },
    {
      '@type': `${ADMIN}ListenersConfigDump`,
      ...version(state.listeners),
      static_listeners: [],
      dynamic_listeners: listenerNames(state).map((name) => {
        const active = state.listenerWarmer.active.get(name);
        const warming = state.listenerWarmer.warming.get(name);
        const failed = state.listeners.failed.get(name);
        return {
          name,
          ...(active ? { active_state: dynamic(active, 'listener', TypeUrl.Listener) } : {}),
          ...(warming ? { warming_state: dynamic(warming, 'listener', TypeUrl.Listener) } : {}),
          ...errorState(failed, TypeUrl.Listener),
        };
      }),
    },
    {
      '@type': `${ADMIN}RoutesConfigDump`,
      static_route_configs: [],
      dynamic_route_configs: [...state.routes.entries.values()].map((e) => dynamic(e, 'route_config', TypeUrl.RouteConfiguration)),
    },
  ];
  configs.push(buildSecretsConfigDump(state.secrets.entries, input.secrets, time, input.bootedAtMs));
  if (input.includeEds) {
    configs.push({
      '@type': `${ADMIN}EndpointsConfigDump`,
      static_endpoint_configs: [],
      dynamic_endpoint_configs: [...state.endpoints.entries.values()].map((e) => dynamic(e, 'endpoint_config', TypeUrl.ClusterLoadAssignment)),
    });
  }
  return { configs };
}

function time(ms: number): string {
  return new Date(ms).toISOString();
}

function version(cache: ResourceCache<unknown>): { version_info?: string } {
  return cache.versionInfo ? { version_info: cache.versionInfo } : {};
}

function dynamic(entry: ResourceEntry<unknown>, field: string, typeUrl: string): Record<string, unknown> {
  return { version_info: entry.version, [field]: { '@type': typeUrl, ...entry.wire }, last_updated: time(entry.lastUpdatedMs) };
}

function errorState(failed: FailedResource | undefined, typeUrl: string): { error_state?: Record<string, unknown> } {
  if (!failed) return {};
  return {
    error_state: {
      ...(failed.wire ? { failed_configuration: { '@type': typeUrl, ...failed.wire } } : {}),
      last_update_attempt: time(failed.atMs),
      details: failed.details,
      version_info: failed.version,
    },
  };
}

/** Rejected resources that have no active version still show, with only their error_state. */
function orphanErrors(cache: ResourceCache<unknown>, active: ReadonlyMap<string, unknown>, typeUrl: string): Record<string, unknown>[] {
  return [...cache.failed.values()].filter((f) => !active.has(f.name)).map((f) => errorState(f, typeUrl));
}

function listenerNames(state: XdsClientState): string[] {
  return [...new Set([...state.listenerWarmer.active.keys(), ...state.listenerWarmer.warming.keys(), ...state.listeners.failed.keys()])].sort();
}
