/**
 * Outlier detection and active health checking through a whole proxy (fake
 * control plane, real upstream sockets, the FakeClock for intervals): what a
 * client sees (traffic moves off a failing host and back) and what an
 * operator sees (/clusters health flags, Envoy's stats).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { assignment, echo, edsCluster, get, listener, startHarness, until, type Echo, type Harness } from './harness.ts';

const L = 'outbound_health';

describe('outlier detection and active health checks through the proxy', () => {
  let h: Harness;
  let good: Echo;
  let bad: Echo;
  let hcGood: http.Server;
  let hcBad: http.Server;
  let hcBadStatus = 503;
  let port = 0;

  const server = async (status: () => number, name: string) => {
    const s = http.createServer((req, res) => {
      req.resume();
      res.writeHead(status(), { 'x-upstream': name });
      res.end(name);
    });
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
    return s;
  };
  const addr = (s: http.Server) => ({ host: '127.0.0.1', port: (s.address() as { port: number }).port });
  const stat = (name: string) => h.proxy.stats.metrics().find((m) => m.stat.name === name)?.value;

  before(async () => {
    [good, bad] = await Promise.all([echo('good'), echo('bad')]);
    hcGood = await server(() => 200, 'hc-good');
    hcBad = await server(() => hcBadStatus, 'hc-bad');
    h = await startHarness();
    await h.push({
      clusters: [
        edsCluster('od', { outlier_detection: { consecutive_5xx: { value: 3 }, interval: { seconds: '10' }, base_ejection_time: { seconds: '30' }, max_ejection_percent: { value: 50 } } }),
        edsCluster('hc', {
          health_checks: [{ timeout: { seconds: '1' }, interval: { seconds: '5' }, unhealthy_threshold: { value: 2 }, healthy_threshold: { value: 2 }, http_health_check: { path: '/healthz' } }],
          common_lb_config: { healthy_panic_threshold: { value: 0 } },
        }),
      ],
      endpoints: [assignment('od', [good, bad]), assignment('hc', [addr(hcGood), addr(hcBad)])],
      listeners: [listener(L, 'r')],
      routes: [{
        name: 'r',
        virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/hc' }, route: { cluster: 'hc' } }, { match: { prefix: '/' }, route: { cluster: 'od' } }] }],
      }],
    });
    port = h.port(L);
  });

  after(async () => {
    await h.close();
    await Promise.all([good.stop(), bad.stop()]);
    for (const s of [hcGood, hcBad]) {
      s.closeAllConnections();
      s.close();
    }
  });

  it('ejects a host after consecutive 5xx, sends everything to the other, shows /failed_outlier_check, and returns it after base_ejection_time', async () => {
    bad.statuses = Array(50).fill(500);
    let fives = 0;
    for (let i = 0; i < 20; i++) if ((await get(port, `/x${i}`)).status === 500) fives++;
    assert.equal(fives, 3, 'three 500s reached the client before the ejection');
    assert.equal(stat('cluster.od.outlier_detection.ejections_enforced_consecutive_5xx'), 1);
    assert.equal(stat('cluster.od.outlier_detection.ejections_active'), 1);
    assert.equal(h.proxy.clusters.hostStats('od', `127.0.0.1:${bad.port}`).activeHealthFlags, '/failed_outlier_check');
    const before = bad.seen.length;
    for (let i = 0; i < 10; i++) assert.equal((await get(port, '/y')).status, 200);
    assert.equal(bad.seen.length, before, 'nothing reaches the ejected host');
    bad.statuses = [];
    h.clock.advance(30_000);
    assert.equal(stat('cluster.od.outlier_detection.ejections_active'), 0);
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) seen.add((await get(port, '/z')).headers['x-upstream'] as string);
    assert.deepEqual([...seen].sort(), ['bad', 'good']);
  });

  it('keeps a host that fails its health check out of rotation and brings it back after healthy_threshold passes', async () => {
    await until(() => (stat('cluster.hc.health_check.attempt') ?? 0) >= 2 && (stat('cluster.hc.health_check.success') ?? 0) + (stat('cluster.hc.health_check.failure') ?? 0) >= 2, 'the first health checks');
    assert.equal(h.proxy.clusters.hostStats('hc', `127.0.0.1:${addr(hcBad).port}`).activeHealthFlags, '/failed_active_hc');
    for (let i = 0; i < 10; i++) assert.equal((await get(port, '/hc')).headers['x-upstream'], 'hc-good');
    hcBadStatus = 200;
    const attempts = () => stat('cluster.hc.health_check.attempt') ?? 0;
    const answered = () => (stat('cluster.hc.health_check.success') ?? 0) + (stat('cluster.hc.health_check.failure') ?? 0);
    const flags = () => h.proxy.clusters.hostStats('hc', `127.0.0.1:${addr(hcBad).port}`).activeHealthFlags;
    // The checks scheduled before any traffic wait no_traffic_interval (60 s); then every interval (5 s). Step the
    // FakeClock 5 s at a time, letting every check in flight finish between steps.
    let steps = 0;
    const passesBefore = stat('cluster.hc.health_check.success') ?? 0;
    while (flags() !== '' && steps++ < 40) {
      const before = attempts();
      h.clock.advance(5000);
      if (attempts() > before) await until(() => answered() === attempts(), 'the checks in flight');
    }
    assert.equal(flags(), '');
    // healthy_threshold 2: the bad host needed two passes in a row (the good one passes alongside).
    assert.ok((stat('cluster.hc.health_check.success') ?? 0) - passesBefore >= 4);
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) seen.add((await get(port, '/hc')).headers['x-upstream'] as string);
    assert.deepEqual([...seen].sort(), ['hc-bad', 'hc-good']);
    assert.equal(stat('cluster.hc.health_check.healthy'), 2);
  });
});

describe('outlier detection for tcp_proxy connections', () => {
  it('ejects a host whose connections fail (connect failures count as 503 without the split) and sends every connection to the other', async () => {
    const { createServer, connect } = await import('node:net');
    const { TypeUrl } = await import('@skiff/api');
    const live = createServer((s) => s.end('live\n'));
    live.listen(0, '127.0.0.1');
    await once(live, 'listening');
    const dead = createServer();
    dead.listen(0, '127.0.0.1');
    await once(dead, 'listening');
    const deadPort = (dead.address() as { port: number }).port;
    dead.close(); // nothing listens there any more: connection refused
    const h = await startHarness();
    try {
      await h.push({
        clusters: [edsCluster('tcp', { outlier_detection: { consecutive_5xx: { value: 2 }, max_ejection_percent: { value: 50 } } })],
        endpoints: [assignment('tcp', [{ host: '127.0.0.1', port: (live.address() as { port: number }).port }, { host: '127.0.0.1', port: deadPort }])],
        listeners: [{
          name: 'tcp',
          address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
          filter_chains: [{ filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': TypeUrl.TcpProxy, stat_prefix: 'tcp', cluster: 'tcp' } }] }],
        }],
      });
      const port = h.port('tcp');
      const once1 = () => new Promise<string>((resolve) => {
        const c = connect(port, '127.0.0.1');
        let text = '';
        c.on('data', (d) => (text += d));
        c.on('error', () => {});
        c.on('close', () => resolve(text));
      });
      const results: string[] = [];
      for (let i = 0; i < 12; i++) results.push(await once1());
      const failed = results.filter((t) => t === '').length;
      assert.equal(failed, 2, `two refused connections eject the dead host: ${JSON.stringify(results)}`);
      assert.deepEqual(results.slice(-6), Array(6).fill('live\n'));
      assert.equal(h.proxy.stats.metrics().find((m) => m.stat.name === 'cluster.tcp.outlier_detection.ejections_enforced_consecutive_5xx')?.value, 1);
      assert.equal(h.proxy.clusters.hostStats('tcp', `127.0.0.1:${deadPort}`).activeHealthFlags, '/failed_outlier_check');
    } finally {
      await h.close();
      live.close();
    }
  });
});
