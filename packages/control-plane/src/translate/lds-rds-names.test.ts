/**
 * LDS and RDS agree on names, through the wire path a proxy takes: every
 * route configuration an HCM of the proxy's listeners names over RDS is
 * asked of the RDS generator (RDS is never wildcard, as Envoy subscribes)
 * and must come back, with virtual hosts that route, for sidecars and
 * gateways alike.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configGen, routerProxy, routeTableFor, sidecarProxy, type ConfigGen } from '@skiff/testing/config-gen.ts';
import { routeRequest } from '@skiff/proxy/http/route-table/index.ts';
import type { Proxy } from '../model/proxy.ts';
import type { ListenerWire } from './listener/index.ts';
import { routeGenerator, type RouteConfigurationWire } from './route/index.ts';
import { flattenResources } from '../xds/shared-resources.ts';

const seed = (file: string) => readFileSync(new URL(`../../../config/testdata/seeds/${file}`, import.meta.url), 'utf8');

/** Every `rds.route_config_name` the listeners' HCMs name. */
function rdsNames(listeners: readonly ListenerWire[]): string[] {
  const names = new Set<string>();
  for (const l of listeners) {
    for (const chain of [...l.filter_chains, ...(l.default_filter_chain ? [l.default_filter_chain] : [])]) {
      for (const f of chain.filters) {
        const name = (f.typed_config as { rds?: { route_config_name?: string } } | undefined)?.rds?.route_config_name;
        if (name !== undefined) names.add(name);
      }
    }
  }
  return [...names].sort();
}

/** LDS, then RDS for exactly the names LDS referenced, as Envoy would ask. */
function wire(gen: ConfigGen, proxy: Proxy): { requested: string[]; routes: Map<string, RouteConfigurationWire> } {
  const requested = rdsNames(gen.listeners(proxy));
  const out = flattenResources(routeGenerator.generate(proxy, gen.push, {
    watched: { typeUrl: routeGenerator.typeUrl, isWildcard: false, names: new Set(requested) },
    push: undefined,
  }));
  return { requested, routes: new Map(out.map((r) => [r.name, r.resource as unknown as RouteConfigurationWire])) };
}

function assertAllServed(gen: ConfigGen, proxy: Proxy): Map<string, RouteConfigurationWire> {
  const { requested, routes } = wire(gen, proxy);
  assert.ok(requested.length > 0, 'the listeners name no route configuration');
  assert.deepEqual([...routes.keys()].sort(), requested, 'every RDS name LDS references is produced by the route generator');
  return routes;
}

const INGRESS_SERVICE = `
apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system, labels: {istio: ingressgateway}}
spec:
  selector: {istio: ingressgateway}
  clusterIP: 10.96.9.9
  ports: [{name: http2, port: 80, targetPort: 8080}, {name: https, port: 443, targetPort: 8443}]
---
apiVersion: v1
kind: Pod
metadata: {name: ingress-1, namespace: istio-system, labels: {istio: ingressgateway}, annotations: {skiff.test/ip: 10.1.9.9}}
spec: {containers: [{name: istio-proxy, image: proxyv2}]}
---
`;
const ingress = routerProxy({ ip: '10.1.9.9' });

describe('gateway LDS and RDS names', () => {
  it('serves the seed 002 app-gateway behind Service port 80 → targetPort 8080: the listener on 8080 gets its routes', () => {
    const yaml = INGRESS_SERVICE + [seed('002-backend-services.yaml'), seed('002-app-gateway.yaml'), seed('002-product-service-virtualservice.yaml')].join('\n---\n');
    const gen = configGen({ yaml, namespace: 'backend' });
    const routes = assertAllServed(gen, ingress);
    // Istio's gatewayRDSRouteName: HTTP servers are named by the port the workload listens on.
    assert.deepEqual([...routes.keys()], ['http.8080']);
    // Virtual hosts keep the server (Service) port, as Istio's buildGatewayHTTPRouteConfig does.
    assert.deepEqual(routes.get('http.8080')!.virtual_hosts.map((v) => v.name), ['*:80']);
  });

  it('names HTTPS route configurations by the server port and HTTP ones by the target port, on the same gateway', () => {
    const yaml = INGRESS_SERVICE + [seed('002-backend-services.yaml'), seed('002-advanced-gateway.yaml'), seed('002-user-service-ab-test.yaml')].join('\n---\n');
    const routes = assertAllServed(configGen({ yaml, namespace: 'backend' }), ingress);
    assert.deepEqual([...routes.keys()].sort(), ['http.8080', 'https.443.https.advanced-gateway.backend']);
  });

  it('appends `.<bind>` to the route configuration of a server with bind, as Istio does', () => {
    const yaml = `${INGRESS_SERVICE}
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bound, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    bind: 10.1.9.9
    hosts: ["*"]
  - port: {number: 9443, name: https-a, protocol: HTTPS}
    bind: 10.1.9.9
    hosts: ["a.example.com"]
    tls: {mode: SIMPLE, credentialName: a-cert}
`;
    const routes = assertAllServed(configGen({ yaml }), ingress);
    assert.deepEqual([...routes.keys()].sort(), ['http.8080.10.1.9.9', 'https.9443.https-a.bound.istio-system.10.1.9.9']);
  });

  it('gives a gateway without port translation http.<server port>', () => {
    const gen = configGen({ yaml: seed('002-app-gateway.yaml'), namespace: 'backend' });
    assert.deepEqual([...assertAllServed(gen, routerProxy({ ip: '10.1.9.8' })).keys()], ['http.80']);
  });
});

describe('sidecar LDS and RDS names', () => {
  const SNIFFED = `
apiVersion: v1
kind: Service
metadata: {name: legacy, namespace: default}
spec: {selector: {app: legacy}, clusterIP: 10.96.0.20, ports: [{name: web, port: 8000}]}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec: {selector: {app: reviews}, clusterIP: 10.96.0.10, ports: [{name: http, port: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: other, namespace: default}
spec: {selector: {app: other}, clusterIP: 10.96.0.30, ports: [{name: api, port: 8000}]}
---
`;

  it('produces the `<host>:<port>` route configuration a sniffed ClusterIP port asks for, with only that service, on every domain', () => {
    const gen = configGen({ yaml: SNIFFED });
    const routes = assertAllServed(gen, sidecarProxy());
    assert.deepEqual([...routes.keys()].sort(), ['9080', 'legacy.default.svc.cluster.local:8000', 'other.default.svc.cluster.local:8000']);
    // Istio's getVirtualHostsForSniffedServicePort: the service's own virtual host, answering any authority; no catch-all.
    const legacy = routes.get('legacy.default.svc.cluster.local:8000')!;
    assert.deepEqual(legacy.virtual_hosts.map((v) => [v.name, v.domains]), [['legacy.default.svc.cluster.local:8000', ['*']]]);
    assert.equal(legacy.virtual_hosts[0].routes[0].route?.cluster, 'outbound|8000||legacy.default.svc.cluster.local');
    // The proxy accepts it, and any authority on that listener reaches the service.
    const t = routeTableFor(gen, sidecarProxy(), 'legacy.default.svc.cluster.local:8000');
    const m = t.route(routeRequest({ authority: '10.96.0.20:8000', path: '/x' }));
    assert.ok(m?.action.type === 'route' && m.action.route.clusterSpecifier.kind === 'cluster');
    assert.equal(m.action.route.clusterSpecifier.name, 'outbound|8000||legacy.default.svc.cluster.local');
  });

  it('routes a sniffed port by the VirtualService that names the service', () => {
    const yaml = `${SNIFFED}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: legacy, namespace: default}
spec:
  hosts: [legacy]
  http:
  - match: [{uri: {prefix: /v2}}]
    directResponse: {status: 418}
  - route: [{destination: {host: legacy}}]
`;
    const routes = assertAllServed(configGen({ yaml }), sidecarProxy());
    const legacy = routes.get('legacy.default.svc.cluster.local:8000')!;
    assert.equal(legacy.virtual_hosts.length, 1);
    assert.deepEqual(legacy.virtual_hosts[0].routes.map((r) => r.direct_response?.status ?? r.route?.cluster), [418, 'outbound|8000||legacy.default.svc.cluster.local']);
  });

  it('produces the routes of the seed 002 egress VirtualService on a sidecar', () => {
    const yaml = [seed('002-egress-gateway.yaml'), seed('002-httpbin-serviceentry.yaml'), seed('002-httpbin-through-egress-virtualservice.yaml')].join('\n---\n');
    assertAllServed(configGen({ yaml }), sidecarProxy());
  });
});
