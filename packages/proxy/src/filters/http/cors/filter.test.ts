import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, seededRandom } from '@skiff/common';
import { HeaderMap } from '../../../http/codec/header-map.ts';
import { StatsRegistry } from '../../../stats/index.ts';
import { FakeStream, requestHeaders } from '../test/fake-stream.ts';
import { parseCorsPolicy } from './config.ts';
import { corsFilter } from './index.ts';

const factory = corsFilter.createFactory({}, { clock: new FakeClock(0), random: seededRandom(1), stats: new StatsRegistry(), statPrefix: 'p', clusters: { get: () => undefined }, filterName: 'envoy.filters.http.cors' });
const policy = parseCorsPolicy({ allow_origin_string_match: [{ exact: 'https://app.example.com' }], allow_methods: 'GET,POST', allow_headers: 'x-user', max_age: '600', allow_credentials: { value: true } }, []);

describe('cors filter', () => {
  it('answers an allowed preflight locally with the access-control headers', () => {
    assert.ok(policy.ok);
    const stream = new FakeStream();
    stream.perRoute.set('envoy.filters.http.cors', policy.value);
    const status = factory(stream).decodeHeaders!(requestHeaders([['Origin', 'https://app.example.com'], ['Access-Control-Request-Method', 'POST']], 'OPTIONS'), true);
    assert.equal(status, 'StopIteration');
    assert.deepEqual(stream.localReplies[0].details.headers, [
      ['access-control-allow-origin', 'https://app.example.com'], ['access-control-allow-credentials', 'true'],
      ['access-control-allow-methods', 'GET,POST'], ['access-control-allow-headers', 'x-user'], ['access-control-max-age', '600'],
    ]);
  });
  it('adds allow-origin to responses for allowed origins only', () => {
    assert.ok(policy.ok);
    for (const [origin, expected] of [['https://app.example.com', 'https://app.example.com'], ['https://evil.example', undefined]] as const) {
      const stream = new FakeStream();
      stream.perRoute.set('envoy.filters.http.cors', policy.value);
      const f = factory(stream);
      assert.equal(f.decodeHeaders!(requestHeaders([['origin', origin]]), true), 'Continue');
      const response = { status: 200, reason: 'OK', headers: new HeaderMap(), framing: 'none' as const, contentLength: 0 };
      f.encodeHeaders!(response, true);
      assert.equal(response.headers.get('access-control-allow-origin'), expected);
    }
  });
});
