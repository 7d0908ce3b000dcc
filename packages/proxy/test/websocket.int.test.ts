import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { assignment, edsCluster, listener, startHarness, until, type Harness } from './harness.ts';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const accept = (key: string): string => createHash('sha1').update(key + GUID).digest('base64');

/** One RFC 6455 frame (FIN, opcode text), masked when a client sends it. */
function frame(payload: Buffer, masked: boolean): Buffer {
  const head = Buffer.from([0x81, (masked ? 0x80 : 0) | payload.length]);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = Buffer.from([1, 2, 3, 4]);
  return Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]))]);
}

/** Decodes one complete frame from the start of `buf`, or null if more bytes are needed. */
function parseFrame(buf: Buffer): { payload: Buffer; rest: Buffer } | null {
  if (buf.length < 2) return null;
  const masked = (buf[1] & 0x80) !== 0;
  const len = buf[1] & 0x7f; // tests stay under 126 bytes
  const start = 2 + (masked ? 4 : 0);
  if (buf.length < start + len) return null;
  let payload = buf.subarray(start, start + len);
  if (masked) {
    const mask = buf.subarray(2, 6);
    payload = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  }
  return { payload, rest: buf.subarray(start + len) };
}

function wsListener(name: string, upgradeConfigs: unknown[] | undefined): WireMessage {
  const l = listener(name, 'r', { statPrefix: name }) as { filter_chains: { filters: { typed_config: Record<string, unknown> }[] }[] };
  if (upgradeConfigs !== undefined) l.filter_chains[0].filters[0].typed_config.upgrade_configs = upgradeConfigs;
  return l as unknown as WireMessage;
}

/** Opens a WebSocket through `port`; resolves with the 101 head and a socket reader. */
async function open(port: number): Promise<{ status: number; head: string; socket: net.Socket; next: () => Promise<string> }> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const key = Buffer.from('0123456789abcdef').toString('base64');
  socket.write(`GET /chat HTTP/1.1\r\nHost: ws.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  let buf: Buffer = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  socket.on('data', (c: Buffer) => {
    buf = Buffer.concat([buf, c]);
    for (const w of waiters.splice(0)) w();
  });
  const more = () => new Promise<void>((r) => waiters.push(r));
  while (!buf.includes('\r\n\r\n') && !socket.destroyed) await Promise.race([more(), once(socket, 'close')]);
  const end = buf.indexOf('\r\n\r\n');
  const head = buf.subarray(0, end).toString('latin1');
  buf = buf.subarray(end + 4);
  if (head.startsWith('HTTP/1.1 101')) assert.match(head, new RegExp(`sec-websocket-accept: ${accept(key).replace(/[+/]/g, '\\$&')}`, 'i'));
  return {
    status: Number(head.split(' ')[1]),
    head,
    socket,
    async next() {
      for (;;) {
        const f = parseFrame(buf);
        if (f !== null) {
          buf = f.rest;
          return f.payload.toString();
        }
        await more();
      }
    },
  };
}

describe('WebSocket upgrade through the proxy (HTTP/1.1 Upgrade, upgrade_configs)', () => {
  let h: Harness;
  let upstream: http.Server;
  let upgrades = 0;

  before(async () => {
    upstream = http.createServer((_req, res) => res.end('plain'));
    upstream.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      upgrades++;
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(String(req.headers['sec-websocket-key']))}\r\n\r\n`);
      // The server speaks first, then echoes every frame back upper-cased.
      socket.write(frame(Buffer.from('welcome'), false));
      let buf: Buffer = head;
      const onData = (c: Buffer): void => {
        buf = Buffer.concat([buf, c]);
        for (let f = parseFrame(buf); f !== null; f = parseFrame(buf)) {
          buf = f.rest;
          socket.write(frame(Buffer.from(f.payload.toString().toUpperCase()), false));
        }
      };
      socket.on('data', onData);
      onData(Buffer.alloc(0));
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    h = await startHarness();
    await h.push({
      clusters: [edsCluster('ws')],
      endpoints: [assignment('ws', [{ host: '127.0.0.1', port: (upstream.address() as AddressInfo).port }])],
      listeners: [wsListener('ws_on', [{ upgrade_type: 'websocket' }]), wsListener('ws_off', undefined)],
      routes: [{ name: 'r', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'ws' } }] }] }],
    });
  });

  after(async () => {
    await h.close();
    upstream.closeAllConnections();
    upstream.close();
  });

  it('forwards the upgrade when upgrade_configs allows websocket, then carries frames both ways', async () => {
    const ws = await open(h.port('ws_on'));
    try {
      assert.equal(ws.status, 101);
      assert.match(ws.head, /^upgrade: websocket$/im);
      assert.equal(await ws.next(), 'welcome');
      ws.socket.write(frame(Buffer.from('hello'), true));
      assert.equal(await ws.next(), 'HELLO');
      ws.socket.write(Buffer.concat([frame(Buffer.from('one'), true), frame(Buffer.from('two'), true)]));
      assert.equal(await ws.next(), 'ONE');
      assert.equal(await ws.next(), 'TWO');
    } finally {
      ws.socket.destroy();
    }
    await until(() => h.proxy.stats.counter('http.ws_on.downstream_rq_completed').value === 1, 'the tunnel to close and the request to complete');
  });

  it('refuses an upgrade no upgrade_configs entry allows with 403, without reaching the upstream', async () => {
    const before = upgrades;
    const ws = await open(h.port('ws_off'));
    ws.socket.destroy();
    assert.equal(ws.status, 403);
    assert.equal(upgrades, before);
  });
});
