import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { TypeUrl } from '@skiff/api';
import { parseListener } from '../../xds-client/index.ts';
import type { ListenerConfig, SocketAddress } from '../../xds-client/types.ts';
import { InboundCapture, inboundCapturePorts } from './inbound-capture.ts';

const POD_IP = `127.1.${200 + (process.pid % 50)}.9`;

function virtualInbound(ports: number[]): ListenerConfig {
  const tcp = (cluster: string) => [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': TypeUrl.TcpProxy, stat_prefix: cluster, cluster } }];
  const r = parseListener({
    name: 'virtualInbound',
    address: { socket_address: { address: '0.0.0.0', port_value: 15006 } },
    filter_chains: [
      { name: 'virtualInbound-blackhole', filter_chain_match: { destination_port: { value: 15006 } }, filters: tcp('BlackHoleCluster') },
      { name: 'virtualInbound', filters: tcp('InboundPassthroughCluster') },
      ...ports.map((p) => ({ name: `0.0.0.0_${p}`, filter_chain_match: { destination_port: { value: p } }, filters: tcp(`inbound|${p}||`) })),
    ],
  });
  if (!r.ok) throw new Error(r.errors.join());
  return r.value;
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
    const s = createServer();
    s.listen(0, POD_IP, () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function dial(port: number): Promise<'accepted' | 'refused'> {
  return new Promise((resolve) => {
    const s = connect({ host: POD_IP, port });
    s.once('data', () => {
      s.destroy();
      resolve('accepted');
    });
    s.once('error', () => resolve('refused'));
  });
}

describe('inbound capture on the pod IP', () => {
  const handed: { listener: string; dst: SocketAddress }[] = [];
  const capture = new InboundCapture({
    podIp: POD_IP,
    handOff: (listener: string, socket: Socket, dst: SocketAddress) => {
      handed.push({ listener, dst });
      socket.end('hi');
      return true;
    },
    log: () => {},
  });
  after(() => capture.close());

  it("captures the ports virtualInbound's chains match on, not the proxy's own", () => {
    assert.deepEqual(inboundCapturePorts(virtualInbound([9080, 7070, 15020])), [7070, 9080]);
    assert.deepEqual(inboundCapturePorts(undefined), []);
  });

  it('binds POD_IP:port per chain port and hands connections to virtualInbound with that original destination; follows LDS updates', async () => {
    const [a, b] = await freePorts(2);
    capture.update(virtualInbound([a]));
    await capture.settled();
    assert.deepEqual(capture.ports, [a]);
    assert.equal(await dial(a), 'accepted');
    assert.deepEqual(handed.at(-1), { listener: 'virtualInbound', dst: { address: POD_IP, port: a } });
    assert.equal(await dial(b), 'refused');

    capture.update(virtualInbound([b])); // a removed, b added
    await capture.settled();
    assert.deepEqual(capture.ports, [b]);
    assert.equal(await dial(b), 'accepted');
    assert.deepEqual(handed.at(-1)!.dst, { address: POD_IP, port: b });
    assert.equal(await dial(a), 'refused');

    capture.update(undefined); // virtualInbound gone
    await capture.settled();
    assert.deepEqual(capture.ports, []);
    assert.equal(await dial(b), 'refused');
  });

  it('logs and skips a port it cannot bind (something else holds it) without failing the others', async () => {
    const [free] = await freePorts(1);
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, POD_IP, r));
    const held = (holder.address() as AddressInfo).port;
    const lines: string[] = [];
    const other = new InboundCapture({ podIp: POD_IP, handOff: (_l, s) => (s.end('x'), true), log: (l) => lines.push(l) });
    other.update(virtualInbound([free, held]));
    await other.settled();
    assert.deepEqual(other.ports, [free]);
    assert.match(lines.join('\n'), new RegExp(`cannot bind ${POD_IP.replaceAll('.', '\\.')}:${held} for virtualInbound`));
    await other.close();
    await new Promise((r) => holder.close(r));
  });
});
