import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { TypeUrl } from '@skiff/api';
import { FakeClock, seededRandom, type Clock } from '@skiff/common';
import { FakeControlPlane } from '@skiff/testing';
import { buildBootstrap } from '../bootstrap/index.ts';
import { ProxyServer } from '../proxy-server.ts';
import { assignment, echo, edsCluster, get, listener, until, type Echo } from '../../test/harness.ts';

function fetchText(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('agent ports (15021 readiness, 15090 stats, 15020 merged) and admin drain/quit', () => {
  let plane: FakeControlPlane;
  let proxy: ProxyServer;
  let clock: FakeClock;
  let up: Echo;
  let app: http.Server;
  let appPort = 0;
  let hold = false;
  const held: http.ServerResponse[] = [];
  let ports: { health?: number; stats?: number; merged?: number } = {};
  let adminPort = 0;
  let quit = 0;

  before(async () => {
    up = await echo('reviews');
    app = http.createServer((req, res) => {
      if (hold) {
        held.push(res);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('# TYPE app_orders_total counter\napp_orders_total{shop="main"} 42\n');
    });
    app.listen(0, '127.0.0.1');
    await once(app, 'listening');
    appPort = (app.address() as AddressInfo).port;
    plane = await FakeControlPlane.start();
    const bootstrap = buildBootstrap({ proxyType: 'sidecar', ip: '127.0.0.1', podName: 'reviews-1', namespace: 'default', xdsAddress: plane.address, adminPort: 0 });
    if (!bootstrap.ok) throw new Error(bootstrap.errors.join());
    clock = new FakeClock(Date.UTC(2026, 0, 1));
    proxy = new ProxyServer({
      bootstrap: bootstrap.value, clock: clock as Clock, random: seededRandom(1),
      agent: { host: '127.0.0.1', healthPort: 0, statsPort: 0, mergedPort: 0, appMetricsUrl: `http://127.0.0.1:${appPort}/metrics` },
      onQuit: () => quit++,
    });
    await proxy.start();
    ports = await proxy.agent!.listen();
  });

  after(async () => {
    await proxy.close();
    await plane.stop();
    await up.stop();
    app.closeAllConnections();
    await new Promise((r) => app.close(r));
  });

  it('answers /healthz/ready 503 with the agent reason until the first CDS and LDS are applied, then 200', async () => {
    const before = await fetchText(ports.health!, '/healthz/ready');
    assert.equal(before.status, 503);
    assert.match(before.body, /^config not received from XDS server \(is Istiod running\?\): cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected\n$/);
    const c = plane.setResources(TypeUrl.Cluster, [edsCluster('u')]);
    const e = plane.setResources(TypeUrl.ClusterLoadAssignment, [assignment('u', [up])]);
    const l = plane.setResources(TypeUrl.Listener, [listener('l', 'r')]);
    const r = plane.setResources(TypeUrl.RouteConfiguration, [{ name: 'r', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'u' } }] }] }]);
    await plane.waitForAck(TypeUrl.Cluster, c);
    await plane.waitForAck(TypeUrl.ClusterLoadAssignment, e);
    await plane.waitForAck(TypeUrl.Listener, l);
    await plane.waitForAck(TypeUrl.RouteConfiguration, r);
    await until(() => proxy.xds.snapshot().initialized, 'the first snapshot');
    await proxy.listeners.settled();
    assert.deepEqual(await fetchText(ports.health!, '/healthz/ready'), { status: 200, body: '', type: undefined });
    assert.equal((await fetchText(ports.merged!, '/healthz/ready')).status, 200);
  });

  it("serves the proxy's Prometheus stats on 15090, and merges the app's metrics into 15020", async () => {
    assert.equal((await get(proxy.listeners.address('l')!.port, '/x')).status, 200);
    const envoy = await fetchText(ports.stats!, '/stats/prometheus');
    assert.equal(envoy.type, 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(envoy.body, /^envoy_http_downstream_rq_total\{envoy_http_conn_manager_prefix="outbound_0\.0\.0\.0_80"\} 1$/m);
    assert.doesNotMatch(envoy.body, /app_orders_total/);
    const merged = await fetchText(ports.merged!, '/stats/prometheus');
    assert.match(merged.body, /^envoy_http_downstream_rq_total\{envoy_http_conn_manager_prefix="outbound_0\.0\.0\.0_80"\} 1$/m);
    assert.match(merged.body, /^app_orders_total\{shop="main"\} 42$/m);
    assert.equal((await fetchText(ports.stats!, '/nope')).status, 404);
  });

  it('leaves out an app that does not answer within the scrape timeout, on the fake clock', async () => {
    hold = true;
    const scrape = fetchText(ports.merged!, '/stats/prometheus');
    await until(() => held.length === 1, 'the app to be asked');
    clock.advance(5000);
    const merged = await scrape;
    assert.equal(merged.status, 200);
    assert.match(merged.body, /envoy_http_downstream_rq_total/);
    assert.doesNotMatch(merged.body, /app_orders_total/);
    hold = false;
    for (const r of held.splice(0)) r.destroy();
  });

  it('POST /drain_listeners stops the listeners accepting; POST /quitquitquit closes the proxy after answering OK', async () => {
    adminPort = (await proxy.admin!.listen()).port;
    assert.ok(adminPort > 0);
    assert.equal((await fetchText(adminPort, '/drain_listeners')).status, 405);
    const port = proxy.listeners.address('l')!.port;
    assert.deepEqual(await fetchText(adminPort, '/drain_listeners', 'POST'), { status: 200, body: 'OK\n', type: 'text/plain; charset=UTF-8' });
    await assert.rejects(get(port, '/after-drain'), /ECONNREFUSED/);
    assert.deepEqual(await fetchText(adminPort, '/quitquitquit', 'POST'), { status: 200, body: 'OK\n', type: 'text/plain; charset=UTF-8' });
    await until(() => quit === 1, 'the proxy to quit');
  });
});
