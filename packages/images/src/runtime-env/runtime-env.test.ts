import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration, parseGoFlags } from './go-flags.ts';
import { appHost, parseListenAddress } from './listen-address.ts';
import { isNoProxy, proxyFor, requestTarget } from './outbound-proxy.ts';

describe('listen addresses (ADR 0004)', () => {
  it('listens on SKIFF_APP_IP, then POD_IP, then 127.0.0.1', () => {
    assert.equal(appHost({ SKIFF_APP_IP: '127.2.0.7', POD_IP: '127.1.0.7' }), '127.2.0.7');
    assert.equal(appHost({ POD_IP: '127.1.0.7' }), '127.1.0.7');
    assert.equal(appHost({}), '127.0.0.1');
  });

  it('turns a wildcard host into the application address and keeps an explicit one', () => {
    const env = { SKIFF_APP_IP: '127.2.0.7' };
    assert.deepEqual(parseListenAddress(':8080', env), { host: '127.2.0.7', port: 8080 });
    assert.deepEqual(parseListenAddress('0.0.0.0:80', env), { host: '127.2.0.7', port: 80 });
    assert.deepEqual(parseListenAddress('127.0.0.1:9', env), { host: '127.0.0.1', port: 9 });
    assert.match((parseListenAddress(':http', env) as Error).message, /invalid listen address ":http"/);
  });
});

describe("Go's flag syntax", () => {
  it('reads -name value, -name=value, --name=value and booleans, stopping at the first argument', () => {
    const f = parseGoFlags(['-c', '2', '--qps=0', '-a', '-H', 'a: 1', '-H', 'b: 2', 'http://x', '-n', '3'], { known: ['c', 'qps', 'n'], boolean: ['a'], repeatable: ['H'] });
    assert.equal(f.values.get('c'), '2');
    assert.equal(f.values.get('qps'), '0');
    assert.equal(f.values.get('a'), 'true');
    assert.deepEqual(f.lists.get('H'), ['a: 1', 'b: 2']);
    assert.deepEqual(f.rest, ['http://x', '-n', '3']);
  });

  it("fails with Go's messages on an unknown flag or a missing value", () => {
    assert.throws(() => parseGoFlags(['-x'], { known: [] }), /flag provided but not defined: -x/);
    assert.throws(() => parseGoFlags(['-c'], { known: ['c'] }), /flag needs an argument: -c/);
  });

  it('parses Go durations', () => {
    assert.equal(parseGoDuration('1m30s'), 90_000);
    assert.equal(parseGoDuration('250ms'), 250);
    assert.equal(parseGoDuration('1.5s'), 1500);
    assert.equal(parseGoDuration('2', true), 2000);
    assert.equal(parseGoDuration('2'), undefined);
    assert.equal(parseGoDuration('5x'), undefined);
  });
});

describe('outbound proxy', () => {
  it('uses http_proxy before HTTP_PROXY for http URLs and https_proxy for https URLs', () => {
    const url = new URL('http://reviews:9080/reviews/0');
    assert.equal(proxyFor(url, { http_proxy: 'http://127.1.0.7:15001', HTTP_PROXY: 'http://other:1' })?.host, '127.1.0.7:15001');
    assert.equal(proxyFor(url, { HTTP_PROXY: '127.1.0.7:15001' })?.host, '127.1.0.7:15001');
    assert.equal(proxyFor(new URL('https://x/'), { HTTP_PROXY: 'http://p:1' }), undefined);
    assert.equal(proxyFor(new URL('https://x/'), { HTTPS_PROXY: 'http://p:1' })?.host, 'p:1');
  });

  it('skips the proxy for NO_PROXY hosts, domain suffixes, ports and *', () => {
    assert.equal(isNoProxy(new URL('http://127.2.0.7:9080/'), 'localhost,127.0.0.1,127.1.0.7,127.2.0.7'), true);
    assert.equal(isNoProxy(new URL('http://reviews.default.svc:9080/'), '.svc'), true);
    assert.equal(isNoProxy(new URL('http://reviews:9080/'), 'reviews:8080'), false);
    assert.equal(isNoProxy(new URL('http://reviews:9080/'), '*'), true);
    assert.equal(isNoProxy(new URL('http://reviews:9080/'), 'localhost'), false);
  });

  it('sends absolute form to the proxy and origin form without one', () => {
    const url = new URL('http://reviews:9080/reviews/0?x=1');
    assert.deepEqual(requestTarget(url, new URL('http://127.1.0.7:15001')), { connectHost: '127.1.0.7', connectPort: 15001, path: 'http://reviews:9080/reviews/0?x=1', hostHeader: 'reviews:9080', viaProxy: true });
    assert.deepEqual(requestTarget(url, undefined), { connectHost: 'reviews', connectPort: 9080, path: '/reviews/0?x=1', hostHeader: 'reviews:9080', viaProxy: false });
  });
});
