import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { FakeClock, systemClock, type Clock } from '@skiff/common';
import { Forwarder, type ForwarderOptions } from './forwarder.ts';

async function listen(server: net.Server | http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function stop(server: net.Server | http.Server): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

/** An echo upstream that counts its TCP connections. */
function echoUpstream() {
  const state = { connections: 0 };
  const server = http.createServer((req, res) => {
    if (req.url === '/close') res.setHeader('connection', 'close');
    if (req.url === '/empty') {
      res.statusCode = 204;
      res.end();
      return;
    }
    res.setHeader('x-method', req.method ?? '');
    res.setHeader('x-url', req.url ?? '');
    req.pipe(res);
  });
  server.on('connection', () => state.connections++);
  return { server, state };
}

async function startForwarder(upstreamPort: number, extra: Partial<ForwarderOptions> = {}, clock: Clock = systemClock) {
  const fw = new Forwarder({ clock, upstream: { host: '127.0.0.1', port: upstreamPort }, ...extra });
  const { port } = await fw.listen(0, '127.0.0.1');
  return { fw, port };
}

function request(port: number, opts: http.RequestOptions & { body?: Buffer | string }, agent?: http.Agent) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, agent: agent ?? false, ...opts }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Sends raw bytes and collects everything until the proxy closes the connection. */
async function rawExchange(port: number, data: string): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  socket.write(data);
  const parts: Buffer[] = [];
  socket.on('data', (c: Buffer) => parts.push(c));
  await once(socket, 'close');
  return Buffer.concat(parts).toString('latin1');
}

describe('Forwarder with a real echo upstream', () => {
  const up = echoUpstream();
  let fw: Forwarder;
  let port = 0;
  before(async () => {
    const upPort = await listen(up.server);
    ({ fw, port } = await startForwarder(upPort));
  });
  after(async () => {
    await fw.close();
    await stop(up.server);
  });

  it('reuses one upstream connection for sequential requests (keep-alive)', async () => {
    const before = up.state.connections;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 20; i++) {
      const res = await request(port, { method: 'POST', path: `/r${i}`, body: `body-${i}` }, agent);
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-url'], `/r${i}`);
      assert.equal(res.body.toString(), `body-${i}`);
    }
    agent.destroy();
    assert.equal(up.state.connections - before, 1);
    assert.equal(fw.pool.stats.upstream_cx_total, 1);
  });

  it('opens a new upstream connection after the upstream answered Connection: close', async () => {
    const before = up.state.connections;
    await request(port, { path: '/close' });
    await request(port, { path: '/after' });
    assert.equal(up.state.connections - before, 1);
  });

  it('streams a 16 MiB chunked request body through and back unchanged', async () => {
    const body = Buffer.alloc(16 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 4096) body.writeUInt32BE(i, i);
    const res = await request(port, { method: 'PUT', path: '/big', headers: { 'transfer-encoding': 'chunked' }, body });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, body.length);
    assert.ok(res.body.equals(body));
  });

  it('answers HEAD and 204 without a body and keeps the connection usable', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const head = await request(port, { method: 'HEAD', path: '/h' }, agent);
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    const empty = await request(port, { path: '/empty' }, agent);
    assert.equal(empty.status, 204);
    const next = await request(port, { method: 'POST', path: '/n', body: 'x' }, agent);
    assert.equal(next.body.toString(), 'x');
    agent.destroy();
  });

  it('answers Expect: 100-continue itself and then forwards the body', async () => {
    const out = await rawExchange(port, 'POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc');
    assert.match(out, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    assert.match(out, /\r\n\r\n3\r\nabc\r\n0\r\n\r\n$/);
  });

  it('answers pipelined requests in order on one connection', async () => {
    const out = await rawExchange(port, 'GET /p1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /p2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhiGET /p3 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    const urls = [...out.matchAll(/x-url: (\S+)/g)].map((m) => m[1]);
    assert.deepEqual(urls, ['/p1', '/p2', '/p3']);
  });

  it('answers a malformed request 400 Bad Request and closes the connection', async () => {
    const out = await rawExchange(port, 'GET / HTTP/1.1\r\nHost : h\r\n\r\n');
    assert.match(out, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(out, /connection: close\r\n/);
    assert.match(out, /\r\n\r\nBad Request$/);
  });

  it('answers 431 when request headers exceed 60 KiB', async () => {
    const out = await rawExchange(port, `GET / HTTP/1.1\r\nHost: h\r\nX-Big: ${'a'.repeat(61 * 1024)}\r\n\r\n`);
    assert.match(out, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });

  it('holds back a fast upstream when the downstream client stops reading, and delivers everything later', async () => {
    const total = 64 * 1024 * 1024;
    let written = 0;
    let blocked: (() => void) | null = null;
    const producer = http.createServer((_req, res) => {
      res.setHeader('content-length', String(total));
      const chunk = Buffer.alloc(64 * 1024, 7);
      const pump = (): void => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) {
            blocked?.();
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const p = await startForwarder(await listen(producer));
    const client = net.connect(p.port, '127.0.0.1');
    client.pause();
    client.write('GET /stream HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    // Wait until the upstream waits for 'drain', then until it stops making progress (real sockets settle).
    await new Promise<void>((r) => (blocked = r));
    let writtenWhilePaused = -1;
    while (writtenWhilePaused !== written) {
      writtenWhilePaused = written;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(writtenWhilePaused < total / 2, `upstream wrote ${writtenWhilePaused} of ${total} bytes with the client paused`);
    let received = 0;
    client.on('data', (c: Buffer) => (received += c.length));
    client.resume();
    await once(client, 'close');
    assert.ok(received > total);
    await p.fw.close();
    await stop(producer);
  });

  it('holds back a fast client when the upstream stops reading the request body', async () => {
    let upstreamReq: http.IncomingMessage | null = null;
    const gotRequest = Promise.withResolvers<void>();
    const sink = http.createServer((req, res) => {
      upstreamReq = req;
      req.pause();
      gotRequest.resolve();
      req.on('end', () => res.end('done'));
    });
    const p = await startForwarder(await listen(sink));
    const client = net.connect(p.port, '127.0.0.1');
    const total = 64 * 1024 * 1024;
    client.write(`POST /slow HTTP/1.1\r\nHost: h\r\nContent-Length: ${total}\r\nConnection: close\r\n\r\n`);
    await gotRequest.promise;
    const chunk = Buffer.alloc(256 * 1024, 1);
    let sent = 0;
    const pump = async () => {
      while (sent < total) {
        sent += chunk.length;
        if (!client.write(chunk)) await once(client, 'drain');
      }
    };
    const pumping = pump();
    // The client's writes stop draining while the upstream is paused (real sockets settle first).
    let sentWhilePaused = -1;
    while (sentWhilePaused !== sent) {
      sentWhilePaused = sent;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(sentWhilePaused < total / 2, `client got ${sentWhilePaused} of ${total} bytes out with the upstream paused`);
    upstreamReq!.resume();
    const parts: Buffer[] = [];
    client.on('data', (c: Buffer) => parts.push(c));
    await pumping;
    await once(client, 'close');
    assert.match(Buffer.concat(parts).toString(), /\r\n\r\ndone$/);
    await p.fw.close();
    await stop(sink);
  });
});

describe('Forwarder failure replies (Envoy wording)', () => {
  it('answers 503 "reset reason: connection termination" when the upstream closes before headers', async () => {
    const rude = net.createServer((s) => s.once('data', () => s.destroy()));
    const flags: string[] = [];
    const p = await startForwarder(await listen(rude), { onResponseFlag: (f) => flags.push(f) });
    const res = await request(p.port, { path: '/' });
    assert.equal(res.status, 503);
    assert.equal(res.body.toString(), 'upstream connect error or disconnect/reset before headers. reset reason: connection termination');
    assert.deepEqual(flags, ['UC']);
    await p.fw.close();
    await stop(rude);
  });

  it('answers 503 "reset reason: connection failure" (UF) when the upstream refuses connections', async () => {
    const closed = net.createServer();
    const deadPort = await listen(closed);
    await stop(closed);
    const flags: string[] = [];
    const p = await startForwarder(deadPort, { onResponseFlag: (f) => flags.push(f) });
    const res = await request(p.port, { path: '/' });
    assert.equal(res.status, 503);
    assert.equal(res.body.toString(), 'upstream connect error or disconnect/reset before headers. reset reason: connection failure');
    assert.deepEqual(flags, ['UF']);
    await p.fw.close();
  });

  it('answers 503 "reset reason: connection timeout" when connecting outlasts connect_timeout on the clock', async () => {
    const clock = new FakeClock(1_000);
    const p = await startForwarder(1, { pool: { connectTimeoutMs: 250, connect: () => new net.Socket() } }, clock);
    const pending = request(p.port, { path: '/' });
    while (p.fw.pool.connectionCount === 0) await new Promise((r) => setImmediate(r));
    clock.advance(249);
    assert.equal(p.fw.pool.stats.upstream_cx_connect_timeout, 0);
    clock.advance(1);
    const res = await pending;
    assert.equal(res.status, 503);
    assert.equal(res.body.toString(), 'upstream connect error or disconnect/reset before headers. reset reason: connection timeout');
    assert.equal(p.fw.pool.stats.upstream_cx_connect_timeout, 1);
    await p.fw.close();
  });

  it('answers 503 "reset reason: overflow" with x-envoy-overloaded when pending requests exceed the limit', async () => {
    const held: http.ServerResponse[] = [];
    const arrived: (() => void)[] = [];
    const slow = http.createServer((_req, res) => {
      held.push(res);
      arrived.shift()?.();
    });
    const flags: string[] = [];
    const p = await startForwarder(await listen(slow), { pool: { maxConnections: 1, maxPendingRequests: 1 }, onResponseFlag: (f) => flags.push(f) });
    const first = request(p.port, { path: '/1' });
    await new Promise<void>((r) => arrived.push(r));
    const second = request(p.port, { path: '/2' });
    while (p.fw.pool.pendingCount === 0) await new Promise((r) => setImmediate(r));
    const third = await request(p.port, { path: '/3' });
    assert.equal(third.status, 503);
    assert.equal(third.headers['x-envoy-overloaded'], 'true');
    assert.equal(third.body.toString(), 'upstream connect error or disconnect/reset before headers. reset reason: overflow');
    assert.deepEqual(flags, ['UO']);
    assert.equal(p.fw.pool.stats.upstream_rq_pending_overflow, 1);
    held.shift()!.end('one');
    await new Promise<void>((r) => (held.length > 0 ? r() : arrived.push(r)));
    held.shift()!.end('two');
    assert.equal((await first).body.toString(), 'one');
    assert.equal((await second).body.toString(), 'two');
    await p.fw.close();
    await stop(slow);
  });

  it('closes the downstream connection when the upstream dies after response headers', async () => {
    const halfway = net.createServer((s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial')));
    const p = await startForwarder(await listen(halfway));
    const out = await rawExchange(p.port, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    assert.match(out, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\npartial$/);
    await p.fw.close();
    await stop(halfway);
  });
});

describe('Forwarder upgrades', () => {
  it('hands both raw sockets over after a 101 (WebSocket)', async () => {
    const ws = net.createServer((s) => {
      s.once('data', (head: Buffer) => {
        assert.match(head.toString('latin1'), /^GET \/chat HTTP\/1\.1\r\n[\s\S]*connection: upgrade\r\nupgrade: websocket\r\n/i);
        s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
        s.pipe(s);
      });
    });
    const p = await startForwarder(await listen(ws));
    const client = net.connect(p.port, '127.0.0.1');
    client.write('GET /chat HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    let got = '';
    client.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (got.endsWith('\r\n\r\n')) client.write('ping-frame');
    });
    while (!got.includes('ping-frame')) await once(client, 'data');
    assert.match(got, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(got, /upgrade: websocket\r\n/i);
    client.destroy();
    await p.fw.close();
    await stop(ws);
  });
});
