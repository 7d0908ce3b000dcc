/**
 * RDS for proxyless gRPC (Istio's grpcgen BuildHTTPRoutes). An api_listener
 * names its route configuration like the service's default cluster,
 * `outbound|9080||reviews.default.svc.cluster.local`; its content is the
 * virtual host the sidecar's route configuration for that port has for the
 * service (built by `buildSidecarRouteConfiguration`, so VirtualService
 * matches, weights, subsets, retries, timeouts, faults and hash policies are
 * exactly the sidecar's). Istio sends every virtual host of the port; the
 * client only ever matches its own service's (its domains hold every name
 * the client may dial: FQDN, short names, with and without port), so only
 * that one is sent, and a change to another service's routes never reaches
 * this client.
 *
 * Routes are then put in the form gRPC's xDS client accepts (A28, A31):
 *   - redirect and direct_response routes are dropped: gRPC rejects the
 *     whole RouteConfiguration for a route whose action is not `route`;
 *   - routes matching query parameters are dropped: gRPC requests carry no
 *     query string, and grpc-js would otherwise match them ignoring it;
 *   - a VirtualService timeout becomes max_stream_duration (with
 *     grpc_timeout_header_max), the only timeout gRPC reads; Envoy's
 *     route timeout stays for config_dump.
 * Envoy-only fields (decorators, header mutations, mirrors, retry host
 * predicates) stay as Istio sends them; gRPC ignores them.
 */
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Service } from '../../registry/types.ts';
import { outboundClusterName, parseClusterName } from '../names.ts';
import { FAULT_FILTER_NAME } from '../route/fault.ts';
import { buildSidecarRouteConfiguration } from '../route/sidecar.ts';
import type { RouteConfigurationWire, RouteWire, VirtualHostWire } from '../route/wire.ts';
import type { RouteConflict } from '../route/delegate.ts';

/** The route configuration an api_listener for (service, port) names. */
export function grpcRouteConfigName(service: Service, port: number): string {
  return outboundClusterName(port, '', service.hostname);
}

export function buildGrpcRouteConfigurations(proxy: Proxy, push: PushContext, names: ReadonlySet<string>): RouteConfigurationWire[] {
  const out: RouteConfigurationWire[] = [];
  for (const name of names) {
    const rc = buildGrpcRouteConfiguration(proxy, push, name);
    if (rc) out.push(rc);
  }
  return out;
}

/** Undefined when the name is not `outbound|port||host` of a service port the proxy can see. */
export function buildGrpcRouteConfiguration(proxy: Proxy, push: PushContext, name: string): RouteConfigurationWire | undefined {
  const key = parseClusterName(name);
  if (!key || key.direction !== 'outbound' || key.subset !== '') return undefined;
  const service = push.service(proxy, key.hostname);
  if (!service?.ports.some((p) => p.port === key.port)) return undefined;
  const conflicts: RouteConflict[] = [];
  const sidecar = buildSidecarRouteConfiguration(proxy, push, key.port, conflicts);
  const own = sidecar.virtual_hosts.find((vh) => vh.domains.includes(service.hostname));
  return {
    ...sidecar,
    name,
    virtual_hosts: own ? [toGrpcVirtualHost(own)] : [],
  };
}

/** Whether any route of the configuration carries a fault, so the api_listener needs the fault filter. */
export function usesFaultFilter(rc: RouteConfigurationWire | undefined): boolean {
  return rc?.virtual_hosts.some((vh) => vh.routes.some((r) => r.typed_per_filter_config?.[FAULT_FILTER_NAME] !== undefined)) ?? false;
}

function toGrpcVirtualHost(vh: VirtualHostWire): VirtualHostWire {
  return { ...vh, routes: vh.routes.flatMap((r) => toGrpcRoute(r) ?? []) };
}

function toGrpcRoute(route: RouteWire): RouteWire | undefined {
  const action = route.route;
  if (!action) return undefined;
  if (route.match.query_parameters?.length) return undefined;
  const timeoutSet = action.timeout.seconds !== '0' || (action.timeout.nanos ?? 0) !== 0;
  if (!timeoutSet || action.max_stream_duration) return route;
  return { ...route, route: { ...action, max_stream_duration: { max_stream_duration: action.timeout, grpc_timeout_header_max: action.timeout } } };
}
