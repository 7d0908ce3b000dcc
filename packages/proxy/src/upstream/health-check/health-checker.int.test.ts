import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { FakeClock, seededRandom } from '@skiff/common';
import type { BootstrapConfig } from '../../bootstrap/index.ts';
import { formatClustersText } from '../../admin/clusters-text.ts';
import { StatsRegistry } from '../../stats/index.ts';
import { parseCluster } from '../../xds-client/index.ts';
import type { ClusterConfig, ResourceEntry, XdsSnapshot } from '../../xds-client/types.ts';
import { ClusterManager } from '../cluster-manager.ts';
import { HealthFlag, Host } from '../host.ts';
import { parseHealthChecks, type HealthCheckConfig } from './config.ts';
import { HealthChecker } from './health-checker.ts';

const sec = (s: number) => ({ seconds: String(s) });

function config(extra: Record<string, unknown>): HealthCheckConfig {
  const r = parseHealthChecks([{ timeout: sec(1), interval: sec(5), unhealthy_threshold: { value: 3 }, healthy_threshold: { value: 2 }, ...extra }], ['health_checks']);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.value[0];
}

/** Waits for a condition the sockets will make true (no timers: each turn of the event loop re-checks). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100_000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), 'condition never became true');
}

/** An HTTP server on raw sockets answering each request with `status()`; records request heads and open sockets. */
async function httpServer(status: () => number | 'hang'): Promise<{ server: Server; port: number; heads: string[]; sockets: Set<Socket> }> {
  const heads: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        heads.push(buf.slice(0, end));
        buf = buf.slice(end + 4);
        const s = status();
        if (s !== 'hang') socket.write(`HTTP/1.1 ${s} X\r\ncontent-length: 2\r\n\r\nok`);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return { server, port, heads, sockets };
}

function setup(hc: HealthCheckConfig, port: number, traffic = true) {
  const clock = new FakeClock(0);
  const stats = new StatsRegistry();
  let changes = 0;
  const checker = new HealthChecker({
    config: hc, clusterName: 'reviews', clock, random: seededRandom(1), stats, hasTraffic: () => traffic, onHealthChanged: () => changes++,
  });
  const host = new Host('127.0.0.1', port);
  const stat = (s: string) => stats.metrics().find((m) => m.stat.name === `cluster.reviews.health_check.${s}`)?.value ?? 0;
  return { clock, checker, host, stat, changes: () => changes };
}

async function close(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  server.close();
  await once(server, 'close');
}

describe('HTTP health checks on the injected clock', () => {
  it('marks a new host /failed_active_hc until its first 200, sends path, host and user-agent, and counts attempts and successes', async () => {
    const srv = await httpServer(() => 200);
    const t = setup(config({ http_health_check: { path: '/healthz' } }), srv.port);
    t.checker.setHosts([t.host]);
    assert.equal(t.host.formatHealthFlags(), '/failed_active_hc/pending_active_hc');
    await until(() => t.stat('success') === 1);
    assert.equal(t.host.formatHealthFlags(), 'healthy');
    assert.equal(t.host.healthy, true);
    assert.equal(t.changes(), 1);
    assert.match(srv.heads[0], /^GET \/healthz HTTP\/1\.1\r\nhost: reviews\r\nuser-agent: Envoy\/HC/);
    assert.equal(t.stat('attempt'), 1);
    assert.equal(t.stat('healthy'), 1);
    // The next check comes after `interval`, not before, on the same connection.
    t.clock.advance(4999);
    assert.equal(t.stat('attempt'), 1);
    t.clock.advance(1);
    await until(() => t.stat('success') === 2);
    assert.equal(srv.heads.length, 2);
    t.checker.close();
    await until(() => srv.sockets.size === 0);
    await close(srv.server, srv.sockets);
  });

  it('ejects at once on an unexpected status, and needs healthy_threshold successes to come back', async () => {
    let status = 200;
    const srv = await httpServer(() => status);
    const t = setup(config({ http_health_check: { path: '/', host: 'svc.local', expected_statuses: [{ start: '200', end: '300' }] } }), srv.port);
    t.checker.setHosts([t.host]);
    await until(() => t.stat('success') === 1);
    status = 503;
    t.clock.advance(5000);
    await until(() => t.stat('failure') === 1);
    assert.equal(t.host.formatHealthFlags(), '/failed_active_hc');
    assert.equal(t.stat('network_failure'), 0);
    assert.equal(t.stat('healthy'), 0);
    assert.match(srv.heads[1], /host: svc\.local/);
    status = 204;
    t.clock.advance(5000);
    await until(() => t.stat('success') === 2);
    assert.equal(t.host.healthy, false, 'one success of healthy_threshold 2');
    t.clock.advance(5000);
    await until(() => t.stat('success') === 3);
    assert.equal(t.host.healthy, true);
    assert.equal(t.changes(), 3);
    t.checker.close();
    await close(srv.server, srv.sockets);
  });

  it('accepts a response whose body ends when the host closes (no content-length)', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.once('data', () => s.end('HTTP/1.0 200 OK\r\n\r\nall good'));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const t = setup(config({ http_health_check: { path: '/' }, unhealthy_threshold: { value: 1 } }), (server.address() as { port: number }).port);
    t.checker.setHosts([t.host]);
    await until(() => t.stat('success') + t.stat('failure') === 1);
    assert.equal(t.stat('success'), 1);
    assert.equal(t.host.healthy, true);
    t.clock.advance(5000); // the next check opens a new connection
    await until(() => t.stat('success') + t.stat('failure') === 2);
    assert.equal(t.stat('success'), 2);
    t.checker.close();
    await close(server, sockets);
  });

  it('counts a status in retriable_statuses towards unhealthy_threshold instead of ejecting at once', async () => {
    let status = 200;
    const srv = await httpServer(() => status);
    const t = setup(config({ http_health_check: { path: '/', retriable_statuses: [{ start: '503', end: '504' }] } }), srv.port);
    t.checker.setHosts([t.host]);
    await until(() => t.stat('success') === 1);
    status = 503;
    for (let i = 1; i <= 3; i++) {
      t.clock.advance(5000);
      await until(() => t.stat('failure') === i);
      assert.equal(t.host.healthy, i < 3, `after ${i} retriable failures (unhealthy_threshold 3)`);
    }
    assert.equal(t.stat('network_failure'), 0);
    t.checker.close();
    await close(srv.server, srv.sockets);
  });

  it('needs unhealthy_threshold network failures (connection refused) to eject', async () => {
    const srv = await httpServer(() => 200);
    const t = setup(config({ http_health_check: { path: '/' } }), srv.port);
    t.checker.setHosts([t.host]);
    await until(() => t.stat('success') === 1);
    await close(srv.server, srv.sockets);
    for (let i = 1; i <= 3; i++) {
      t.clock.advance(5000);
      await until(() => t.stat('network_failure') === i);
      assert.equal(t.host.healthy, i < 3, `after ${i} failures`);
    }
    t.checker.close();
  });

  it('fails a check that gets no answer within timeout and closes its connection', async () => {
    const srv = await httpServer(() => 'hang');
    const t = setup(config({ http_health_check: { path: '/' }, unhealthy_threshold: { value: 1 } }), srv.port);
    t.checker.setHosts([t.host]);
    await until(() => srv.heads.length === 1);
    t.clock.advance(999);
    assert.equal(t.stat('failure'), 0);
    t.clock.advance(1);
    assert.equal(t.stat('network_failure'), 1);
    assert.equal(t.host.hasFlag(HealthFlag.FAILED_ACTIVE_HC), true);
    assert.equal(t.host.formatHealthFlags(), '/failed_active_hc/active_hc_timeout');
    await until(() => srv.sockets.size === 0);
    t.checker.close();
    await close(srv.server, srv.sockets);
  });

  it('checks every no_traffic_interval while the cluster has carried no traffic', async () => {
    const srv = await httpServer(() => 200);
    const t = setup(config({ http_health_check: { path: '/' }, no_traffic_interval: sec(60) }), srv.port, false);
    t.checker.setHosts([t.host]);
    await until(() => t.stat('success') === 1);
    t.clock.advance(59_999);
    assert.equal(t.stat('attempt'), 1);
    t.clock.advance(1);
    await until(() => t.stat('success') === 2);
    t.checker.close();
    await close(srv.server, srv.sockets);
  });

  it('opens a new connection per check with reuse_connection false', async () => {
    let accepted = 0;
    const srv = await httpServer(() => 200);
    srv.server.on('connection', () => accepted++);
    const t = setup(config({ http_health_check: { path: '/' }, reuse_connection: { value: false } }), srv.port);
    t.checker.setHosts([t.host]);
    await until(() => t.stat('success') === 1);
    t.clock.advance(5000);
    await until(() => t.stat('success') === 2);
    assert.equal(accepted, 2);
    assert.match(srv.heads[0], /connection: close/);
    await until(() => srv.sockets.size === 0);
    t.checker.close();
    await close(srv.server, srv.sockets);
  });

  it('stops checking a host removed from the cluster', async () => {
    const srv = await httpServer(() => 200);
    const t = setup(config({ http_health_check: { path: '/' } }), srv.port);
    t.checker.setHosts([t.host]);
    await until(() => t.stat('success') === 1);
    t.checker.setHosts([]);
    t.clock.advance(60_000);
    assert.equal(t.stat('attempt'), 1);
    await until(() => srv.sockets.size === 0);
    t.checker.close();
    await close(srv.server, srv.sockets);
  });
});

describe('TCP health checks', () => {
  it('sends the hex payload and passes when every expected block arrives in order', async () => {
    const sockets = new Set<Socket>();
    let reply = 'PONG';
    const server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('data', (d) => {
        if (d.toString() === 'PING') {
          s.write(reply.slice(0, 2));
          s.write(reply.slice(2));
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const hex = (s: string) => Buffer.from(s).toString('hex');
    const t = setup(config({ tcp_health_check: { send: { text: hex('PING') }, receive: [{ text: hex('PO') }, { text: hex('NG') }] }, unhealthy_threshold: { value: 1 } }), port);
    t.checker.setHosts([t.host]);
    await until(() => t.stat('success') === 1);
    assert.equal(t.host.healthy, true);
    reply = 'NOPE';
    t.clock.advance(5000);
    await until(() => sockets.size > 0);
    t.clock.advance(1000);
    assert.equal(t.stat('network_failure'), 1);
    assert.equal(t.host.healthy, false);
    t.checker.close();
    await close(server, sockets);
  });

  it('with no payloads, a connection that opens is a pass and a refused one a failure', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const t = setup(config({ tcp_health_check: {}, unhealthy_threshold: { value: 1 }, reuse_connection: { value: false } }), port);
    t.checker.setHosts([t.host]);
    await until(() => t.stat('success') === 1);
    assert.equal(t.host.healthy, true);
    await close(server, sockets);
    assert.equal(t.stat('failure'), 0, 'an idle connection closing is not a failed check');
    t.clock.advance(5000);
    await until(() => t.stat('network_failure') === 1);
    assert.equal(t.host.healthy, false);
    t.checker.close();
  });
});

describe('health check config', () => {
  it('rejects missing required fields and bad ranges with field paths', () => {
    const r = parseHealthChecks([{ http_health_check: { path: '', expected_statuses: [{ start: '300', end: '200' }] } }, { timeout: sec(1), interval: sec(1), unhealthy_threshold: { value: 1 }, healthy_threshold: { value: 1 }, grpc_health_check: {} }], ['health_checks']);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.errors, [
      'health_checks[0].timeout: value is required',
      'health_checks[0].interval: value is required',
      'health_checks[0].unhealthy_threshold: value is required',
      'health_checks[0].healthy_threshold: value is required',
      'health_checks[0].http_health_check.path: value length must be at least 1 characters',
      'health_checks[0].http_health_check.expected_statuses[0]: Invalid http expected status range: expecting start < end, but found start=300 and end=200',
      "health_checks[1].grpc_health_check: grpc_health_check is not supported by Skiff's proxy",
    ]);
  });

  it('defaults: expected [200, 201), no_traffic_interval 60 s, edge intervals from interval, connection reuse', () => {
    const c = config({ http_health_check: { path: '/' } });
    assert.deepEqual((c.checker as { expectedStatuses: unknown }).expectedStatuses, [[200, 201]]);
    assert.equal(c.noTrafficIntervalMs, 60_000);
    assert.equal(c.unhealthyIntervalMs, 5000);
    assert.equal(c.healthyEdgeIntervalMs, 5000);
    assert.equal(c.reuseConnection, true);
  });
});

describe('health checks in a cluster', () => {
  it('keeps a failing host out of the picker and shows /failed_active_hc and health_check stats in admin', async () => {
    const good = await httpServer(() => 200);
    const bad = await httpServer(() => 500);
    const clock = new FakeClock(0);
    const stats = new StatsRegistry();
    const cm = new ClusterManager({ clock, random: seededRandom(1), stats });
    const r = parseCluster({
      name: 'web', type: 'STATIC', connect_timeout: sec(1),
      load_assignment: { cluster_name: 'web', endpoints: [{ lb_endpoints: [good.port, bad.port].map((port) => ({ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } })) }] },
      health_checks: [{ timeout: sec(1), interval: sec(5), unhealthy_threshold: { value: 2 }, healthy_threshold: { value: 2 }, http_health_check: { path: '/ready' } }],
    });
    if (!r.ok) throw new Error(r.errors.join());
    const entry = { name: 'web', config: r.value, wire: {}, version: '1', lastUpdatedMs: 0 };
    cm.onSnapshot({ listeners: new Map(), routes: new Map(), warmingListeners: new Map(), warmingClusters: new Map(), initialized: true, clusters: new Map([['web', entry]]), endpoints: new Map() });
    const hcStat = (s: string) => stats.metrics().find((m) => m.stat.name === `cluster.web.health_check.${s}`)?.value;
    await until(() => hcStat('attempt') === 2 && (hcStat('success') ?? 0) + (hcStat('failure') ?? 0) === 2);
    const cluster = cm.get('web')!; // routable once its first round of checks is done
    for (let i = 0; i < 20; i++) assert.equal(cluster.picker.pick(null)!.port, good.port);
    const text = formatClustersText({ ...entrySnapshot(entry) }, { adsClusterName: 'xds-grpc', adsAddress: { host: '127.0.0.1', port: 15010 } } as BootstrapConfig, (c, a) => cm.hostStats(c, a));
    assert.match(text, new RegExp(`web::127\\.0\\.0\\.1:${bad.port}::health_flags::/failed_active_hc\\n`));
    assert.match(text, new RegExp(`web::127\\.0\\.0\\.1:${good.port}::health_flags::healthy\\n`));
    assert.equal(hcStat('healthy'), 1);
    cm.close();
    await close(good.server, good.sockets);
    await close(bad.server, bad.sockets);
  });
});

describe('an updated cluster with health checks warms first', () => {
  it('is not routable while new, and keeps the old version serving when updated, until every host had its first check', async () => {
    let hcStatus: number | 'hang' = 'hang';
    const srv = await httpServer(() => hcStatus);
    const cm = new ClusterManager({ clock: new FakeClock(0), random: seededRandom(1), stats: new StatsRegistry() });
    const version = (n: string, hc: boolean) => {
      const r = parseCluster({
        name: 'web', type: 'STATIC', connect_timeout: sec(1),
        load_assignment: { cluster_name: 'web', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: srv.port } } } }] }] },
        ...(hc ? { health_checks: [{ timeout: sec(1), interval: sec(5), unhealthy_threshold: { value: 2 }, healthy_threshold: { value: 2 }, http_health_check: { path: '/ready' } }] } : {}),
      });
      if (!r.ok) throw new Error(r.errors.join());
      return { name: 'web', config: r.value, wire: {}, version: n, lastUpdatedMs: 0 };
    };
    cm.onSnapshot(entrySnapshot(version('0', true)));
    await until(() => srv.heads.length === 1);
    assert.equal(cm.get('web'), undefined, 'a new cluster is warming: not routable');
    srv.sockets.forEach((s) => s.destroy()); // a failed first check completes the round too
    await until(() => cm.get('web') !== undefined);
    assert.equal(cm.get('web')!.prioritySet.allHosts[0].healthy, false);
    srv.heads.length = 0;
    cm.onSnapshot(entrySnapshot(version('1', false)));
    const v1 = cm.get('web')!;
    cm.onSnapshot(entrySnapshot(version('2', true)));
    await until(() => srv.heads.length === 1); // the first check is in flight, unanswered
    assert.equal(cm.get('web'), v1, 'the old version serves while the new one warms');
    assert.equal(cm.warmingClusterCount, 1);
    hcStatus = 200;
    srv.sockets.forEach((s) => s.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
    await until(() => cm.get('web') !== v1);
    assert.equal(cm.warmingClusterCount, 0);
    assert.equal(cm.get('web')!.prioritySet.allHosts[0].healthy, true);
    cm.close();
    await close(srv.server, srv.sockets);
  });
});

function entrySnapshot(entry: ResourceEntry<ClusterConfig>): XdsSnapshot {
  return { listeners: new Map(), routes: new Map(), warmingListeners: new Map(), warmingClusters: new Map(), initialized: true, clusters: new Map([[entry.name, entry]]), endpoints: new Map() };
}
