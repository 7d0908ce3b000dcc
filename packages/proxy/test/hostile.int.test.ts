/**
 * Hostile downstreams and misbehaving upstreams against a whole proxy (fake
 * control plane, real sockets on 127.0.0.1): what the client sees is Envoy's
 * answer or a closed connection, the upstream never sees a rejected request,
 * and the proxy keeps serving.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { assignment, drive, echo, edsCluster, get, startHarness, until, type Echo, type Harness } from './harness.ts';

const ADS = { ads: {}, resource_api_version: 'V3' };

function hcmListener(name: string, hcm: Record<string, unknown>): WireMessage {
  return {
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
    filter_chains: [{
      filters: [{
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: {
          '@type': TypeUrl.HttpConnectionManager,
          stat_prefix: name,
          rds: { route_config_name: 'r', config_source: ADS },
          http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': TypeUrl.Router } }],
          ...hcm,
        },
      }],
    }],
  };
}

/** An upstream that reads a request head and then does `behave` with the socket. */
async function rawUpstream(behave: (socket: Socket) => void): Promise<{ server: Server; port: number; host: string; sockets: Set<Socket>; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      behave(socket);
    };
    socket.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server, sockets, host: '127.0.0.1', port: (server.address() as { port: number }).port,
    async stop() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A raw client connection: what it received so far and whether the proxy closed it. */
interface RawConn {
  readonly socket: Socket;
  readonly text: string;
  readonly closed: boolean;
  /** Resolves once the proxy closed the connection. */
  readonly whenClosed: Promise<void>;
}

/** Writes raw bytes and reads until the proxy closes the connection (or `until` matches and `keepOpen`). */
async function raw(port: number, payload: string | Buffer | (string | Buffer)[], opts: { until?: RegExp; keepOpen?: boolean } = {}): Promise<RawConn> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  const state = { text: '', closed: false };
  socket.on('data', (d: Buffer) => (state.text += d.toString('latin1')));
  const whenClosed = new Promise<void>((resolve) => socket.on('close', () => {
    state.closed = true;
    resolve();
  }));
  for (const part of Array.isArray(payload) ? payload : [payload]) socket.write(part);
  if (opts.until) await until(() => opts.until!.test(state.text) || state.closed, `a reply matching ${opts.until}`);
  if (!opts.keepOpen) await whenClosed;
  return { socket, whenClosed, get text() { return state.text; }, get closed() { return state.closed; } };
}

const status = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
const body = (text: string) => text.slice(text.indexOf('\r\n\r\n') + 4);

describe('hostile downstream input (real sockets through the proxy)', () => {
  let h: Harness;
  let up: Echo;
  let port = 0;
  let small = 0;
  let slow = 0;

  before(async () => {
    up = await echo('up');
    h = await startHarness();
    await h.push({
      clusters: [edsCluster('up')],
      endpoints: [assignment('up', [up])],
      listeners: [
        hcmListener('default', {}),
        hcmListener('small', { max_request_headers_kb: { value: 1 }, common_http_protocol_options: { max_headers_count: { value: 5 } } }),
        hcmListener('slow', { request_headers_timeout: { seconds: '10' }, stream_idle_timeout: { seconds: '30' }, common_http_protocol_options: { idle_timeout: { seconds: '60' } } }),
      ],
      routes: [{ name: 'r', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'up' } }] }] }],
    });
    port = h.port('default');
    small = h.port('small');
    slow = h.port('slow');
  });

  after(async () => {
    await h.close();
    await up.stop();
  });

  const rejected = async (p: number, request: string | Buffer, expected: number) => {
    const before = up.seen.length;
    const r = await raw(p, request);
    assert.equal(status(r.text), expected, r.text);
    assert.match(r.text, /\r\nconnection: close\r\n/i);
    assert.equal(up.seen.length, before, 'the upstream never saw it');
    return r;
  };

  it('answers 431 to request headers over 60 KiB (max_request_headers_kb default), and over a configured 1 KiB or 5 headers', async () => {
    const r = await rejected(port, `GET / HTTP/1.1\r\nhost: a\r\nx-big: ${'a'.repeat(61 * 1024)}\r\n\r\n`, 431);
    assert.equal(body(r.text), 'Request Header Fields Too Large');
    // Just under the default is forwarded (the Node echo upstream itself caps headers at 16 KiB and answers 431 through the proxy).
    const forwarded = await get(port, '/', { 'x-big': 'a'.repeat(59 * 1024) });
    assert.notEqual(forwarded.headers['x-envoy-upstream-service-time'], undefined, 'the answer came from the upstream');
    await rejected(small, `GET / HTTP/1.1\r\nhost: a\r\nx-big: ${'a'.repeat(1100)}\r\n\r\n`, 431);
    await rejected(small, `GET / HTTP/1.1\r\nhost: a\r\n${[1, 2, 3, 4, 5].map((i) => `x-${i}: v`).join('\r\n')}\r\n\r\n`, 431);
    assert.equal((await get(small, '/', { 'x-a': 'short' })).status, 200);
  });

  it('answers 400 to invalid characters in header names and values, and to a bare LF', async () => {
    await rejected(port, 'GET / HTTP/1.1\r\nhost: a\r\nx(y): z\r\n\r\n', 400);
    await rejected(port, 'GET / HTTP/1.1\r\nhost: a\r\nx-a: b\x00c\r\n\r\n', 400);
    await rejected(port, 'GET / HTTP/1.1\r\nhost: a\r\nx-a: b\x7fc\r\n\r\n', 400);
    await rejected(port, 'GET / HTTP/1.1\nhost: a\n\n', 400);
  });

  it('answers 400 to bad chunked encoding', async () => {
    await rejected(port, 'POST / HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', 400);
    await rejected(port, 'POST / HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n', 400);
  });

  it('closes smuggling attempts: Content-Length with Transfer-Encoding (400), conflicting Content-Lengths (400), a transfer coding other than chunked (501)', async () => {
    // The classic CL.TE payload: a second request hidden in the body must never reach the upstream.
    const smuggled = 'POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 44\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nhost: a\r\n\r\n';
    await rejected(port, smuggled, 400);
    await rejected(port, 'POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\nabcd', 400);
    await rejected(port, 'POST / HTTP/1.1\r\nhost: a\r\ntransfer-encoding: gzip, chunked\r\n\r\n0\r\n\r\n', 501);
    await rejected(port, 'POST / HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\ntransfer-encoding: identity\r\n\r\n0\r\n\r\n', 501);
    assert.equal(up.seen.some((s) => s.path === '/admin'), false);
  });

  it('keeps serving on the same listener after all that, and counts each rejection in downstream_cx_protocol_error', async () => {
    assert.equal((await get(port, '/after')).status, 200);
    // 1 oversized + 4 invalid characters + 2 bad chunked + 4 smuggling attempts on the default listener.
    assert.equal(h.proxy.stats.counter('http.default.downstream_cx_protocol_error').value, 11);
    assert.equal(h.proxy.stats.counter('http.small.downstream_cx_protocol_error').value, 2);
  });

  it('closes a slowloris client with 408 after request_headers_timeout, on the injected clock', async () => {
    const s = await raw(slow, 'GET / HTTP/1.1\r\nhost: a\r\nx-slow: ', { keepOpen: true });
    const start = h.clock.now();
    await drive(h.clock, s.whenClosed, 1000, 30);
    assert.equal(status(s.text), 408);
    const waited = h.clock.now() - start;
    assert.ok(waited >= 10_000 && waited < 12_000, `closed after ${waited} ms of fake time`);
    assert.equal(h.proxy.stats.counter('http.slow.downstream_rq_header_timeout').value, 1);
  });

  it('ends a request whose body stalls after stream_idle_timeout with 408 "stream timeout"', async () => {
    const s = await raw(slow, 'POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 10\r\n\r\nabc', { keepOpen: true });
    await drive(h.clock, s.whenClosed, 1000, 60);
    assert.equal(status(s.text), 408);
    assert.equal(body(s.text), 'stream timeout');
    assert.equal(h.proxy.stats.counter('http.slow.downstream_rq_idle_timeout').value, 1);
  });

  it('closes an idle keep-alive connection after idle_timeout', async () => {
    const s = await raw(slow, 'GET / HTTP/1.1\r\nhost: a\r\n\r\n', { until: /\r\n\r\n.*"upstream"/s, keepOpen: true });
    assert.equal(status(s.text), 200);
    const start = h.clock.now();
    await drive(h.clock, s.whenClosed, 5000, 30);
    assert.ok(h.clock.now() - start >= 60_000);
    assert.ok(h.proxy.stats.counter('http.slow.downstream_cx_idle_timeout').value >= 1);
  });
});

describe('misbehaving upstreams (real sockets through the proxy)', () => {
  let h: Harness;
  let port = 0;
  const ups: Awaited<ReturnType<typeof rawUpstream>>[] = [];

  before(async () => {
    const garbage = await rawUpstream((s) => s.write('HELLO FRIEND\r\n\r\n'));
    const closeBefore = await rawUpstream((s) => s.destroy());
    const closeMid = await rawUpstream((s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789');
      setImmediate(() => s.destroy());
    });
    const hang = await rawUpstream(() => {});
    const hugeHead = await rawUpstream((s) => s.write(`HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70 * 1024)}\r\ncontent-length: 0\r\n\r\n`));
    ups.push(garbage, closeBefore, closeMid, hang, hugeHead);
    h = await startHarness();
    const names = ['garbage', 'close-before', 'close-mid', 'hang', 'huge-head'];
    await h.push({
      clusters: names.map((n) => edsCluster(n)),
      endpoints: names.map((n, i) => assignment(n, [ups[i]])),
      listeners: [hcmListener('l', {})],
      routes: [{
        name: 'r',
        virtual_hosts: [{ name: 'all', domains: ['*'], routes: names.map((n) => ({ match: { prefix: `/${n}` }, route: { cluster: n, timeout: { seconds: '2' } } })) }],
      }],
    });
    port = h.port('l');
  });

  after(async () => {
    await h.close();
    await Promise.all(ups.map((u) => u.stop()));
  });

  it("answers an upstream that sends garbage with Envoy's 502 (protocol error)", async () => {
    const r = await get(port, '/garbage');
    assert.equal(r.status, 502);
    assert.equal(r.body, 'upstream connect error or disconnect/reset before headers. reset reason: protocol error');
  });

  it('answers response headers over 60 KiB from an upstream as a protocol error (502)', async () => {
    const r = await get(port, '/huge-head');
    assert.equal(r.status, 502);
    assert.equal(r.body, 'upstream connect error or disconnect/reset before headers. reset reason: protocol error');
  });

  it("answers an upstream that closes before headers with Envoy's 503 (connection termination)", async () => {
    const r = await get(port, '/close-before');
    assert.equal(r.status, 503);
    assert.equal(r.body, 'upstream connect error or disconnect/reset before headers. reset reason: connection termination');
  });

  it('resets the downstream when the upstream closes mid-response (the client sees the headers, then a closed connection)', async () => {
    const r = await raw(port, 'GET /close-mid HTTP/1.1\r\nhost: a\r\n\r\n');
    assert.equal(status(r.text), 200);
    assert.match(r.text, /content-length: 100/i);
    assert.ok(body(r.text).length < 100, 'the body is cut short');
    assert.equal(r.closed, true);
  });

  it('answers a hung upstream with 504 "upstream request timeout" after the route timeout, and closes the upstream connection', async () => {
    const r = await drive(h.clock, get(port, '/hang'), 500, 40);
    assert.equal(r.status, 504);
    assert.equal(r.body, 'upstream request timeout');
    await until(() => ups[3].sockets.size === 0, 'the proxy to close the hung upstream connection');
  });

  it('still serves after every failure, on the same listener', async () => {
    assert.equal((await get(port, '/garbage')).status, 502);
  });
});
