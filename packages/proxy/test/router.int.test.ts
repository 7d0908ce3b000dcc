import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { TypeUrl } from '@skiff/api';
import { assignment, drive, echo, edsCluster, get, listener, startHarness, until, type Echo, type Harness } from './harness.ts';

const L = 'outbound_test';

describe('proxy data path: router, filters, clusters (fake control plane, echo upstreams)', () => {
  let h: Harness;
  let a: Echo;
  let b: Echo;
  let c: Echo;
  let port = 0;

  const routes = (extraRoutes: Record<string, unknown>[] = [], vhExtra: Record<string, unknown> = {}) => ({
    name: 'r',
    virtual_hosts: [
      { name: 'ratings', domains: ['ratings', 'ratings:*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'c' } }] },
      {
        name: 'reviews',
        domains: ['reviews', 'reviews:*'],
        include_request_attempt_count: true,
        ...vhExtra,
        routes: [
          ...extraRoutes,
          { match: { prefix: '/', headers: [{ name: 'x-user', string_match: { exact: 'jason' } }] }, route: { cluster: 'b' } },
          { match: { prefix: '/v2/' }, route: { cluster: 'b', prefix_rewrite: '/' } },
          { match: { prefix: '/split' }, route: { weighted_clusters: { clusters: [{ name: 'a', weight: { value: 90 } }, { name: 'b', weight: { value: 10 } }] } } },
          { match: { prefix: '/' }, route: { cluster: 'a' } },
        ],
      },
    ],
  });

  before(async () => {
    [a, b, c] = await Promise.all([echo('a'), echo('b'), echo('c')]);
    h = await startHarness();
    await h.push({
      clusters: [edsCluster('a'), edsCluster('b'), edsCluster('c')],
      endpoints: [assignment('a', [a]), assignment('b', [b]), assignment('c', [c])],
      listeners: [listener(L, 'r')],
      routes: [routes()],
    });
    port = h.port(L);
  });

  after(async () => {
    await h.close();
    await Promise.all([a.stop(), b.stop(), c.stop()]);
  });

  it('routes by host, path prefix (with prefix_rewrite) and header', async () => {
    assert.equal(JSON.parse((await get(port, '/x', { host: 'ratings' })).body).upstream, 'c');
    assert.equal(JSON.parse((await get(port, '/x')).body).upstream, 'a');
    assert.deepEqual(JSON.parse((await get(port, '/v2/items')).body), { upstream: 'b', path: '/items', host: 'reviews' });
    assert.equal(JSON.parse((await get(port, '/x', { 'x-user': 'jason' })).body).upstream, 'b');
  });

  it("adds Envoy's headers: x-request-id, x-envoy-expected-rq-timeout-ms, x-envoy-attempt-count upstream; server and x-envoy-upstream-service-time downstream", async () => {
    const before = a.seen.length;
    const r = await get(port, '/headers');
    const seen = a.seen[before].headers;
    assert.match(String(seen['x-request-id']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(seen['x-envoy-expected-rq-timeout-ms'], '15000');
    assert.equal(seen['x-envoy-attempt-count'], '1');
    assert.equal(seen['x-forwarded-proto'], 'http');
    assert.equal(r.headers.server, 'istio-envoy');
    assert.match(String(r.headers['x-envoy-upstream-service-time']), /^\d+$/);
    await get(port, '/headers', { 'x-request-id': 'keep-me' });
    assert.equal(a.seen.at(-1)!.headers['x-request-id'], 'keep-me');
  });

  it('splits 90/10 within ±3 points over 1,000 requests', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 1000; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => get(port, '/split', {}, agent)));
      for (const r of batch) counts[JSON.parse(r.body).upstream as 'a' | 'b']++;
    }
    agent.destroy();
    assert.ok(Math.abs(counts.a / 10 - 90) <= 3, JSON.stringify(counts));
    assert.equal(counts.a + counts.b, 1000);
  });

  it('answers 404 with flag NR when no route matches', async () => {
    const r = await get(port, '/', { host: 'unknown.example' });
    assert.equal(r.status, 404);
    assert.equal(r.body, '');
    assert.equal(h.proxy.stats.counter('http.outbound_0.0.0.0_80.no_route').value, 1);
  });

  it('retries a 503 per the retry policy and returns the success (x-envoy-attempt-count 2)', async () => {
    await h.push({ routes: [routes([{ match: { prefix: '/retry' }, route: { cluster: 'a', retry_policy: { retry_on: '5xx', num_retries: { value: 2 } } } }])] });
    a.statuses = [503];
    const before = a.seen.length;
    const r = await drive(h.clock, get(port, '/retry'));
    assert.equal(r.status, 200);
    assert.deepEqual(a.seen.slice(before).map((s) => s.headers['x-envoy-attempt-count']), ['1', '2']);
    assert.equal(h.proxy.stats.counter('cluster.a.upstream_rq_retry').value, 1);
    assert.equal(h.proxy.stats.counter('cluster.a.upstream_rq_retry_success').value, 1);
  });

  it("gives up after num_retries with the last upstream response (flag URX)", async () => {
    a.statuses = [503, 503, 503];
    const r = await drive(h.clock, get(port, '/retry'));
    assert.equal(r.status, 503);
    assert.equal(h.proxy.stats.counter('cluster.a.upstream_rq_retry_limit_exceeded').value, 1);
    a.statuses = [];
  });

  it("answers 504 'upstream request timeout' (UT) when the per-try timeout passes on the clock", async () => {
    await h.push({ routes: [routes([{ match: { prefix: '/hold' }, route: { cluster: 'a', retry_policy: { retry_on: '5xx', num_retries: { value: 0 }, per_try_timeout: { seconds: '1' } } } }])] });
    const pending = get(port, '/hold/slow');
    await until(() => a.held === 1, 'the upstream to hold the request');
    assert.equal(a.seen.at(-1)!.headers['x-envoy-expected-rq-timeout-ms'], '1000');
    h.clock.advance(999);
    await new Promise((r) => setTimeout(r, 20));
    h.clock.advance(1);
    const r = await pending;
    assert.deepEqual([r.status, r.body], [504, 'upstream request timeout']);
    assert.equal(h.proxy.stats.counter('cluster.a.upstream_rq_per_try_timeout').value, 1);
    a.release();
  });

  it("aborts with 'fault filter abort' from the route's typed_per_filter_config", async () => {
    await h.push({ routes: [routes([{ match: { prefix: '/fault' }, route: { cluster: 'a' }, typed_per_filter_config: { 'envoy.filters.http.fault': { '@type': TypeUrl.HttpFault, abort: { http_status: 418, percentage: { numerator: 100 } } } } }])] });
    const r = await get(port, '/fault');
    assert.deepEqual([r.status, r.body, r.headers.server], [418, 'fault filter abort', 'istio-envoy']);
    assert.equal(h.proxy.stats.counter('http.outbound_0.0.0.0_80.fault.aborts_injected').value, 1);
  });

  it('delays a request by the fault delay on the fake clock before it reaches the upstream', async () => {
    await h.push({ routes: [routes([{ match: { prefix: '/slow' }, route: { cluster: 'a' }, typed_per_filter_config: { 'envoy.filters.http.fault': { '@type': TypeUrl.HttpFault, delay: { fixed_delay: { seconds: '5' } } } } }])] });
    const before = a.seen.length;
    const pending = get(port, '/slow');
    await until(() => h.proxy.stats.gauge('http.outbound_0.0.0.0_80.fault.active_faults').value === 1, 'the delay to start');
    h.clock.advance(4999);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(a.seen.length, before, 'not forwarded before the delay');
    h.clock.advance(1);
    assert.equal((await pending).status, 200);
    assert.equal(a.seen.length, before + 1);
  });

  it('NACKs a route configuration with an invalid per-route fault config and keeps the last good one', async () => {
    const version = h.plane.setResources(TypeUrl.RouteConfiguration, [routes([{ match: { prefix: '/bad' }, route: { cluster: 'a' }, typed_per_filter_config: { 'envoy.filters.http.fault': { '@type': TypeUrl.HttpFault, abort: { http_status: 99 } } } }])]);
    const nack = await h.plane.waitForNack(TypeUrl.RouteConfiguration, version);
    assert.match(nack.message, /typed_per_filter_config\["envoy\.filters\.http\.fault"\]: abort\.http_status: value must be inside range \[200, 600\)/);
    assert.equal(JSON.parse((await get(port, '/x')).body).upstream, 'a', 'the last good route table still serves');
    assert.equal((await get(port, '/bad')).status, 200, 'the rejected route never took effect');
  });
});

describe('proxy data path: circuit breakers, outlier detection, LDS updates, NACKs', () => {
  let h: Harness;
  let a: Echo;
  let bad: Echo;
  before(async () => {
    [a, bad] = await Promise.all([echo('a'), echo('bad')]);
    h = await startHarness();
  });
  after(async () => {
    await h.close();
    await Promise.all([a.stop(), bad.stop()]);
  });

  const route = (cluster: string) => ({ name: 'r', virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster } }] }] });

  it("overflows max_pending_requests with 503 UO, Envoy's body and x-envoy-overloaded", async () => {
    await h.push({
      clusters: [edsCluster('cb', { circuit_breakers: { thresholds: [{ max_connections: { value: 1 }, max_pending_requests: { value: 1 } }] } })],
      endpoints: [assignment('cb', [a])],
      listeners: [listener('l', 'r')],
      routes: [route('cb')],
    });
    const port = h.port('l');
    const first = get(port, '/hold/1');
    await until(() => a.held === 1, 'the first request upstream');
    const second = get(port, '/hold/2');
    await until(() => h.proxy.clusters.get('cb')!.resources.pendingRequests.count === 1, 'the second request to queue');
    const third = await get(port, '/hold/3');
    assert.equal(third.status, 503);
    assert.equal(third.body, 'upstream connect error or disconnect/reset before headers. reset reason: overflow');
    assert.equal(third.headers['x-envoy-overloaded'], 'true');
    assert.equal(h.proxy.stats.counter('cluster.cb.upstream_rq_pending_overflow').value, 1);
    a.release();
    assert.equal((await first).status, 200);
    await until(() => a.held === 1, 'the queued request upstream');
    a.release();
    assert.equal((await second).status, 200);
  });

  it('ejects a host after consecutive 5xx and routes around it', async () => {
    bad.statuses = Array.from({ length: 100 }, () => 500);
    await h.push({
      clusters: [edsCluster('od', { outlier_detection: { consecutive_5xx: { value: 3 }, interval: { seconds: '10' }, base_ejection_time: { seconds: '30' }, max_ejection_percent: { value: 100 } } })],
      endpoints: [assignment('od', [a, bad])],
      listeners: [listener('l', 'r')],
      routes: [route('od')],
    });
    const port = h.port('l');
    let fails = 0;
    for (let i = 0; i < 10 && fails < 3; i++) if ((await get(port, '/')).status === 500) fails++;
    assert.equal(fails, 3);
    const after = await Promise.all(Array.from({ length: 20 }, () => get(port, '/')));
    assert.deepEqual(new Set(after.map((r) => r.status)), new Set([200]));
    assert.equal(h.proxy.stats.counter('cluster.od.outlier_detection.ejections_enforced_consecutive_5xx').value, 1);
    h.clock.advance(30_000);
    assert.equal(h.proxy.clusters.get('od')!.prioritySet.allHosts.every((x) => x.healthy), true, 'back after base_ejection_time');
  });

  it('answers 503 no healthy upstream (UH) when the cluster has no endpoints', async () => {
    await h.push({ clusters: [edsCluster('empty')], endpoints: [assignment('empty', [])], listeners: [listener('l', 'r')], routes: [route('empty')] });
    const r = await get(h.port('l'), '/');
    assert.deepEqual([r.status, r.body], [503, 'no healthy upstream']);
  });

  it('updates a listener without dropping the request in flight (old chain drains)', async () => {
    await h.push({ clusters: [edsCluster('a')], endpoints: [assignment('a', [a])], listeners: [listener('l', 'r')], routes: [route('a')] });
    const port = h.port('l');
    const inflight = get(port, '/hold/inflight');
    await until(() => a.held === 1, 'the request upstream');
    await h.push({ listeners: [listener('l', 'r', { statPrefix: 'updated' })] });
    assert.equal(h.port('l'), port, 'same socket');
    a.release();
    assert.equal((await inflight).status, 200);
    assert.equal((await get(port, '/')).status, 200);
    assert.equal(h.proxy.stats.counter('http.updated.downstream_rq_total').value, 1);
  });

  it("NACKs a listener with an unknown non-optional HTTP filter in Envoy's words and keeps serving the last good one", async () => {
    const port = h.port('l');
    const unknown = { name: 'istio.stats', typed_config: { '@type': TypeUrl.GrpcStats } };
    const version = h.plane.setResources(TypeUrl.Listener, [listener('l', 'r', { filters: [unknown, { name: 'envoy.filters.http.router', typed_config: { '@type': TypeUrl.Router } }] })]);
    const nack = await h.plane.waitForNack(TypeUrl.Listener, version);
    assert.match(nack.message, /Didn't find a registered implementation for 'istio\.stats' with type URL: 'envoy\.extensions\.filters\.http\.grpc_stats\.v3\.FilterConfig'/);
    assert.equal((await get(port, '/')).status, 200);
  });
});
