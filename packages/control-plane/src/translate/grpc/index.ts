/**
 * Proxyless gRPC (Istio's pilot/pkg/networking/grpcgen): a gRPC application
 * whose xDS client connects to the control plane directly, with the node
 * metadata `GENERATOR: grpc` that Istio's gRPC bootstrap sets. It asks for
 * named resources only (api_listeners for the targets it dials, the route
 * configurations and clusters those name, their endpoints) and accepts a
 * narrower form of each than Envoy: see listener.ts, route.ts, cluster.ts
 * and endpoint.ts. Types without a gRPC generator here give such a proxy
 * nothing, as in Istio.
 *
 * The xDS server's registry stays keyed by type URL alone:
 * `withProxylessGrpc` turns each Envoy generator into one that picks, per
 * proxy, between it and the gRPC generator of the same type.
 */
import { TypeUrl } from '@skiff/api';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Generator, GeneratorEntry, XdsResource } from '../../xds/types.ts';
import { buildGrpcClusters } from './cluster.ts';
import { buildGrpcLoadAssignments } from './endpoint.ts';
import { buildGrpcListeners } from './listener.ts';
import { buildGrpcRouteConfigurations } from './route.ts';

/** The node metadata value of GENERATOR that selects these generators (Istio's `grpc`). */
export const GRPC_GENERATOR = 'grpc';

export function isProxylessGrpc(proxy: Proxy): boolean {
  return proxy.metadata.GENERATOR === GRPC_GENERATOR;
}

const resources = (list: readonly ({ name: string } | { cluster_name: string })[]): XdsResource[] =>
  list.map((r) => ({ name: 'name' in r ? r.name : r.cluster_name, resource: r as unknown as Record<string, unknown> }));

/** gRPC generators by type URL. gRPC never subscribes by wildcard, so each builds exactly the names asked for. */
export const GRPC_GENERATORS: ReadonlyMap<string, Generator<PushContext>> = new Map<string, Generator<PushContext>>([
  [TypeUrl.Cluster, (proxy, push, request) => resources(buildGrpcClusters(proxy, push, request.watched.names))],
  [TypeUrl.ClusterLoadAssignment, (proxy, push, request) => resources(buildGrpcLoadAssignments(proxy, push, request.watched.names))],
  [TypeUrl.Listener, (proxy, push, request) => resources(buildGrpcListeners(proxy, push, request.watched.names))],
  [TypeUrl.RouteConfiguration, (proxy, push, request) => resources(buildGrpcRouteConfigurations(proxy, push, request.watched.names))],
]);

/**
 * Each entry serves Envoy proxies as before and proxyless gRPC clients
 * (those `isGrpc` picks, by GENERATOR metadata unless a test says
 * otherwise) with the gRPC generator of its type, or nothing.
 */
export function withProxylessGrpc(entries: readonly GeneratorEntry<PushContext>[], isGrpc: (proxy: Proxy) => boolean = isProxylessGrpc): GeneratorEntry<PushContext>[] {
  return entries.map((entry) => {
    const grpc = GRPC_GENERATORS.get(entry.typeUrl);
    return {
      typeUrl: entry.typeUrl,
      generate: (proxy, push, request) => (isGrpc(proxy) ? (grpc?.(proxy, push, request) ?? []) : entry.generate(proxy, push, request)),
    };
  });
}

export { buildGrpcClusters, toGrpcCluster } from './cluster.ts';
export { buildGrpcLoadAssignments } from './endpoint.ts';
export { buildGrpcListeners, resolveListenerName, type GrpcApiListenerWire } from './listener.ts';
export { buildGrpcRouteConfiguration, buildGrpcRouteConfigurations, grpcRouteConfigName } from './route.ts';
