import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom, randomInt } from '@skiff/common';
import type { HeaderMap } from './header-map.ts';
import { Http1Parser } from './http1-parser.ts';
import { type CodecError, DEFAULT_CODEC_LIMITS, type RequestHead, type ResponseHead } from './types.ts';

type Event = string;

/** Feeds `input` split at `cuts`, resuming after every message; returns a readable event log. */
function parseRequests(input: string | Buffer, cuts: number[] = [], limits = DEFAULT_CODEC_LIMITS): Event[] {
  const events: Event[] = [];
  let body: Buffer[] = [];
  const flush = () => {
    if (body.length > 0) events.push(`body ${Buffer.concat(body).toString('latin1')}`);
    body = [];
  };
  const parser = Http1Parser.forRequests(
    {
      onHead: (h: RequestHead) => events.push(`head ${h.method} ${h.path} 1.${h.versionMinor} ${h.framing}:${h.contentLength} ka=${h.keepAlive} up=${h.upgrade} ec=${h.expectContinue} [${[...h.headers].map(([n, v]) => `${n}=${v}`).join('|')}]`),
      onBody: (c: Buffer) => body.push(Buffer.from(c)),
      onTrailers: (t: HeaderMap) => {
        flush();
        events.push(`trailers [${[...t].map(([n, v]) => `${n}=${v}`).join('|')}]`);
      },
      onMessageComplete: () => {
        flush();
        events.push('complete');
      },
      onError: (e: CodecError) => {
        flush();
        events.push(`error ${e.status} ${e.details}`);
      },
    },
    limits,
  );
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  let last = 0;
  for (const cut of [...cuts, buf.length]) {
    parser.execute(buf.subarray(last, cut));
    last = cut;
    while (parser.isPaused) {
      const before = events.length;
      parser.resume();
      if (parser.isPaused && events.length === before) break;
    }
  }
  return events;
}

function parseResponse(input: string, opts: { head?: boolean; finish?: boolean } = {}): Event[] {
  const events: Event[] = [];
  const parser = Http1Parser.forResponses(
    {
      onHead: (h: ResponseHead) => events.push(`head ${h.status} ${h.reason} ${h.framing}:${h.contentLength} ka=${h.keepAlive}`),
      onBody: (c: Buffer) => events.push(`body ${c.toString('latin1')}`),
      onTrailers: (t: HeaderMap) => events.push(`trailers ${[...t].map(([n, v]) => `${n}=${v}`).join('|')}`),
      onMessageComplete: () => events.push('complete'),
      onError: (e: CodecError) => events.push(`error ${e.status}`),
    },
    DEFAULT_CODEC_LIMITS,
  );
  parser.expectResponse(opts.head ?? false);
  parser.execute(Buffer.from(input, 'latin1'));
  if (opts.finish) events.push(`finish ${parser.finish()}`);
  const leftover = parser.takeLeftover();
  if (leftover !== null) events.push(`leftover ${leftover.toString('latin1')}`);
  return events;
}

const CHUNKED =
  'POST /upload?x=1 HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\nX-Case: KeepMe\r\n\r\n' +
  '5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\nX-Other: 2\r\n\r\n';

describe('Http1Parser requests', () => {
  it('parses the same events whatever the chunk boundaries (every single split and every byte alone)', () => {
    const whole = parseRequests(CHUNKED);
    assert.deepEqual(whole, [
      'head POST /upload?x=1 1.1 chunked:-1 ka=true up=false ec=false [Host=a.example|Transfer-Encoding=chunked|X-Case=KeepMe]',
      'body hello world',
      'trailers [X-Checksum=abc|X-Other=2]',
      'complete',
    ]);
    for (let i = 1; i < CHUNKED.length; i++) assert.deepEqual(parseRequests(CHUNKED, [i]), whole, `split at ${i}`);
    assert.deepEqual(parseRequests(CHUNKED, [...Array(CHUNKED.length).keys()].slice(1)), whole);
  });

  it('keeps raw header case and order and looks names up in lowercase', () => {
    let head: RequestHead | undefined;
    const p = Http1Parser.forRequests(
      { onHead: (h) => (head = h), onBody() {}, onTrailers() {}, onMessageComplete() {}, onError: (e) => assert.fail(e.details) },
      DEFAULT_CODEC_LIMITS,
    );
    p.execute(Buffer.from('GET / HTTP/1.1\r\nHOST: h\r\nX-A: 1\r\nx-a:  2 \r\n\r\n'));
    assert.ok(head);
    assert.equal(head.headers.get('host'), 'h');
    assert.deepEqual(head.headers.getAll('x-a'), ['1', '2']);
    assert.deepEqual([...head.headers].map(([n]) => n), ['HOST', 'X-A', 'x-a']);
  });

  it('delivers a content-length body and stops at its end', () => {
    assert.deepEqual(parseRequests('PUT /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nabcde', [40]), [
      'head PUT /a 1.1 content-length:5 ka=true up=false ec=false [Host=h|Content-Length=5]',
      'body abcde',
      'complete',
    ]);
  });

  it('pauses after each pipelined request and parses the next only when resumed', () => {
    const input = 'GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n';
    const events: string[] = [];
    const p = Http1Parser.forRequests(
      { onHead: (h) => events.push(h.path), onBody() {}, onTrailers() {}, onMessageComplete: () => events.push('done'), onError: (e) => events.push(e.details) },
      DEFAULT_CODEC_LIMITS,
    );
    p.execute(Buffer.from(input));
    assert.deepEqual(events, ['/1', 'done']);
    assert.equal(p.isPaused, true);
    p.resume();
    assert.deepEqual(events, ['/1', 'done', '/2', 'done']);
  });

  it('reads HTTP/1.0 keep-alive, Connection: close, upgrade and Expect: 100-continue', () => {
    assert.match(parseRequests('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')[0], /1\.0 none:-1 ka=true/);
    assert.match(parseRequests('GET / HTTP/1.0\r\n\r\n')[0], /ka=false/);
    assert.match(parseRequests('GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n')[0], /ka=false/);
    const up = parseRequests('GET /ws HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\nraw');
    assert.deepEqual(up.length, 1);
    assert.match(up[0], /up=true/);
    const ec = parseRequests('POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx');
    assert.match(ec[0], /ec=true \[Host=h\|Content-Length=1\]/);
  });

  it('ignores empty lines before a request line, even when split after the CR', () => {
    assert.match(parseRequests('\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n', [1])[0], /^head GET \//);
  });

  it('answers 431 when the head exceeds the size limit, complete or not', () => {
    const limits = { maxHeadersBytes: 64, maxHeadersCount: 100 };
    const big = `GET / HTTP/1.1\r\nHost: h\r\nX: ${'a'.repeat(80)}\r\n\r\n`;
    assert.deepEqual(parseRequests(big, [], limits), ['error 431 http1.headers_too_large']);
    assert.deepEqual(parseRequests(big.slice(0, 100), [], limits), ['error 431 http1.headers_too_large']);
  });

  it('answers 431 for more headers than max_headers_count', () => {
    const many = 'GET / HTTP/1.1\r\n' + Array.from({ length: 101 }, (_, i) => `h${i}: v\r\n`).join('') + '\r\n';
    assert.deepEqual(parseRequests(many), ['error 431 http1.too_many_headers']);
  });

  const malformed: [string, string, string][] = [
    ['no version', 'GET /\r\nHost: h\r\n\r\n', 'error 400 http1.codec_error'],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'error 400 http1.codec_error'],
    ['space in target', 'GET /a b HTTP/1.1\r\nHost: h\r\n\r\n', 'error 400 http1.codec_error'],
    ['bad method', 'G(T / HTTP/1.1\r\nHost: h\r\n\r\n', 'error 400 http1.codec_error'],
    ['whitespace before colon', 'GET / HTTP/1.1\r\nHost : h\r\n\r\n', 'error 400 http1.invalid_characters'],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n  b\r\n\r\n', 'error 400 http1.codec_error'],
    ['bare LF', 'GET / HTTP/1.1\nHost: h\n\n', 'error 400 http1.codec_error'],
    ['NUL in a value', 'GET / HTTP/1.1\r\nHost: h\x00\r\n\r\n', 'error 400 http1.invalid_characters'],
    ['control character in a value', 'GET / HTTP/1.1\r\nHost: h\r\nX-A: b\x01c\r\n\r\n', 'error 400 http1.invalid_characters'],
    ['control character in the request line', 'GET /\x01 HTTP/1.1\r\nHost: h\r\n\r\n', 'error 400 http1.codec_error'],
    ['no colon', 'GET / HTTP/1.1\r\nHost\r\n\r\n', 'error 400 http1.codec_error'],
    ['content-length with transfer-encoding', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n', 'error 400 http1.content_length_and_chunked_not_allowed'],
    ['conflicting content-lengths', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n', 'error 400 http1.content_length_not_allowed'],
    ['negative content-length', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n', 'error 400 http1.content_length_not_allowed'],
    ['unknown transfer-encoding', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 'error 501 http1.invalid_transfer_encoding'],
    ['bad chunk size', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'error 400 http1.invalid_chunk_size'],
    ['chunk data overrun', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n', 'error 400 http1.invalid_chunk_data'],
    ['huge chunk size', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n', 'error 400 http1.invalid_chunk_size'],
  ];
  for (const [name, input, expected] of malformed) {
    it(`rejects a request with ${name}`, () => {
      assert.equal(parseRequests(input).at(-1), expected);
    });
  }

  it('survives 20,000 seeded mutations of valid requests: every run ends in messages or one error, never a throw', () => {
    const random = seededRandom(4242);
    const seeds = [
      CHUNKED,
      'GET /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nHost: h\r\n\r\n',
      'POST /x HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi',
    ];
    const alphabet = Buffer.from('\r\n :;0aF\x00\x7f\tX-/HTTP1.chunkedContent-Length', 'latin1');
    for (let n = 0; n < 20_000; n++) {
      const bytes = Buffer.from(seeds[n % seeds.length], 'latin1');
      const out: number[] = [...bytes];
      const mutations = 1 + randomInt(random, 4);
      for (let m = 0; m < mutations; m++) {
        const at = randomInt(random, out.length + 1);
        const op = randomInt(random, 4);
        const b = random.next() < 0.5 ? alphabet[randomInt(random, alphabet.length)] : randomInt(random, 256);
        if (op === 0) out.splice(at, 1);
        else if (op === 1) out.splice(at, 0, b);
        else if (op === 2) out[Math.min(at, out.length - 1)] = b;
        else out.splice(at, 0, ...out.slice(randomInt(random, out.length), randomInt(random, out.length)));
      }
      const input = Buffer.from(out);
      const cuts = [randomInt(random, input.length + 1)].filter((c) => c > 0 && c < input.length);
      const whole = parseRequests(input);
      const split = parseRequests(input, cuts);
      assert.deepEqual(split, whole, `mutation ${n} split at ${cuts} differs: ${JSON.stringify(input.toString('latin1'))}`);
      assert.ok(whole.filter((e) => e.startsWith('error')).length <= 1);
    }
  });
});

describe('Http1Parser responses', () => {
  it('reads content-length, chunked with trailers, and keep-alive', () => {
    assert.deepEqual(parseResponse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi'), ['head 200 OK content-length:2 ka=true', 'body hi', 'complete']);
    assert.deepEqual(parseResponse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nhi\r\n0\r\ngrpc-status: 0\r\n\r\n'), [
      'head 200 OK chunked:-1 ka=false',
      'body hi',
      'trailers grpc-status=0',
      'complete',
    ]);
  });

  it('expects no body after HEAD, 204 and 304 whatever the headers say', () => {
    assert.deepEqual(parseResponse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', { head: true }), ['head 200 OK none:10 ka=true', 'complete']);
    assert.deepEqual(parseResponse('HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n'), ['head 204 No Content none:10 ka=true', 'complete']);
    assert.deepEqual(parseResponse('HTTP/1.1 304 Not Modified\r\n\r\n'), ['head 304 Not Modified none:-1 ka=true', 'complete']);
  });

  it('skips 1xx responses other than 101 and reads the final one', () => {
    assert.deepEqual(parseResponse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n'), ['head 201 Created none:0 ka=true', 'complete']);
  });

  it('reads a body without framing until the connection closes, and never reuses that connection', () => {
    assert.deepEqual(parseResponse('HTTP/1.0 200 OK\r\n\r\nsome', { finish: true }), ['head 200 OK close-delimited:-1 ka=false', 'body some', 'complete', 'finish true']);
  });

  it('reports a close in the middle of a content-length body as unclean', () => {
    assert.deepEqual(parseResponse('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nsome', { finish: true }), ['head 200 OK content-length:9 ka=true', 'body some', 'finish false']);
  });

  it('stops at a 101 and keeps the bytes of the new protocol', () => {
    assert.deepEqual(parseResponse('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x00'), ['head 101 Switching Protocols none:-1 ka=true', 'leftover \x81\x00']);
  });

  it('rejects a garbage status line and a response with both framings', () => {
    assert.deepEqual(parseResponse('HTTP/1.1 2x0 OK\r\n\r\n'), ['error 400']);
    assert.deepEqual(parseResponse('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n'), ['error 400']);
  });
});
