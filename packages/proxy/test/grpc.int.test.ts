import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { assignment, edsCluster, listener, startHarness, until, type Harness } from './harness.ts';

/** Buffers in, buffers out: no protobuf needed to exercise the transport. */
const raw = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const SERVICE: grpc.ServiceDefinition = {
  Unary: { path: '/skiff.test.Echo/Unary', requestStream: false, responseStream: false, requestSerialize: raw.serialize, requestDeserialize: raw.deserialize, responseSerialize: raw.serialize, responseDeserialize: raw.deserialize },
  Stream: { path: '/skiff.test.Echo/Stream', requestStream: false, responseStream: true, requestSerialize: raw.serialize, requestDeserialize: raw.deserialize, responseSerialize: raw.serialize, responseDeserialize: raw.deserialize },
};
const Client = grpc.makeGenericClientConstructor(SERVICE, 'Echo');
type EchoClient = grpc.Client & {
  Unary(req: Buffer, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res?: Buffer) => void): grpc.ClientUnaryCall;
  Stream(req: Buffer, md?: grpc.Metadata): grpc.ClientReadableStream<Buffer>;
};

function h2Cluster(name: string, http2: Record<string, unknown> = {}): WireMessage {
  return edsCluster(name, { typed_extension_protocol_options: { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions', explicit_http_config: { http2_protocol_options: http2 } } } });
}

function unary(client: EchoClient, body: string, md = new grpc.Metadata()): Promise<{ err: grpc.ServiceError | null; res?: Buffer; trailers?: grpc.Metadata }> {
  return new Promise((resolve) => {
    let trailers: grpc.Metadata | undefined;
    const call = client.Unary(Buffer.from(body), md, (err, res) => setImmediate(() => resolve({ err, res, trailers })));
    call.on('status', (s: grpc.StatusObject) => { trailers = s.metadata; });
  });
}

describe('gRPC through the proxy (grpc-js client → h2c listener → HTTP/2 cluster → grpc-js server)', () => {
  let h: Harness;
  let server: grpc.Server;
  let client: EchoClient;
  let slow: http2.Http2Server;
  const slowState = { written: 0, blocked: false, done: false };
  const TOTAL = 16 * 1024 * 1024;
  let sink: http2.Http2Server;
  let releaseSink: (() => void) | null = null;

  before(async () => {
    server = new grpc.Server();
    server.addService(SERVICE, {
      Unary: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        const text = call.request.toString();
        if (text === 'missing') {
          cb({ code: grpc.status.NOT_FOUND, details: 'no such thing' });
          return;
        }
        const trailer = new grpc.Metadata();
        trailer.set('x-trailer', `seen:${String(call.metadata.get('x-client')[0] ?? '')}`);
        cb(null, Buffer.from(`echo:${text}`), trailer);
      },
      Stream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
        const n = Number(call.request.toString());
        for (let i = 0; i < n; i++) call.write(Buffer.from(`m${i}`));
        call.end();
      },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    // An upstream that streams TOTAL bytes as fast as flow control lets it.
    slow = http2.createServer();
    slow.on('stream', (s) => {
      s.respond({ ':status': 200, 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(256 * 1024, 1);
      const pump = (): void => {
        while (slowState.written < TOTAL) {
          slowState.written += chunk.length;
          if (!s.write(chunk)) {
            slowState.blocked = true;
            s.once('drain', () => { slowState.blocked = false; pump(); });
            return;
          }
        }
        slowState.done = true;
        s.end();
      };
      pump();
    });
    slow.listen(0, '127.0.0.1');
    await once(slow, 'listening');
    // An upstream that reads nothing of a request body until released, then counts it.
    sink = http2.createServer();
    sink.on('stream', (s) => {
      releaseSink = () => {
        let n = 0;
        s.on('data', (c: Buffer) => (n += c.length));
        s.on('end', () => s.respond({ ':status': 200, 'x-received': String(n) }, { endStream: true }));
      };
    });
    sink.listen(0, '127.0.0.1');
    await once(sink, 'listening');
    const small = { initial_stream_window_size: { value: 65535 }, initial_connection_window_size: { value: 65535 } };
    h = await startHarness();
    const l = listener('grpc', 'r') as { filter_chains: { filters: { typed_config: Record<string, unknown> }[] }[] };
    l.filter_chains[0].filters[0].typed_config.http2_protocol_options = small;
    await h.push({
      clusters: [h2Cluster('echo'), h2Cluster('empty'), h2Cluster('slow', small), h2Cluster('sink', small)],
      endpoints: [assignment('echo', [{ host: '127.0.0.1', port }]), assignment('empty', []), assignment('slow', [{ host: '127.0.0.1', port: (slow.address() as AddressInfo).port }]), assignment('sink', [{ host: '127.0.0.1', port: (sink.address() as AddressInfo).port }])],
      listeners: [l as unknown as WireMessage],
      routes: [{ name: 'r', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [
        { match: { prefix: '/skiff.test.Gone/' }, route: { cluster: 'empty' } },
        { match: { prefix: '/bulk' }, route: { cluster: 'slow' } },
        { match: { prefix: '/upload' }, route: { cluster: 'sink', timeout: { seconds: '0' } } },
        { match: { prefix: '/' }, route: { cluster: 'echo' } },
      ] }] }],
    });
    client = new Client(`127.0.0.1:${h.port('grpc')}`, grpc.credentials.createInsecure()) as unknown as EchoClient;
  });

  after(async () => {
    client.close();
    await h.close();
    server.forceShutdown();
    slow.close();
    sink.close();
  });

  it('carries a unary call with request metadata and response trailers', async () => {
    const md = new grpc.Metadata();
    md.set('x-client', 'abc');
    const r = await unary(client, 'hello', md);
    assert.equal(r.err, null);
    assert.equal(r.res!.toString(), 'echo:hello');
    assert.deepEqual(r.trailers!.get('x-trailer'), ['seen:abc']);
  });

  it("relays the upstream's grpc-status and grpc-message", async () => {
    const r = await unary(client, 'missing');
    assert.equal(r.err!.code, grpc.status.NOT_FOUND);
    assert.equal(r.err!.details, 'no such thing');
  });

  it('streams server messages in order', async () => {
    const got: string[] = [];
    const call = client.Stream(Buffer.from('200'));
    call.on('data', (m: Buffer) => got.push(m.toString()));
    await once(call, 'end');
    assert.deepEqual(got, Array.from({ length: 200 }, (_, i) => `m${i}`));
  });

  it('answers a local reply as trailers-only gRPC: no healthy upstream → UNAVAILABLE (14) with the body as grpc-message', async () => {
    const gone = new (grpc.makeGenericClientConstructor({ Unary: { ...SERVICE.Unary, path: '/skiff.test.Gone/Unary' } }, 'Gone'))(`127.0.0.1:${h.port('grpc')}`, grpc.credentials.createInsecure()) as unknown as EchoClient;
    try {
      const r = await unary(gone, 'x');
      assert.equal(r.err!.code, grpc.status.UNAVAILABLE);
      assert.equal(r.err!.details, 'no healthy upstream');
    } finally {
      gone.close();
    }
    // And the same over raw HTTP/2: :status 200, grpc-status in the headers, END_STREAM on them.
    const session = http2.connect(`http://127.0.0.1:${h.port('grpc')}`);
    try {
      const req = session.request({ ':method': 'POST', ':path': '/skiff.test.Gone/Unary', 'content-type': 'application/grpc', te: 'trailers' });
      req.end(Buffer.from([0, 0, 0, 0, 0]));
      const [headers, flags] = (await once(req, 'response')) as [http2.IncomingHttpHeaders, number];
      assert.equal(headers[':status'], 200);
      assert.equal(headers['grpc-status'], '14');
      assert.equal(headers['grpc-message'], 'no healthy upstream');
      assert.equal(headers['content-type'], 'application/grpc');
      assert.ok(flags & http2.constants.NGHTTP2_FLAG_END_STREAM);
    } finally {
      session.close();
    }
  });

  it('holds a response body back while the downstream reads nothing (flow control end to end), then delivers all of it', async () => {
    const session = http2.connect(`http://127.0.0.1:${h.port('grpc')}`, { settings: { initialWindowSize: 65535 } });
    try {
      const req = session.request({ ':path': '/bulk' });
      req.pause();
      await once(req, 'response');
      // Wait until the upstream is stuck on a full window, or (the failure) has written everything.
      let stuckPolls = 0;
      await until(() => slowState.done || (slowState.blocked ? ++stuckPolls > 50 : (stuckPolls = 0) > 0), 'the upstream to block or finish');
      assert.equal(slowState.done, false, 'the proxy must not read the whole body ahead of its client');
      assert.ok(slowState.written < 4 * 1024 * 1024, `written ${slowState.written}`);
      let received = 0;
      req.on('data', (c: Buffer) => (received += c.length));
      req.resume();
      await once(req, 'end');
      assert.equal(received, TOTAL);
    } finally {
      session.close();
    }
  });

  it('holds a request body back while the upstream reads nothing, then delivers all of it', async () => {
    const session = http2.connect(`http://127.0.0.1:${h.port('grpc')}`);
    try {
      const req = session.request({ ':path': '/upload', ':method': 'POST' });
      const state = { written: 0, blocked: false, done: false };
      const chunk = Buffer.alloc(256 * 1024, 2);
      const pump = (): void => {
        while (state.written < TOTAL) {
          state.written += chunk.length;
          if (!req.write(chunk)) {
            state.blocked = true;
            req.once('drain', () => { state.blocked = false; pump(); });
            return;
          }
        }
        state.done = true;
        req.end();
      };
      pump();
      let stuckPolls = 0;
      await until(() => releaseSink !== null && (state.done || (state.blocked ? ++stuckPolls > 50 : (stuckPolls = 0) > 0)), 'the client to block or finish');
      assert.equal(state.done, false, 'the proxy must not take the whole body ahead of its upstream');
      assert.ok(state.written < 4 * 1024 * 1024, `written ${state.written}`);
      releaseSink!();
      const [headers] = (await once(req, 'response')) as [http2.IncomingHttpHeaders];
      assert.equal(headers[':status'], 200);
      assert.equal(headers['x-received'], String(TOTAL));
    } finally {
      session.close();
    }
  });
});
