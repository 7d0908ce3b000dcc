/**
 * Sidecar simulation: YAML → RDS → the proxy's own route table → which
 * cluster, timeout, retries, headers and response a request gets.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { seededRandom } from '@skiff/common';
import { configGen, routeConfigurationFor, routeTableFor, sidecarProxy, type ConfigGenOptions } from '@skiff/testing/config-gen.ts';
import { pickCluster, routeRequest, type RouteMatch, type RouteRequestInit, type RouteTable } from '@skiff/proxy/http/route-table/index.ts';

const seed = (file: string) => readFileSync(new URL(`../../../../config/testdata/seeds/${file}`, import.meta.url), 'utf8');

const svc = (name: string, port = 80, ns = 'default', portName = 'http', ip = '') => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: {selector: {app: ${name}}, ports: [{name: ${portName}, port: ${port}}]${ip ? `, clusterIP: ${ip}` : ''}}
---
`;

function table(yaml: string, route: string, opts: Partial<ConfigGenOptions> & { proxyNs?: string; labels?: Record<string, string> } = {}): RouteTable {
  const gen = configGen({ yaml, ...opts });
  return routeTableFor(gen, sidecarProxy({ namespace: opts.proxyNs ?? opts.namespace ?? 'default', labels: opts.labels }), route);
}

function send(t: RouteTable, init: RouteRequestInit): RouteMatch {
  const m = t.route(routeRequest(init));
  assert.ok(m, `no route for ${init.authority}${init.path ?? '/'}`);
  return m;
}

function clusterOf(t: RouteTable, init: RouteRequestInit, seedValue = 1): string {
  const m = send(t, init);
  assert.equal(m.action.type, 'route');
  if (m.action.type !== 'route') return '';
  return pickCluster(m.action.route.clusterSpecifier, routeRequest(init), seededRandom(seedValue))!.name;
}

/** Share of picks per cluster over n requests with one seeded Random. */
function shares(t: RouteTable, init: RouteRequestInit, n = 1000): Map<string, number> {
  const random = seededRandom(42);
  const m = send(t, init);
  assert.equal(m.action.type, 'route');
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (m.action.type !== 'route') break;
    const c = pickCluster(m.action.route.clusterSpecifier, routeRequest(init), random)!.name;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return new Map([...counts].map(([k, v]) => [k, (v / n) * 100]));
}

const REVIEWS = 'reviews.default.svc.cluster.local';

describe('sidecar routes without VirtualServices', () => {
  it('routes every name a client may use for a service to its cluster, with Istio defaults', () => {
    const t = table(svc('reviews', 9080, 'default', 'http', '10.96.0.10'), '9080');
    for (const authority of [REVIEWS, `${REVIEWS}:9080`, 'reviews', 'reviews:9080', 'reviews.default', 'reviews.default.svc:9080', '10.96.0.10', '10.96.0.10:9080']) {
      assert.equal(clusterOf(t, { authority }), `outbound|9080||${REVIEWS}`, authority);
    }
    const m = send(t, { authority: 'reviews:9080' });
    assert.equal(m.action.type === 'route' && m.action.route.timeoutMs, 0);
    assert.deepEqual(m.retryPolicy?.retryOn, ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes']);
    assert.equal(m.retryPolicy?.numRetries, 2);
    assert.deepEqual(m.retryPolicy?.retryHostPredicates, ['envoy.retry_host_predicates.previous_hosts']);
    assert.equal(m.retryPolicy?.hostSelectionRetryMaxAttempts, 5);
  });

  it('gives the short name only to proxies in the service namespace', () => {
    const t = table(svc('reviews', 9080), '9080', { proxyNs: 'other' });
    assert.equal(clusterOf(t, { authority: 'reviews.default:9080' }), `outbound|9080||${REVIEWS}`);
    // `reviews` alone falls through to allow_any → PassthroughCluster.
    assert.equal(clusterOf(t, { authority: 'reviews' }), 'PassthroughCluster');
  });

  it('sends unknown hosts to PassthroughCluster under ALLOW_ANY and answers 502 under REGISTRY_ONLY', () => {
    assert.equal(clusterOf(table(svc('reviews'), '80'), { authority: 'example.com' }), 'PassthroughCluster');
    const mesh = { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' as const } };
    const m = send(table(svc('reviews'), '80', { mesh }), { authority: 'example.com' });
    assert.deepEqual(m.action, { type: 'directResponse', directResponse: { status: 502, body: undefined } });
  });

  it('names route configurations by port and virtual hosts host:port', () => {
    const gen = configGen({ yaml: svc('reviews', 9080) + svc('ratings', 9080) + svc('web', 80) });
    const rc = routeConfigurationFor(gen, sidecarProxy(), '9080');
    assert.deepEqual(rc.virtual_hosts.map((v) => v.name).sort(), [`ratings.default.svc.cluster.local:9080`, `${REVIEWS}:9080`, 'allow_any'].sort());
    assert.equal(rc.virtual_hosts.at(-1)!.name, 'allow_any');
    assert.deepEqual(rc.virtual_hosts.find((v) => v.name === `${REVIEWS}:9080`)!.domains, [
      REVIEWS, `${REVIEWS}:9080`, 'reviews', 'reviews:9080', 'reviews.default', 'reviews.default:9080', 'reviews.default.svc', 'reviews.default.svc:9080',
    ]);
  });
});

describe('seed manifests on sidecars', () => {
  const backend = { namespace: 'backend' };
  const base = seed('002-backend-services.yaml') + '\n---\n' + seed('002-user-service-destinationrule.yaml');

  it('splits seed 002 user-service 90/10 within ±3 points over 1,000 requests', () => {
    const t = table(base + '\n---\n' + seed('002-user-service-retry.yaml'), '80', backend);
    const s = shares(t, { authority: 'user-service' });
    const v1 = s.get('outbound|80|v1|user-service.backend.svc.cluster.local') ?? 0;
    const v2 = s.get('outbound|80|v2|user-service.backend.svc.cluster.local') ?? 0;
    assert.ok(Math.abs(v1 - 90) <= 3, `v1 got ${v1}%`);
    assert.ok(Math.abs(v2 - 10) <= 3, `v2 got ${v2}%`);
    assert.equal(v1 + v2, 100);
  });

  it('applies seed 002 retries (3 × 2s) and the 10s timeout', () => {
    const t = table(base + '\n---\n' + seed('002-user-service-retry.yaml'), '80', backend);
    const m = send(t, { authority: 'user-service.backend.svc.cluster.local' });
    assert.equal(m.action.type === 'route' && m.action.route.timeoutMs, 10_000);
    assert.equal(m.retryPolicy?.numRetries, 3);
    assert.equal(m.retryPolicy?.perTryTimeoutMs, 2000);
    assert.deepEqual(m.retryPolicy?.retryOn, ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes']);
  });

  it('replaces retry_on with the seed 002 retryOn 5xx and keeps no default status codes', () => {
    const t = table(base + '\n---\n' + seed('002-user-service-retry-timeout.yaml'), '80', backend);
    const m = send(t, { authority: 'user-service' });
    assert.deepEqual(m.retryPolicy?.retryOn, ['5xx']);
    assert.deepEqual(m.retryPolicy?.retriableStatusCodes, []);
    assert.equal(clusterOf(t, { authority: 'user-service' }), 'outbound|80||user-service.backend.svc.cluster.local');
  });

  it('injects the seed 002 delay (50% of 5s) and abort (30% of 500) faults through the fault filter config', () => {
    const delay = send(table(base + '\n---\n' + seed('002-product-service-delay-fault.yaml'), '80', backend), { authority: 'product-service' });
    assert.deepEqual(delay.route?.typedPerFilterConfig.get('envoy.filters.http.fault'), {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
      delay: { fixed_delay: { seconds: '5' }, fault_delay_secifier: 'fixed_delay', percentage: { numerator: 500000, denominator: 'MILLION' } },
    });
    const abort = send(table(base + '\n---\n' + seed('002-order-service-abort-fault.yaml'), '80', backend), { authority: 'order-service' });
    assert.deepEqual(abort.route?.typedPerFilterConfig.get('envoy.filters.http.fault'), {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
      abort: { http_status: 500, error_type: 'http_status', percentage: { numerator: 300000, denominator: 'MILLION' } },
    });
  });

  it('routes seed 003 end-user jason to reviews v2 and others 80/20 between v1 and v2', () => {
    const yaml = svc('reviews', 9080) + seed('003-destination-rule-all.yaml') + '\n---\n' + seed('003-canary-reviews-virtualservice.yaml');
    const t = table(yaml, '9080');
    assert.equal(clusterOf(t, { authority: 'reviews:9080', headers: { 'end-user': 'jason' } }), `outbound|9080|v2|${REVIEWS}`);
    const s = shares(t, { authority: 'reviews:9080', headers: { 'end-user': 'alice' } });
    assert.ok(Math.abs((s.get(`outbound|9080|v1|${REVIEWS}`) ?? 0) - 80) <= 3);
  });

  it('serves the seed 003 bookinfo.com host (not a service) on port 80, routing jason to reviews v2', () => {
    const yaml = svc('reviews', 9080) + seed('003-destination-rule-all.yaml') + '\n---\n' + seed('003-bookinfo-virtualservice.yaml');
    const gen = configGen({ yaml });
    const t = routeTableFor(gen, sidecarProxy(), '80');
    assert.equal(clusterOf(t, { authority: 'bookinfo.com', headers: { 'end-user': 'jason' } }), `outbound|9080|v2|${REVIEWS}`);
    assert.equal(clusterOf(t, { authority: 'bookinfo.com:80', headers: { 'end-user': 'bob' } }, 7).startsWith('outbound|9080|v'), true);
  });
});
