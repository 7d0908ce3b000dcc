import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { FakeClock } from '@skiff/common';
import { HeaderMap } from './header-map.ts';
import { ServerConnection, type ServerConnectionOptions, type ServerStream } from './server-connection.ts';

/** A server whose connections run the codec on a fake clock; requests answered by `handler`. */
async function serve(options: Partial<ServerConnectionOptions>, handler: (s: ServerStream) => void) {
  const clock = new FakeClock(0);
  const conns: ServerConnection[] = [];
  const server = net.createServer((socket) => conns.push(new ServerConnection(socket, { clock, onRequest: handler, ...options })));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    clock,
    port,
    conns,
    stop: async () => {
      for (const c of conns) c.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
  return {
    socket,
    get data() {
      return data;
    },
    async until(re: RegExp) {
      while (!re.test(data)) await once(socket, 'data');
    },
  };
}

const ok = (s: ServerStream) => {
  s.setBodySink({ onData() {}, onTrailers() {}, onEnd: () => {
    s.writeHead(200, 'OK', new HeaderMap(), 'content-length', 2);
    s.write(Buffer.from('ok'));
    s.end();
  } });
};

describe('ServerConnection timeouts on the injected clock', () => {
  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const s of stops) await s();
  });

  it('closes a connection idle for idle_timeout, and not before', async () => {
    const srv = await serve({ idleTimeoutMs: 1000 }, ok);
    stops.push(srv.stop);
    const c = connect(srv.port);
    c.socket.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    await c.until(/ok$/);
    srv.clock.advance(999);
    assert.equal(srv.conns[0].isClosed, false);
    srv.clock.advance(1);
    assert.equal(srv.conns[0].isClosed, true);
    await once(c.socket, 'close');
  });

  it('answers 408 when request headers do not complete within request_headers_timeout (slowloris)', async () => {
    const srv = await serve({ requestHeadersTimeoutMs: 500 }, ok);
    stops.push(srv.stop);
    const c = connect(srv.port);
    c.socket.write('GET / HTTP/1.1\r\nHo');
    while (srv.conns.length === 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    srv.clock.advance(500);
    await once(c.socket, 'close');
    assert.match(c.data, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('answers 408 "request timeout" when the body does not arrive within request_timeout', async () => {
    let reset = '';
    const srv = await serve({ requestTimeoutMs: 2000 }, (s) => {
      s.onReset = (r) => (reset = r);
      ok(s);
    });
    stops.push(srv.stop);
    const c = connect(srv.port);
    c.socket.write('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc');
    while (srv.conns.length === 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    srv.clock.advance(2000);
    await once(c.socket, 'close');
    assert.match(c.data, /^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\r\n\r\nrequest timeout$/);
    assert.equal(reset, 'request_timeout');
  });
});

describe('ServerConnection body buffering limits', () => {
  it('answers 413 Payload Too Large when a buffered body exceeds the limit (declared or chunked)', async () => {
    const srv = await serve({}, (s) => s.readBody(8, () => assert.fail('body over the limit was delivered')));
    const declared = connect(srv.port);
    declared.socket.write('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\nExpect: 100-continue\r\n\r\n');
    await once(declared.socket, 'close');
    assert.match(declared.data, /^HTTP\/1\.1 413 Payload Too Large\r\n[\s\S]*\r\n\r\nPayload Too Large$/);
    assert.doesNotMatch(declared.data, /100 Continue/);
    const chunked = connect(srv.port);
    chunked.socket.write('POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n5\r\nfghij\r\n0\r\n\r\n');
    await once(chunked.socket, 'close');
    assert.match(chunked.data, /^HTTP\/1\.1 413 Payload Too Large\r\n/);
    await srv.stop();
  });

  it('delivers a buffered body within the limit, with trailers, and keeps the connection', async () => {
    const srv = await serve({}, (s) =>
      s.readBody(100, (body, trailers) => {
        const h = new HeaderMap();
        h.add('x-trailer', trailers?.get('x-sum') ?? '');
        s.writeHead(200, 'OK', h, 'content-length', body.length);
        s.write(body);
        s.end();
      }),
    );
    const c = connect(srv.port);
    c.socket.write('POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: 3\r\n\r\n');
    await c.until(/abc$/);
    assert.match(c.data, /x-trailer: 3\r\n/);
    c.socket.write('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi');
    await c.until(/hi$/);
    c.socket.destroy();
    await srv.stop();
  });

  it('answers 400 when an HTTP/1.1 request has no Host header', async () => {
    const srv = await serve({}, ok);
    const c = connect(srv.port);
    c.socket.write('GET / HTTP/1.1\r\n\r\n');
    await once(c.socket, 'close');
    assert.match(c.data, /^HTTP\/1\.1 400 Bad Request\r\n/);
    await srv.stop();
  });

  it('sends chunked responses with trailers to HTTP/1.1 clients when the length is unknown', async () => {
    const srv = await serve({}, (s) => {
      const t = new HeaderMap();
      t.add('grpc-status', '0');
      s.writeHead(200, 'OK', new HeaderMap(), 'close-delimited', -1);
      s.write(Buffer.from('hello'));
      s.end(t);
    });
    const c = connect(srv.port);
    c.socket.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    await c.until(/0\r\ngrpc-status: 0\r\n\r\n$/);
    assert.match(c.data, /transfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\ngrpc-status: 0\r\n\r\n$/);
    c.socket.destroy();
    await srv.stop();
  });
});
