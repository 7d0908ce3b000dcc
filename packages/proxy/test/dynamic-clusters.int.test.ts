/**
 * Clusters whose hosts are known only at run time, through a whole proxy fed
 * by the fake control plane: STRICT_DNS and LOGICAL_DNS (an injected
 * resolver for made-up names, the system's for `localhost`) and
 * ORIGINAL_DST with use_http_header and upstream_bind_config.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { FakeClock, seededRandom } from '@skiff/common';
import { FakeControlPlane } from '@skiff/testing';
import { buildBootstrap } from '../src/bootstrap/index.ts';
import { ProxyServer } from '../src/proxy-server.ts';
import { systemDnsResolver, type DnsRecord, type DnsResolver } from '../src/upstream/dns/index.ts';
import { listener, until } from './harness.ts';

interface Upstream { name: string; port: number; remotes: string[]; stop(): Promise<void> }

async function upstream(name: string, host: string, port = 0): Promise<Upstream> {
  const remotes: string[] = [];
  const server = http.createServer((req, res) => {
    remotes.push(req.socket.remoteAddress ?? '');
    req.resume();
    req.on('end', () => res.end(name));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    name, remotes, port: (server.address() as AddressInfo).port,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Two upstreams on one port of two loopback addresses (what a name with two A records points at). */
async function pair(): Promise<[Upstream, Upstream]> {
  for (;;) {
    const a = await upstream('a', '127.0.0.2');
    const b = await upstream('b', '127.0.0.3', a.port).catch(() => undefined);
    if (b) return [a, b];
    await a.stop();
  }
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { host: 'svc', ...headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('run-time clusters through the proxy: STRICT_DNS, LOGICAL_DNS, ORIGINAL_DST', () => {
  const names = new Map<string, DnsRecord[]>();
  /** While set, answers for made-up names wait for it (a slow DNS server). */
  let gate: Promise<void> | undefined;
  const resolver: DnsResolver = {
    async resolve(name, family) {
      if (name === 'localhost') return systemDnsResolver.resolve(name, family);
      if (gate) await gate;
      return family === 4 ? names.get(name) ?? [] : [];
    },
  };
  let clusters: WireMessage[] = [];
  const logs: string[] = [];
  let plane: FakeControlPlane;
  let proxy: ProxyServer;
  let clock: FakeClock;
  let a: Upstream;
  let b: Upstream;
  let local: Upstream;
  let port = 0;

  before(async () => {
    [a, b] = await pair();
    local = await upstream('local', '127.0.0.1');
    names.set('reviews.test', [{ address: '127.0.0.2' }, { address: '127.0.0.3' }]);
    plane = await FakeControlPlane.start();
    const bootstrap = buildBootstrap({ proxyType: 'sidecar', ip: '127.0.0.1', podName: 'p', namespace: 'default', xdsAddress: plane.address });
    if (!bootstrap.ok) throw new Error(bootstrap.errors.join());
    clock = new FakeClock(Date.UTC(2025, 0, 1));
    proxy = new ProxyServer({ bootstrap: bootstrap.value, clock, random: seededRandom(5), admin: false, dnsResolver: resolver, log: (l) => logs.push(l) });
    await proxy.start();
    const assignment = (name: string, host: string, p: number) => ({ cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: p } } } }] }] });
    clusters = [
      { name: 'strict', type: 'STRICT_DNS', dns_lookup_family: 'V4_ONLY', connect_timeout: { seconds: '1' }, load_assignment: assignment('strict', 'reviews.test', a.port) },
      { name: 'logical', type: 'LOGICAL_DNS', dns_lookup_family: 'V4_ONLY', connect_timeout: { seconds: '1' }, load_assignment: assignment('logical', 'localhost', local.port) },
      { name: 'by-header', type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', connect_timeout: { seconds: '1' }, original_dst_lb_config: { use_http_header: true } },
      { name: 'bound', type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', connect_timeout: { seconds: '1' }, original_dst_lb_config: { use_http_header: true }, upstream_bind_config: { source_address: { address: '127.0.0.6', port_value: 0 } } },
      { name: 'unbindable', type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', connect_timeout: { seconds: '1' }, original_dst_lb_config: { use_http_header: true }, upstream_bind_config: { source_address: { address: '192.0.2.77', port_value: 0 } } },
    ];
    const route = (prefix: string, cluster: string) => ({ match: { prefix }, route: { cluster } });
    const routes: WireMessage[] = [{
      name: 'r',
      virtual_hosts: [{ name: 'all', domains: ['*'], routes: [route('/strict', 'strict'), route('/logical', 'logical'), route('/header', 'by-header'), route('/bound', 'bound'), route('/unbindable', 'unbindable')] }],
    }];
    const acks = [plane.setResources(TypeUrl.Cluster, clusters), plane.setResources(TypeUrl.Listener, [listener('l', 'r')]), plane.setResources(TypeUrl.RouteConfiguration, routes)];
    await plane.waitForAck(TypeUrl.Cluster, acks[0]);
    await plane.waitForAck(TypeUrl.Listener, acks[1]);
    await plane.waitForAck(TypeUrl.RouteConfiguration, acks[2]);
    await until(() => proxy.listeners.address('l') !== null && proxy.clusters.get('unbindable') !== undefined, 'the listener and clusters');
    await Promise.all(proxy.clusters.clusters.map((c) => c.initialized));
    port = proxy.listeners.address('l')!.port;
  });

  after(async () => {
    await proxy?.close();
    await plane?.stop();
    await Promise.all([a?.stop(), b?.stop(), local?.stop()]);
  });

  it('STRICT_DNS balances over every address the name resolves to', async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 6; i++) bodies.add((await get(port, '/strict')).body);
    assert.deepEqual([...bodies].sort(), ['a', 'b']);
    assert.deepEqual(proxy.clusters.get('strict')!.prioritySet.allHosts.map((h) => `${h.key} ${h.hostname}`), [`127.0.0.2:${a.port} reviews.test`, `127.0.0.3:${a.port} reviews.test`]);
  });

  it('STRICT_DNS follows a changed answer at the next refresh', async () => {
    names.set('reviews.test', [{ address: '127.0.0.3' }]);
    clock.advance(5000);
    await until(() => proxy.clusters.get('strict')!.prioritySet.allHosts.length === 1, 'the re-resolution');
    for (let i = 0; i < 4; i++) assert.equal((await get(port, '/strict')).body, 'b');
  });

  it('an updated STRICT_DNS cluster serves the hosts it had until its first resolution', async () => {
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    const updated = clusters.map((c) => (c.name === 'strict' ? { ...c, dns_refresh_rate: { seconds: '10' } } : c));
    await plane.waitForAck(TypeUrl.Cluster, plane.setResources(TypeUrl.Cluster, updated));
    await until(() => proxy.clusters.get('strict')!.config.discovery.dns!.refreshRateMs === 10_000, 'the new cluster');
    assert.deepEqual(await get(port, '/strict'), { status: 200, body: 'b' }, 'no gap while the name resolves');
    gate = undefined;
    release();
    await proxy.clusters.get('strict')!.initialized;
    assert.deepEqual(await get(port, '/strict'), { status: 200, body: 'b' });
  });

  it('LOGICAL_DNS reaches localhost through the system resolver', async () => {
    const r = await get(port, '/logical');
    assert.deepEqual(r, { status: 200, body: 'local' });
    assert.deepEqual(proxy.clusters.get('logical')!.prioritySet.allHosts.map((h) => h.key), [`127.0.0.1:${local.port}`]);
  });

  it('ORIGINAL_DST with use_http_header goes to x-envoy-original-dst-host; without a usable one, 503 no healthy upstream', async () => {
    assert.deepEqual(await get(port, '/header', { 'x-envoy-original-dst-host': `127.0.0.1:${local.port}` }), { status: 200, body: 'local' });
    const bad = await get(port, '/header', { 'x-envoy-original-dst-host': 'not-an-ip:80' });
    assert.deepEqual(bad, { status: 503, body: 'no healthy upstream' });
    assert.deepEqual(proxy.clusters.get('by-header')!.prioritySet.allHosts.map((h) => h.key), [`127.0.0.1:${local.port}`]);
  });

  it('ORIGINAL_DST hosts go away after cleanup_interval without use', async () => {
    clock.advance(5000);
    clock.advance(5000);
    assert.deepEqual(proxy.clusters.get('by-header')!.prioritySet.allHosts, []);
  });

  it('dials from upstream_bind_config.source_address, and without it (logged) when it cannot be bound here', async () => {
    assert.deepEqual(await get(port, '/bound', { 'x-envoy-original-dst-host': `127.0.0.1:${local.port}` }), { status: 200, body: 'local' });
    assert.equal(local.remotes.at(-1), '127.0.0.6');
    assert.deepEqual(await get(port, '/unbindable', { 'x-envoy-original-dst-host': `127.0.0.1:${local.port}` }), { status: 200, body: 'local' });
    assert.equal(local.remotes.at(-1), '127.0.0.1');
    assert.ok(logs.some((l) => l === 'cluster unbindable: upstream_bind_config source address 192.0.2.77 cannot be bound here; connecting without it'), logs.join('\n'));
  });
});
