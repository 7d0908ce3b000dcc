/**
 * LDS for proxyless gRPC (Istio's grpcgen BuildListeners). A channel for
 * `xds:///reviews.default.svc.cluster.local:9080` asks for the Listener of
 * that exact name; the answer is an api_listener (no socket: the
 * application is the proxy) whose HTTP connection manager fetches the
 * route configuration `outbound|9080||reviews.default.svc.cluster.local`
 * over ADS and runs the router, preceded by the fault filter when one of
 * those routes injects faults. (Istio always lists the fault filter; it is
 * left out here when idle because grpc-js instantiates every listed filter
 * on every call. Adding it later is an LDS update, which gRPC applies
 * before the RDS that uses it, without reconnecting.)
 *
 * Names are resolved as the application's DNS would: the name as given,
 * then with the proxy's search domains (`<ns>.svc.<domain>`,
 * `svc.<domain>`, `<domain>`), so `reviews:9080`, `reviews.default:9080`
 * and the FQDN all find the service. The listener keeps the requested name;
 * the port is the requested one, or the service's only port when the name
 * has none. Server-side listeners (`xds.istio.io/grpc/lds/inbound/…`, gRPC
 * xDS servers) are not served yet.
 */
import { TypeUrl } from '@skiff/api';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Service, ServicePort } from '../../registry/types.ts';
import { HTTP_FAULT, HTTP_ROUTER, WILDCARD_ADDRESS } from '../listener/well-known.ts';
import type { AddressWire, TypedConfig } from '../listener/wire.ts';
import { buildGrpcRouteConfiguration, grpcRouteConfigName, usesFaultFilter } from './route.ts';

/** envoy.config.listener.v3.Listener as gRPC's client reads it: an address (informational) and the api_listener. */
export interface GrpcApiListenerWire {
  readonly name: string;
  readonly address: AddressWire;
  readonly api_listener: { readonly api_listener: TypedConfig };
}

export function buildGrpcListeners(proxy: Proxy, push: PushContext, names: ReadonlySet<string>): GrpcApiListenerWire[] {
  const out: GrpcApiListenerWire[] = [];
  for (const name of names) {
    const target = resolveListenerName(proxy, push, name);
    if (target) out.push(buildGrpcListener(proxy, push, name, target.service, target.port));
  }
  return out;
}

function buildGrpcListener(proxy: Proxy, push: PushContext, name: string, service: Service, port: ServicePort): GrpcApiListenerWire {
  const routeName = grpcRouteConfigName(service, port.port);
  const needsFault = usesFaultFilter(buildGrpcRouteConfiguration(proxy, push, routeName));
  return {
    name,
    address: { socket_address: { address: service.addresses[0] ?? WILDCARD_ADDRESS, port_value: port.port } },
    api_listener: {
      api_listener: {
        '@type': TypeUrl.HttpConnectionManager,
        http_filters: [
          ...(needsFault ? [{ name: HTTP_FAULT, typed_config: { '@type': TypeUrl.HttpFault } }] : []),
          { name: HTTP_ROUTER, typed_config: { '@type': TypeUrl.Router } },
        ],
        rds: { route_config_name: routeName, config_source: { ads: {}, resource_api_version: 'V3' } },
      },
    },
  };
}

/** The service and port a requested listener name means to this proxy; undefined when none (or ambiguous). */
export function resolveListenerName(proxy: Proxy, push: PushContext, name: string): { service: Service; port: ServicePort } | undefined {
  const colon = name.lastIndexOf(':');
  const hasPort = colon > 0 && /^\d+$/.test(name.slice(colon + 1));
  const host = hasPort ? name.slice(0, colon) : name;
  const service = searchNames(proxy, push, host).map((h) => push.service(proxy, h)).find((s) => s !== undefined);
  if (!service) return undefined;
  if (!hasPort) return service.ports.length === 1 ? { service, port: service.ports[0] } : undefined;
  const number = Number(name.slice(colon + 1));
  const port = service.ports.find((p) => p.port === number);
  return port && { service, port };
}

/** `host`, then `host` under each DNS search domain of the proxy's pod, as resolv.conf lists them. */
function searchNames(proxy: Proxy, push: PushContext, host: string): string[] {
  const domain = push.mesh.clusterDomain;
  const namespaceDomain = proxy.dnsDomain || `${proxy.namespace}.svc.${domain}`;
  return [host, `${host}.${namespaceDomain}`, `${host}.svc.${domain}`, `${host}.${domain}`];
}
