/**
 * Gateway simulation: Gateway + VirtualServices → `http.<port>` route
 * configurations on the ingress gateway → the proxy's route table.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { seededRandom } from '@skiff/common';
import { configGen, routeConfigurationFor, routeTableFor, routerProxy, routesFor } from '@skiff/testing/config-gen.ts';
import { pickCluster, redirectLocation, routeRequest, type RouteRequestInit, type RouteTable } from '@skiff/proxy/http/route-table/index.ts';

const seed = (file: string) => readFileSync(new URL(`../../../../config/testdata/seeds/${file}`, import.meta.url), 'utf8');
const seeds = (...files: string[]) => files.map(seed).join('\n---\n');
const ingress = routerProxy();

function cluster(t: RouteTable, init: RouteRequestInit, random = seededRandom(1)): string | undefined {
  const m = t.route(routeRequest(init));
  if (!m || m.action.type !== 'route') return undefined;
  return pickCluster(m.action.route.clusterSpecifier, routeRequest(init), random)?.name;
}

const USER = (subset: string) => `outbound|80|${subset}|user-service.backend.svc.cluster.local`;

describe('seed 002 app-gateway', () => {
  const yaml = seeds('002-backend-services.yaml', '002-app-gateway.yaml', '002-user-service-destinationrule.yaml',
    '002-user-service-canary-virtualservice.yaml', '002-product-service-virtualservice.yaml', '002-order-service-virtualservice.yaml');

  it('merges the three VirtualServices on host * into one virtual host of http.80', () => {
    const rc = routeConfigurationFor(configGen({ yaml, namespace: 'backend' }), ingress, 'http.80');
    assert.deepEqual(rc.virtual_hosts.map((v) => [v.name, v.domains]), [['*:80', ['*']]]);
    const t = routeTableFor(configGen({ yaml, namespace: 'backend' }), ingress, 'http.80');
    assert.equal(cluster(t, { authority: 'shop.example.com', path: '/products/1' }), 'outbound|80||product-service.backend.svc.cluster.local');
    assert.equal(cluster(t, { authority: '1.2.3.4:80', path: '/orders' }), 'outbound|80||order-service.backend.svc.cluster.local');
    assert.equal(t.route(routeRequest({ authority: 'x', path: '/nothing' })), null);
  });

  it('splits /users 90/10 between v1 and v2 within ±3 points over 1,000 requests', () => {
    const t = routeTableFor(configGen({ yaml, namespace: 'backend' }), ingress, 'http.80');
    const random = seededRandom(2024);
    let v1 = 0;
    for (let i = 0; i < 1000; i++) if (cluster(t, { authority: 'a', path: '/users' }, random) === USER('v1')) v1++;
    assert.ok(Math.abs(v1 / 10 - 90) <= 3, `v1 got ${v1 / 10}%`);
  });
});

describe('seed 002 advanced-gateway A/B test', () => {
  const yaml = seeds('002-backend-services.yaml', '002-advanced-gateway.yaml', '002-user-service-destinationrule.yaml', '002-user-service-ab-test.yaml');

  it('routes x-user-type beta to v2 on api.example.com, and answers 404 on admin.example.com which no VirtualService serves', () => {
    const t = routeTableFor(configGen({ yaml, namespace: 'backend' }), ingress, 'http.80');
    assert.equal(cluster(t, { authority: 'api.example.com', path: '/anything', headers: { 'x-user-type': 'beta' } }), USER('v2'));
    assert.equal(cluster(t, { authority: 'api.example.com:80', path: '/users', headers: { 'x-user-type': 'beta' } }), USER('v2'));
    assert.equal(t.route(routeRequest({ authority: 'admin.example.com', path: '/users' })), null);
    const m = t.route(routeRequest({ authority: 'api.example.com', path: '/users' }))!;
    const fault = m.route!.typedPerFilterConfig.get('envoy.filters.http.fault') as { delay: { percentage: unknown } };
    assert.deepEqual(fault.delay.percentage, { numerator: 1000, denominator: 'MILLION' });
  });

  it('builds the HTTPS server its own https.443.https.advanced-gateway.backend route configuration', () => {
    const names = routesFor(configGen({ yaml, namespace: 'backend' }), ingress).routeConfigurations.map((r) => r.name);
    assert.deepEqual(names, ['http.80', 'https.443.https.advanced-gateway.backend']);
  });
});

describe('gateway hosts and merging', () => {
  const gw = (hosts: string, tls = '') => `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ${hosts}
${tls}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: app}
spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
---
`;
  const vsFor = (name: string, hosts: string, http: string, ns = 'app') => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: ${hosts}
  gateways: [istio-system/gw]
  http:
${http}
---
`;
  const WEB = 'outbound|80||web.app.svc.cluster.local';

  it('binds only VirtualServices in the namespace a server host allows', () => {
    const yaml = gw('["app/web.example.com", "./internal.example.com"]') +
      vsFor('a', '[web.example.com, internal.example.com]', '  - route: [{destination: {host: web.app.svc.cluster.local}}]');
    const rc = routeConfigurationFor(configGen({ yaml }), ingress, 'http.8080');
    assert.deepEqual(rc.virtual_hosts.map((v) => v.name), ['web.example.com:8080']);
    assert.deepEqual(rc.virtual_hosts[0].domains, ['web.example.com', 'web.example.com:8080']);
  });

  it('uses the more specific of a wildcard server host and a VirtualService host', () => {
    const yaml = gw('["*/*.example.com"]') + vsFor('a', '[shop.example.com]', '  - route: [{destination: {host: web.app.svc.cluster.local}}]');
    const t = routeTableFor(configGen({ yaml }), ingress, 'http.8080');
    assert.equal(cluster(t, { authority: 'shop.example.com' }), WEB);
    assert.equal(t.route(routeRequest({ authority: 'other.example.com' })), null);
  });

  it('merges VirtualServices for one host in creation order, moving catch-alls last and reporting a shadowed one', () => {
    const yaml = gw('["*/shop.example.com"]') +
      vsFor('first', '[shop.example.com]', '  - route: [{destination: {host: web.app.svc.cluster.local, port: {number: 80}}}]') +
      vsFor('second', '[shop.example.com]', '  - match: [{uri: {prefix: /cart}}]\n    directResponse: {status: 204}\n  - route: [{destination: {host: web.app.svc.cluster.local}}]');
    const gen = configGen({ yaml });
    const t = routeTableFor(gen, ingress, 'http.8080');
    assert.deepEqual(t.route(routeRequest({ authority: 'shop.example.com', path: '/cart' }))!.action, { type: 'directResponse', directResponse: { status: 204, body: undefined } });
    assert.equal(cluster(t, { authority: 'shop.example.com', path: '/' }), WEB);
    const { conflicts } = routesFor(gen, ingress);
    assert.equal(conflicts.length, 1);
    assert.equal(conflicts[0].virtualService, 'app/second');
    assert.match(conflicts[0].message, /catch-all route .* is unreachable, app\/first already matches every request/);
  });

  it('redirects plain HTTP to https when the server sets httpsRedirect, even for hosts without VirtualServices', () => {
    const yaml = gw('["*/secure.example.com", "*/bare.example.com"]', '    tls: {httpsRedirect: true}') +
      vsFor('a', '[secure.example.com]', '  - route: [{destination: {host: web.app.svc.cluster.local}}]');
    const gen = configGen({ yaml });
    const rc = routeConfigurationFor(gen, ingress, 'http.8080');
    assert.deepEqual(rc.virtual_hosts.map((v) => [v.name, v.require_tls]), [['bare.example.com:8080', 'ALL'], ['secure.example.com:8080', 'ALL']]);
    const t = routeTableFor(gen, ingress, 'http.8080');
    const m = t.route(routeRequest({ authority: 'secure.example.com:8080', path: '/a?b=1' }))!;
    assert.ok(m.action.type === 'redirect');
    assert.equal(m.action.redirect.responseCode, 301);
    assert.equal(redirectLocation(m.action.redirect, routeRequest({ authority: 'bare.example.com', path: '/a?b=1' })), 'https://bare.example.com/a?b=1');
    assert.equal(cluster(t, { authority: 'secure.example.com', scheme: 'https' }), WEB);
  });

  it('answers 404 through a blackhole virtual host when no VirtualService binds the gateway', () => {
    const rc = routeConfigurationFor(configGen({ yaml: gw('["*/a.example.com"]') }), ingress, 'http.8080');
    assert.deepEqual(rc.virtual_hosts.map((v) => [v.name, v.domains, v.routes.length]), [['blackhole:8080', ['*'], 0]]);
  });

  it('keeps gateway-only matches on the gateway and drops mesh-only ones', () => {
    const yaml = gw('["*/shop.example.com"]') + vsFor('a', '[shop.example.com]',
      '  - match: [{gateways: [mesh], uri: {prefix: /m}}]\n    directResponse: {status: 201}\n  - match: [{gateways: [istio-system/gw], uri: {prefix: /g}}]\n    directResponse: {status: 202}');
    const t = routeTableFor(configGen({ yaml }), ingress, 'http.8080');
    assert.equal(t.route(routeRequest({ authority: 'shop.example.com', path: '/m' })), null);
    assert.deepEqual(t.route(routeRequest({ authority: 'shop.example.com', path: '/g' }))!.action, { type: 'directResponse', directResponse: { status: 202, body: undefined } });
  });
});
