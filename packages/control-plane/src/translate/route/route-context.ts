/**
 * The RouteBuildContext a proxy's routes are built with: service lookup and
 * DestinationRule hash policies through the PushContext, the proxy's labels
 * and namespace for source matching, and delegate lookup by name.
 */
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import { MESH_GATEWAY } from '../../model/gateway-name.ts';
import { isVisibleTo } from '../../registry/export-to.ts';
import { hashPolicyFor } from '../cluster/hash-policy.ts';
import type { DelegateLookup } from './delegate.ts';
import type { RouteBuildContext } from './http-route.ts';

export function routeContext(proxy: ProxyView, push: PushContext, listenerPort: number, gateways: ReadonlySet<string>): RouteBuildContext {
  return {
    proxy: { labels: proxy.labels, namespace: proxy.namespace },
    listenerPort,
    gateways,
    clusterDomain: push.mesh.clusterDomain,
    service: (hostname) => push.service(proxy, hostname),
    hashPolicy: (service, port, subset) => hashPolicyFor(push.destinationRule(proxy, service), port, subset),
  };
}

/** Delegates are VirtualServices without hosts or gateways; the root's namespace must be able to see them. */
export function delegateLookup(proxy: ProxyView, push: PushContext, rootNamespace: string): DelegateLookup {
  const all = push.virtualServices(proxy, MESH_GATEWAY);
  return (namespace, name) => all.find((e) => e.namespace === namespace && e.name === name && isVisibleTo(e.exportTo, rootNamespace));
}
