import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCurlArgs } from './options.ts';
import { formatWriteOut } from './write-out.ts';
import type { TransferResult } from './transfer.ts';

describe("curl's command line", () => {
  it('reads combined short flags and attached values', () => {
    const o = parseCurlArgs(['-sSLo/dev/null', '-w%{http_code}', '-HHost: a', '-m', '1.5', 'http://x/']);
    assert.equal(o.silent && o.showError && o.location, true);
    assert.equal(o.output, '/dev/null');
    assert.equal(o.writeOut, '%{http_code}');
    assert.deepEqual(o.headers, ['Host: a']);
    assert.equal(o.maxTimeMs, 1500);
    assert.deepEqual(o.urls, ['http://x/']);
  });

  it('reads long options, --opt=value, repeated -d and --resolve', () => {
    const o = parseCurlArgs(['--silent', '--max-time=2', '--data', 'a=1', '--data-urlencode', 'q=a b', '--resolve', 'api.example.com:80:127.0.0.1', 'u']);
    assert.equal(o.maxTimeMs, 2000);
    assert.deepEqual(o.data, ['a=1', 'q=a%20b']);
    assert.deepEqual(o.resolve, [{ host: 'api.example.com', port: 80, address: '127.0.0.1' }]);
  });

  it('rejects unknown options, a missing value and a missing URL with curl\'s words', () => {
    assert.throws(() => parseCurlArgs(['-Z', 'u']), /^CurlUsageError: option -Z: is unknown$/);
    assert.throws(() => parseCurlArgs(['u', '-H']), /option -H: requires parameter/);
    assert.throws(() => parseCurlArgs(['-s']), /no URL specified!/);
    assert.throws(() => parseCurlArgs(['-m', 'soon', 'u']), /option -m: expected a proper numerical parameter/);
  });
});

describe("curl's --write-out", () => {
  const result: TransferResult = {
    url: new URL('http://x/users'), status: 503, httpVersion: '1.1', statusMessage: 'Service Unavailable',
    rawHeaders: ['content-type', 'text/plain', 'x-envoy-upstream-service-time', '3'], body: Buffer.from('no healthy upstream'),
    timings: { namelookup: 0, connect: 0.001, appconnect: 0, pretransfer: 0.001, starttransfer: 0.0025, total: 0.003 },
  };
  const ctx = { result, exitCode: 0, numRedirects: 0, method: 'GET', sizeRequest: 0, sizeUpload: 0 };

  it('expands variables, %header{} and escapes', () => {
    const pieces = formatWriteOut('%{http_code} %{time_total}s %{size_download} %header{X-Envoy-Upstream-Service-Time} 100%%\\n', ctx, () => undefined);
    assert.deepEqual(pieces, [{ stream: 'stdout', text: '503 0.003000s 19 3 100%\n' }]);
  });

  it('prints 000 without a response and switches to stderr on %{stderr}', () => {
    const none = { ...ctx, result: { ...result, status: undefined, rawHeaders: [] } };
    assert.deepEqual(formatWriteOut('%{http_code}%{stderr}err', none, () => undefined), [{ stream: 'stdout', text: '000' }, { stream: 'stderr', text: 'err' }]);
  });

  it('warns about an unknown variable', () => {
    const warnings: string[] = [];
    formatWriteOut('%{nope}', ctx, (t) => warnings.push(t));
    assert.deepEqual(warnings, ["curl: unknown --write-out variable: 'nope'\n"]);
  });
});
