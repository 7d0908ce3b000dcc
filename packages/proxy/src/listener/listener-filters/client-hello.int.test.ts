import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { readClientHello } from './client-hello.ts';

/** The first bytes a real node:tls client sends (its ClientHello), captured by a plain TCP server on 127.0.0.1. */
async function captureClientHello(servername: string | undefined, alpn: string[] | undefined): Promise<Buffer> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const got = new Promise<Buffer>((resolve) => server.once('connection', (s) => s.once('data', (b: Buffer) => {
    resolve(b);
    s.destroy();
  })));
  const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername, ALPNProtocols: alpn });
  client.on('error', () => {});
  const hello = await got;
  client.destroy();
  server.close();
  return hello;
}

describe('TLS inspector: ClientHello reader', () => {
  it('reads SNI (lower-cased) and ALPN from a real ClientHello', async () => {
    const hello = await captureClientHello('Shop.Example.com', ['h2', 'http/1.1']);
    assert.deepEqual(readClientHello(hello), { kind: 'tls', serverName: 'shop.example.com', applicationProtocols: ['h2', 'http/1.1'] });
  });

  it('reports TLS without SNI or ALPN when the client sends neither', async () => {
    const hello = await captureClientHello(undefined, undefined);
    assert.deepEqual(readClientHello(hello), { kind: 'tls', serverName: '', applicationProtocols: [] });
  });

  it('asks for more bytes until the ClientHello is complete, also across handshake records', async () => {
    const hello = await captureClientHello('a.example.com', ['istio']);
    assert.deepEqual(readClientHello(hello.subarray(0, 3)), { kind: 'need_more' });
    assert.deepEqual(readClientHello(hello.subarray(0, hello.length - 1)), { kind: 'need_more' });
    // The same handshake message split into two records, as a client may send it.
    const body = hello.subarray(5);
    const record = (b: Buffer) => Buffer.concat([Buffer.from([0x16, 0x03, 0x01, b.length >> 8, b.length & 0xff]), b]);
    const split = Buffer.concat([record(body.subarray(0, 40)), record(body.subarray(40))]);
    assert.deepEqual(readClientHello(split.subarray(0, 50)), { kind: 'need_more' });
    assert.deepEqual(readClientHello(split), { kind: 'tls', serverName: 'a.example.com', applicationProtocols: ['istio'] });
  });

  it('says not TLS for plaintext HTTP and for bytes that only start like a record', () => {
    assert.deepEqual(readClientHello(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n')), { kind: 'not_tls' });
    assert.deepEqual(readClientHello(Buffer.from([0x16, 0x01, 0x00])), { kind: 'not_tls' });
    assert.deepEqual(readClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00])), { kind: 'not_tls' }, 'a ServerHello is not a ClientHello');
  });

  it('refuses a ClientHello larger than max_client_hello_size (64 KiB)', () => {
    const header = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x01, 0x11, 0x70]);
    assert.deepEqual(readClientHello(header), { kind: 'too_large' });
  });
});
