/**
 * Envoy's use_original_dst hand-off, driven through local capture's CONNECT
 * front so each connection carries the original destination it names:
 * the listener bound to exactly that address:port wins, then 0.0.0.0:port,
 * else virtualOutbound's own chains, where destination_port matches the
 * original destination's port (not 15001).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { FakeClock, seededRandom } from '@skiff/common';
import { FakeControlPlane } from '@skiff/testing';
import { buildBootstrap } from '../src/bootstrap/index.ts';
import { ProxyServer } from '../src/proxy-server.ts';
import { until } from './harness.ts';

const POD_IP = `127.1.${10 + (process.pid % 200)}.66`;

/** A TCP server that greets with its name and closes. */
async function greeter(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer((s) => s.end(name));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server };
}

/** CONNECT host:port through virtualOutbound; what the tunnel's far end says. */
function tunnel(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: POD_IP, port: 15001 });
    let text = '';
    s.setEncoding('latin1');
    s.on('data', (c: string) => (text += c));
    s.on('close', () => resolve(text.replace('HTTP/1.1 200 Connection established\r\n\r\n', '')));
    s.on('error', reject);
    s.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  });
}

describe('use_original_dst hand-off', () => {
  const greeters: Server[] = [];
  let plane: FakeControlPlane;
  let proxy: ProxyServer;

  before(async () => {
    const names = ['exact', 'wildcard', 'by-port', 'catch-all'];
    const ports: Record<string, number> = {};
    for (const n of names) {
      const g = await greeter(n);
      greeters.push(g.server);
      ports[n] = g.port;
    }
    const cluster = (n: string): WireMessage => ({
      name: n, type: 'STATIC', connect_timeout: { seconds: '1' },
      load_assignment: { cluster_name: n, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: ports[n] } } } }] }] },
    });
    const tcp = (n: string) => [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': TypeUrl.TcpProxy, stat_prefix: n, cluster: n } }];
    const unbound = (name: string, address: string, port: number, to: string): WireMessage => ({
      name, address: { socket_address: { address, port_value: port } }, bind_to_port: { value: false }, filter_chains: [{ filters: tcp(to) }],
    });
    plane = await FakeControlPlane.start();
    const bootstrap = buildBootstrap({ proxyType: 'sidecar', ip: POD_IP, podName: 'p', namespace: 'default', xdsAddress: plane.address });
    if (!bootstrap.ok) throw new Error(bootstrap.errors.join());
    proxy = new ProxyServer({ bootstrap: bootstrap.value, clock: new FakeClock(0), random: seededRandom(2), admin: false, localCapture: { podIp: POD_IP, appIp: POD_IP.replace('127.1.', '127.2.') } });
    await proxy.start();
    const c = plane.setResources(TypeUrl.Cluster, names.map(cluster));
    const l = plane.setResources(TypeUrl.Listener, [
      {
        name: 'virtualOutbound', address: { socket_address: { address: '0.0.0.0', port_value: 15001 } }, use_original_dst: { value: true },
        filter_chains: [{ filter_chain_match: { destination_port: { value: 7777 } }, filters: tcp('by-port') }, { filters: tcp('catch-all') }],
      },
      unbound('0.0.0.0_80', '0.0.0.0', 80, 'wildcard'), // listed first: the exact address must still win
      unbound('10.96.0.5_80', '10.96.0.5', 80, 'exact'),
    ]);
    await plane.waitForAck(TypeUrl.Cluster, c);
    await plane.waitForAck(TypeUrl.Listener, l);
    await until(() => proxy.listeners.address('virtualOutbound') !== null, 'virtualOutbound to bind');
  });

  after(async () => {
    await proxy?.close();
    await plane?.stop();
    await Promise.all(greeters.map((g) => new Promise((r) => g.close(r))));
  });

  it('prefers the listener on exactly the original address:port', async () => {
    assert.equal(await tunnel('10.96.0.5:80'), 'exact');
  });

  it('falls back to the 0.0.0.0 listener of the port', async () => {
    assert.equal(await tunnel('10.96.0.6:80'), 'wildcard');
    assert.equal(await tunnel('reviews:80'), 'wildcard');
  });

  it("keeps connections without a listener on virtualOutbound, whose chains match the original destination's port", async () => {
    assert.equal(await tunnel('10.96.0.6:7777'), 'by-port');
    assert.equal(await tunnel('10.96.0.6:81'), 'catch-all');
  });

  it('shuts down with a client connected to virtualOutbound that never sent a request', async () => {
    const idle = connect({ host: POD_IP, port: 15001 });
    await new Promise((r) => idle.once('connect', r));
    const closed = new Promise((r) => idle.once('close', r));
    await proxy.close();
    await closed;
    assert.equal(proxy.listeners.address('virtualOutbound'), null);
  });
});
