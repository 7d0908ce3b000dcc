/**
 * /debug/config_dump?proxyID=: what a connected proxy was last sent, as an
 * Envoy admin ConfigDump (the shape of Envoy's /config_dump and of Istio's
 * debug endpoint, so `istioctl proxy-config` style tooling reads both):
 * ClustersConfigDump, EndpointsConfigDump (with `include_eds=true`, as
 * Envoy), ListenersConfigDump, RoutesConfigDump, then SecretsConfigDump when
 * the proxy watches secrets. Resources are decoded from the exact bytes
 * sent, so nested Anys appear in their `@type` form like Envoy's dump.
 */
import { TypeUrl } from '@skiff/api';
import { decodeAny, type WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { Connection } from '../connection.ts';
import { encodeResource } from '../resource-encoder.ts';
import type { TypeWatch } from '../type-watch.ts';
import type { XdsResource } from '../types.ts';
import type { Proxy } from '../../model/proxy.ts';

/** Admin (not xDS) message types: only config dumps use them. */
const ADMIN = 'type.googleapis.com/envoy.admin.v3.';
export const ConfigDumpType = {
  Clusters: `${ADMIN}ClustersConfigDump`,
  Endpoints: `${ADMIN}EndpointsConfigDump`,
  Listeners: `${ADMIN}ListenersConfigDump`,
  Routes: `${ADMIN}RoutesConfigDump`,
  Secrets: `${ADMIN}SecretsConfigDump`,
} as const;

/** What the dump reads: the last generated resources per proxy and type. */
export interface SentResourcesView {
  resources(proxy: Proxy, typeUrl: string): readonly XdsResource[] | undefined;
}

export interface ConfigDump {
  readonly configs: readonly Record<string, unknown>[];
}

interface Sent {
  readonly version: string;
  readonly lastUpdated: string | undefined;
  readonly resources: readonly { name: string; message: WireMessage }[];
}

export function buildConfigDump(connection: Connection, sent: SentResourcesView, options: { includeEds: boolean }): ConfigDump {
  const of = (typeUrl: string) => sentOf(connection, sent, typeUrl);
  const clusters = of(TypeUrl.Cluster);
  const listeners = of(TypeUrl.Listener);
  const routes = of(TypeUrl.RouteConfiguration);
  const configs: Record<string, unknown>[] = [{
    '@type': ConfigDumpType.Clusters,
    version_info: clusters.version,
    static_clusters: [],
    dynamic_active_clusters: clusters.resources.map((r) => ({ version_info: clusters.version, cluster: r.message, last_updated: clusters.lastUpdated })),
  }];
  if (options.includeEds) {
    const endpoints = of(TypeUrl.ClusterLoadAssignment);
    configs.push({
      '@type': ConfigDumpType.Endpoints,
      static_endpoint_configs: [],
      dynamic_endpoint_configs: endpoints.resources.map((r) => ({ version_info: endpoints.version, endpoint_config: r.message, last_updated: endpoints.lastUpdated })),
    });
  }
  configs.push({
    '@type': ConfigDumpType.Listeners,
    version_info: listeners.version,
    static_listeners: [],
    dynamic_listeners: listeners.resources.map((r) => ({ name: r.name, active_state: { version_info: listeners.version, listener: r.message, last_updated: listeners.lastUpdated } })),
  });
  configs.push({
    '@type': ConfigDumpType.Routes,
    static_route_configs: [],
    dynamic_route_configs: routes.resources.map((r) => ({ version_info: routes.version, route_config: r.message, last_updated: routes.lastUpdated })),
  });
  if (connection.watches.has(TypeUrl.Secret)) {
    const secrets = of(TypeUrl.Secret);
    configs.push({
      '@type': ConfigDumpType.Secrets,
      static_secrets: [],
      dynamic_active_secrets: secrets.resources.map((r) => ({ name: r.name, version_info: secrets.version, last_updated: secrets.lastUpdated, secret: r.message })),
    });
  }
  return { configs };
}

/** The type's resources as the proxy holds them: nothing until a response was sent, then the subscribed ones. */
function sentOf(connection: Connection, sent: SentResourcesView, typeUrl: string): Sent {
  const watch = connection.watches.get(typeUrl);
  if (!watch || watch.sentNonce === undefined) return { version: '', lastUpdated: undefined, resources: [] };
  const resources = (sent.resources(connection.proxy, typeUrl) ?? []).filter((r) => subscribed(watch, r.name));
  return {
    version: watch.sentVersion ?? '',
    lastUpdated: watch.sentAtMs === undefined ? undefined : new Date(watch.sentAtMs).toISOString(),
    resources: resources.map((r) => {
      const any = encodeResource(typeUrl, r).any; // cached per resource: these are the bytes that went out
      return { name: r.name, message: { '@type': any.type_url, ...decodeAny(any) } };
    }),
  };
}

function subscribed(watch: TypeWatch, name: string): boolean {
  return watch.isWildcard || watch.names.has(name);
}
