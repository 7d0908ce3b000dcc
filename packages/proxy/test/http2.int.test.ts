import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import http2 from 'node:http2';
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { createTestCa, type TestCa } from '@skiff/testing/certs.ts';
import { assignment, echo, edsCluster, get, listener, startHarness, until, type Echo, type Harness } from './harness.ts';

const H2_OPTIONS = { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions', explicit_http_config: { http2_protocol_options: {} } } };

/** The harness listener with extra HttpConnectionManager fields. */
function hcmListener(name: string, extra: Record<string, unknown>): WireMessage {
  const l = listener(name, 'r') as { filter_chains: { filters: { typed_config: Record<string, unknown> }[] }[] };
  Object.assign(l.filter_chains[0].filters[0].typed_config, extra);
  return l as unknown as WireMessage;
}

interface H2Reply { status: number; headers: http2.IncomingHttpHeaders; body: string; trailers: http2.IncomingHttpHeaders }

function h2request(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: Buffer | string): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const req = session.request(headers, { endStream: body === undefined });
    let status = 0;
    let rh: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    let data = '';
    req.on('response', (h) => { status = Number(h[':status']); rh = h; });
    req.on('trailers', (t) => { trailers = t; });
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve({ status, headers: rh, body: data, trailers }));
    req.on('error', reject);
    if (body !== undefined) req.end(body);
  });
}

describe('HTTP/2 through the proxy', () => {
  let h: Harness;
  let a: Echo;
  let h2up: http2.Http2Server;
  let h2port = 0;
  const h2seen: { path: string; protocol: string; authority: string; trailers: Record<string, unknown> }[] = [];
  let port = 0;
  let never: http2.Http2Server;
  let mixed: net.Server;
  let ca: TestCa;
  let hold: http2.Http2Server;
  const held: http2.ServerHttp2Stream[] = [];
  let holdSessions = 0;
  let neverStreams = 0;

  before(async () => {
    a = await echo('a');
    h2up = http2.createServer((req, res) => {
      h2seen.push({ path: req.url, protocol: req.httpVersion, authority: String(req.headers[':authority']), trailers: {} });
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => {
        h2seen.at(-1)!.trailers = { ...req.trailers };
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-upstream', 'h2');
        if (req.url.includes('trailers')) {
          res.addTrailers({ 'x-checksum': String(n) });
          res.write(JSON.stringify({ bytes: n }));
          res.end();
          return;
        }
        res.end(JSON.stringify({ upstream: 'h2', path: req.url, bytes: n, version: req.httpVersion }));
      });
    });
    h2up.listen(0, '127.0.0.1');
    await once(h2up, 'listening');
    h2port = (h2up.address() as AddressInfo).port;
    // An HTTP/2 upstream that accepts streams and never answers them.
    never = http2.createServer();
    never.on('stream', (s) => { neverStreams++; s.on('error', () => {}); });
    never.listen(0, '127.0.0.1');
    await once(never, 'listening');
    // One port speaking HTTP/1.1 and h2c (by the preface), answering with the version it saw.
    const mixedH1 = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end(req.httpVersion));
    });
    mixed = net.createServer((socket) => socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (!first.toString('latin1').startsWith('PRI *')) {
        mixedH1.emit('connection', socket);
        socket.resume();
        return;
      }
      const session = http2.performServerHandshake(socket);
      session.on('stream', (s) => {
        s.resume();
        s.on('end', () => {
          s.respond({ ':status': 200 });
          s.end('2.0');
        });
      });
    }));
    mixed.listen(0, '127.0.0.1');
    await once(mixed, 'listening');
    // Holds every stream until the test releases them; counts sessions (upstream connections).
    hold = http2.createServer();
    hold.on('session', () => holdSessions++);
    hold.on('stream', (s) => { s.on('error', () => {}); held.push(s); });
    hold.listen(0, '127.0.0.1');
    await once(hold, 'listening');
    ca = await createTestCa();
    const cert = await ca.issue({ dnsNames: ['reviews.example.com'] });
    const tlsListener = hcmListener('tls', {}) as unknown as { filter_chains: Record<string, unknown>[] };
    tlsListener.filter_chains[0].transport_socket = { name: 'envoy.transport_sockets.tls', typed_config: { '@type': TypeUrl.DownstreamTlsContext, common_tls_context: {
      tls_certificates: [{ certificate_chain: { inline_string: cert.chainPem }, private_key: { inline_string: cert.keyPem } }], alpn_protocols: ['h2', 'http/1.1'],
    } } };
    h = await startHarness();
    await h.push({
      clusters: [edsCluster('a'), edsCluster('h2', { typed_extension_protocol_options: H2_OPTIONS }), edsCluster('never', { typed_extension_protocol_options: H2_OPTIONS }),
        edsCluster('mixed', { typed_extension_protocol_options: { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions', use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} } } } }),
        edsCluster('hold', {
          typed_extension_protocol_options: { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions', explicit_http_config: { http2_protocol_options: { max_concurrent_streams: { value: 2 } } } } },
          circuit_breakers: { thresholds: [{ max_requests: { value: 5 } }] },
        })],
      endpoints: [assignment('a', [a]), assignment('h2', [{ host: '127.0.0.1', port: h2port }]), assignment('never', [{ host: '127.0.0.1', port: (never.address() as AddressInfo).port }]), assignment('mixed', [{ host: '127.0.0.1', port: (mixed.address() as AddressInfo).port }]), assignment('hold', [{ host: '127.0.0.1', port: (hold.address() as AddressInfo).port }])],
      listeners: [hcmListener('auto', {}), tlsListener as unknown as WireMessage],
      routes: [{ name: 'r', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [
        { match: { prefix: '/h2' }, route: { cluster: 'h2' } },
        { match: { prefix: '/mixed' }, route: { cluster: 'mixed' } },
        { match: { prefix: '/hold' }, route: { cluster: 'hold', timeout: { seconds: '0' } } },
        { match: { prefix: '/never' }, route: { cluster: 'never', timeout: { seconds: '0' } } },
        { match: { prefix: '/' }, route: { cluster: 'a' } },
      ] }] }],
    });
    port = h.port('auto');
  });

  after(async () => {
    await h.close();
    await a.stop();
    h2up.close();
    never.close();
    mixed.close();
    hold.close();
  });

  it('serves h2c with prior knowledge (codec_type AUTO) and forwards to an HTTP/1.1 upstream', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      const r = await h2request(session, { ':path': '/x?y=1', ':authority': 'reviews', 'x-test': 'one' });
      assert.equal(r.status, 200);
      assert.deepEqual(JSON.parse(r.body), { upstream: 'a', path: '/x?y=1', host: 'reviews' });
      assert.equal(r.headers.server, 'istio-envoy');
      assert.equal(a.seen.at(-1)!.headers['x-test'], 'one');
      assert.equal(a.seen.at(-1)!.headers['x-forwarded-proto'], 'http');
      // Many streams on one session, concurrently.
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => h2request(session, { ':path': `/n/${i}`, ':authority': 'reviews' })));
      assert.deepEqual(replies.map((x) => JSON.parse(x.body).path), Array.from({ length: 20 }, (_, i) => `/n/${i}`));
    } finally {
      session.close();
    }
    assert.equal(h.proxy.stats.counter('http.outbound_0.0.0.0_80.downstream_cx_http2_total').value, 1);
  });

  it('still serves HTTP/1.1 on the same AUTO listener', async () => {
    const r = await get(port, '/plain');
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).path, '/plain');
  });

  it('forwards an HTTP/2 request body to an HTTP/1.1 upstream (chunked, unknown length)', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      const r = await h2request(session, { ':path': '/post', ':method': 'POST', ':authority': 'reviews' }, Buffer.alloc(100_000, 7));
      assert.equal(r.status, 200);
    } finally {
      session.close();
    }
  });

  it('speaks HTTP/2 to a cluster with explicit http2_protocol_options: h1 → h2 and h2 → h2', async () => {
    const r1 = await get(port, '/h2/one');
    assert.equal(r1.status, 200);
    assert.deepEqual(JSON.parse(r1.body), { upstream: 'h2', path: '/h2/one', bytes: 0, version: '2.0' });
    assert.equal(h2seen.at(-1)!.authority, 'reviews');
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      const r = await h2request(session, { ':path': '/h2/post', ':method': 'POST', ':authority': 'reviews' }, 'x'.repeat(70_000));
      assert.equal(JSON.parse(r.body).bytes, 70_000);
      await Promise.all(Array.from({ length: 30 }, (_, i) => h2request(session, { ':path': `/h2/m/${i}`, ':authority': 'reviews' })));
    } finally {
      session.close();
    }
    // One upstream session carried all of them.
    const pool = h.proxy.clusters.get('h2')!.prioritySet.allHosts[0].http2Pool!;
    assert.equal(pool.stats.upstream_cx_total, 1);
    assert.equal(pool.stats.upstream_rq_total, 32);
  });

  it('follows the downstream protocol for use_downstream_protocol_config (Istio useClientProtocol)', async () => {
    assert.equal((await get(port, '/mixed/one')).body, '1.1');
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      assert.equal((await h2request(session, { ':path': '/mixed/two', ':authority': 'reviews' })).body, '2.0');
    } finally {
      session.close();
    }
  });

  it('caps streams per upstream connection at max_concurrent_streams and counts streams against max_requests (UO beyond it)', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      const replies = Array.from({ length: 7 }, (_, i) => h2request(session, { ':path': `/hold/${i}`, ':authority': 'reviews' }));
      // 5 streams fit the breaker: 3 connections of at most 2 streams each; the 6th and 7th overflow.
      const overflowed = await Promise.all(replies.slice(5));
      for (const r of overflowed) {
        assert.equal(r.status, 503);
        assert.equal(r.headers['x-envoy-overloaded'], 'true');
        assert.equal(r.body, 'upstream connect error or disconnect/reset before headers. reset reason: overflow');
      }
      await until(() => held.length === 5, 'five streams at the upstream');
      assert.equal(holdSessions, 3);
      for (const s of held.splice(0)) s.respond({ ':status': 200 }, { endStream: true });
      assert.deepEqual((await Promise.all(replies.slice(0, 5))).map((r) => r.status), [200, 200, 200, 200, 200]);
      // The slots are free again: a new stream reuses an existing connection.
      const again = h2request(session, { ':path': '/hold/again', ':authority': 'reviews' });
      await until(() => held.length === 1, 'the stream at the upstream');
      held.splice(0)[0].respond({ ':status': 204 }, { endStream: true });
      assert.equal((await again).status, 204);
      assert.equal(holdSessions, 3);
    } finally {
      session.close();
    }
  });

  it('serves HTTP/2 when TLS negotiates ALPN h2, HTTP/1.1 when it negotiates http/1.1', async () => {
    const counter = (name: string) => h.proxy.stats.counter(`http.outbound_0.0.0.0_80.${name}`).value;
    const [h2Before, h1Before] = [counter('downstream_cx_http2_total'), counter('downstream_cx_http1_total')];
    const session = http2.connect(`https://127.0.0.1:${h.port('tls')}`, { ca: ca.certPem, servername: 'reviews.example.com' });
    try {
      const r = await h2request(session, { ':path': '/over-tls', ':authority': 'reviews' });
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(r.body).path, '/over-tls');
      assert.equal((session.socket as import('node:tls').TLSSocket).alpnProtocol, 'h2');
    } finally {
      session.close();
    }
    const h1 = await new Promise<number>((resolve, reject) => {
      const agent = new https.Agent({ ALPNProtocols: ['http/1.1'], ca: ca.certPem, servername: 'reviews.example.com' });
      const options: https.RequestOptions = { host: '127.0.0.1', port: h.port('tls'), path: '/h1-over-tls', headers: { host: 'reviews' }, agent };
      const req = https.request(options, (res) => {
        res.resume();
        res.on('end', () => {
          agent.destroy();
          resolve(res.statusCode ?? 0);
        });
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(h1, 200);
    assert.equal(counter('downstream_cx_http2_total'), h2Before + 1);
    assert.equal(counter('downstream_cx_http1_total'), h1Before + 1);
  });

  it('carries request and response trailers both ways over HTTP/2 (h2 → h2)', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      const req = session.request({ ':path': '/h2/trailers', ':method': 'POST', ':authority': 'reviews' }, { waitForTrailers: true });
      req.on('wantTrailers', () => req.sendTrailers({ 'x-request-trailer': 'sent' }));
      let trailers: http2.IncomingHttpHeaders = {};
      req.on('trailers', (t) => (trailers = t));
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.end('0123456789');
      await once(req, 'end');
      assert.deepEqual(JSON.parse(body), { bytes: 10 });
      assert.equal(trailers['x-checksum'], '10');
      assert.equal(h2seen.at(-1)!.trailers['x-request-trailer'], 'sent');
    } finally {
      session.close();
    }
  });

  it('passes HTTP/2 response trailers to an HTTP/1.1 client as chunked trailers', async () => {
    const r = await new Promise<{ trailers: NodeJS.Dict<string>; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/h2/trailers', method: 'POST', headers: { host: 'reviews', te: 'trailers' }, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ trailers: res.trailers, body }));
      });
      req.on('error', reject);
      req.end('abc');
    });
    assert.deepEqual(JSON.parse(r.body), { bytes: 3 });
    assert.equal(r.trailers['x-checksum'], '3');
  });

  it('answers a rapid-reset flood with GOAWAY(ENHANCE_YOUR_CALM) once premature resets pass half of the streams (Envoy: 500 streams, 1 s lifetime)', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', () => {});
    const goaway = once(session, 'goaway');
    let opened = 0;
    try {
      await once(session, 'connect');
      // Open and reset at once, as the CVE-2023-44487 attack does; the proxy's clock never moves, so every reset is premature.
      for (let i = 0; i < 400 && !session.destroyed && !session.closed; i++) {
        const req = session.request({ ':path': `/never/${i}`, ':authority': 'reviews' });
        req.on('error', () => {});
        req.close(http2.constants.NGHTTP2_CANCEL);
        opened++;
        if (i % 50 === 49) await new Promise((r) => setImmediate(r));
      }
      const [code] = (await goaway) as [number];
      assert.equal(code, http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
    } finally {
      session.destroy();
    }
    assert.ok(opened >= 250, `opened ${opened}`);
    assert.equal(h.proxy.stats.counter('http.outbound_0.0.0.0_80.downstream_rq_too_many_premature_resets').value, 1);
  });

  it('leaves a session alone whose resets stay under half of its streams', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    let gotGoaway = false;
    session.on('goaway', () => (gotGoaway = true));
    try {
      for (let round = 0; round < 6; round++) {
        await Promise.all(Array.from({ length: 100 }, (_, i) => h2request(session, { ':path': `/ok/${round}/${i}`, ':authority': 'reviews' })));
        for (let i = 0; i < 40; i++) {
          const req = session.request({ ':path': `/never/${round}/${i}`, ':authority': 'reviews' });
          req.on('error', () => {});
          req.close(http2.constants.NGHTTP2_CANCEL);
        }
      }
      const r = await h2request(session, { ':path': '/still-open', ':authority': 'reviews' });
      assert.equal(r.status, 200);
    } finally {
      session.close();
    }
    assert.equal(gotGoaway, false);
    assert.equal(h.proxy.stats.counter('http.outbound_0.0.0.0_80.downstream_rq_too_many_premature_resets').value, 1);
  });

  it('answers a connection-level protocol error with GOAWAY and closes only that connection', async () => {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    // The preface, then a SETTINGS frame whose length is not a multiple of 6: FRAME_SIZE_ERROR for the connection.
    socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), Buffer.from([0, 0, 5, 4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5])]));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    await once(socket, 'close');
    const bytes = Buffer.concat(chunks);
    const types: number[] = [];
    let goawayCode = -1;
    for (let at = 0; at + 9 <= bytes.length;) {
      const len = bytes.readUIntBE(at, 3);
      types.push(bytes[at + 3]);
      if (bytes[at + 3] === 7) goawayCode = bytes.readUInt32BE(at + 9 + 4);
      at += 9 + len;
    }
    assert.ok(types.includes(7), `frame types ${types}`);
    assert.equal(goawayCode, http2.constants.NGHTTP2_FRAME_SIZE_ERROR);
    const r = await get(port, '/after-bad-peer');
    assert.equal(r.status, 200);
  });
});
