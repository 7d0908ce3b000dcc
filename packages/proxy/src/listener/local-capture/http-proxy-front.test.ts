import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseProxyRequestHead } from './http-proxy-front.ts';

const parse = (text: string) => parseProxyRequestHead(Buffer.from(text, 'latin1'));

describe('HTTP proxy request heads on virtualOutbound', () => {
  it('turns an absolute-form request into origin form for the URL host:port, keeping Host and dropping Proxy-Connection', () => {
    const t = parse('GET http://reviews:9080/reviews/1?x=1 HTTP/1.1\r\nHost: reviews:9080\r\nProxy-Connection: Keep-Alive\r\nAccept: */*\r\n\r\n');
    assert.equal(t?.kind, 'absolute');
    assert.ok(t?.kind === 'absolute');
    assert.deepEqual(t.destination, { address: 'reviews', port: 9080 });
    assert.equal(t.head.toString('latin1'), 'GET /reviews/1?x=1 HTTP/1.1\r\nHost: reviews:9080\r\nAccept: */*\r\n\r\n');
  });

  it('defaults to port 80 and path /, and adds Host from the URL when the client sent none', () => {
    const t = parse('POST http://Example.COM HTTP/1.0\r\nContent-Length: 0\r\n\r\n');
    assert.ok(t?.kind === 'absolute');
    assert.deepEqual(t.destination, { address: 'example.com', port: 80 });
    assert.equal(t.head.toString('latin1'), 'POST / HTTP/1.0\r\nHost: Example.COM\r\nContent-Length: 0\r\n\r\n');
  });

  it('reads CONNECT host:port, IPv6 included', () => {
    assert.deepEqual(parse('CONNECT reviews:443 HTTP/1.1\r\nHost: reviews:443\r\n\r\n'), { kind: 'connect', destination: { address: 'reviews', port: 443 } });
    assert.deepEqual(parse('CONNECT [fd00::1]:8443 HTTP/1.1\r\n\r\n'), { kind: 'connect', destination: { address: 'fd00::1', port: 8443 } });
  });

  it('waits for the rest of a head that may still be a proxy request', () => {
    assert.equal(parse('GET http://reviews:9080/ HTTP/1.1\r\nHost: re'), undefined);
    assert.equal(parse('CONN'), undefined);
  });

  it('leaves origin-form requests and other protocols alone', () => {
    assert.deepEqual(parse('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), { kind: 'other' });
    assert.deepEqual(parse('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'), { kind: 'other' });
    assert.deepEqual(parse('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), { kind: 'other' });
  });

  it('answers 400 for a CONNECT without a port or a bad URL authority, 431 past 60 KiB of head', () => {
    assert.deepEqual(parse('CONNECT reviews HTTP/1.1\r\n\r\n'), { kind: 'invalid', status: 400 });
    assert.deepEqual(parse('GET http://a:b:c/ HTTP/1.1\r\n\r\n'), { kind: 'invalid', status: 400 });
    assert.deepEqual(parse(`GET http://reviews/ HTTP/1.1\r\nX: ${'a'.repeat(61 * 1024)}`), { kind: 'invalid', status: 431 });
  });
});
