import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, seededRandom } from '@skiff/common';
import { HeaderMap } from '../../../http/codec/header-map.ts';
import { StatsRegistry } from '../../../stats/index.ts';
import { FakeStream, requestHeaders } from '../test/fake-stream.ts';
import { parseLocalRateLimitConfig, type LocalRateLimitConfig } from './config.ts';
import { localRateLimitFilter } from './index.ts';

const NAME = 'envoy.filters.http.local_ratelimit';
const ON = { default_value: { numerator: 100, denominator: 'HUNDRED' } };

const cfg = (wire: Record<string, unknown>): LocalRateLimitConfig => {
  const r = parseLocalRateLimitConfig({ stat_prefix: 'rate_limiter', ...wire }, []);
  if (!r.ok) throw new Error(r.errors.join());
  return r.value;
};

function setup(config: LocalRateLimitConfig) {
  const clock = new FakeClock(0);
  const stats = new StatsRegistry();
  const factory = localRateLimitFilter.createFactory(config, { clock, random: seededRandom(1), stats, statPrefix: 'inbound_0.0.0.0_9080', clusters: { get: () => undefined }, filterName: NAME });
  const run = (stream = new FakeStream()) => ({ stream, status: factory(stream).decodeHeaders!(requestHeaders(), true) });
  const count = (s: string) => stats.counter(`rate_limiter.http_local_rate_limit.${s}`).value;
  return { clock, stats, factory, run, count };
}

const bucket = (max: number, perFill: number, seconds: number) => ({ max_tokens: max, tokens_per_fill: { value: perFill }, fill_interval: { seconds: String(seconds) } });

describe('local_ratelimit filter', () => {
  it('answers the 101st request in a fill interval with 429 local_rate_limited, flag RL, and counts Envoy stats', () => {
    const { run, count } = setup(cfg({ token_bucket: bucket(100, 100, 60), filter_enabled: ON, filter_enforced: ON }));
    for (let i = 0; i < 100; i++) assert.equal(run().status, 'Continue');
    const { stream, status } = run();
    assert.equal(status, 'StopIteration');
    assert.deepEqual(stream.localReplies.map((r) => [r.status, r.body, r.details.details]), [[429, 'local_rate_limited', 'local_rate_limited']]);
    assert.equal(stream.info.formatResponseFlags(), 'RL');
    assert.deepEqual(['enabled', 'ok', 'rate_limited', 'enforced'].map(count), [101, 100, 1, 1]);
  });

  it('refills tokens_per_fill after each fill interval, capped at max_tokens', () => {
    const { run, clock } = setup(cfg({ token_bucket: bucket(3, 2, 1), filter_enabled: ON, filter_enforced: ON }));
    for (let i = 0; i < 3; i++) run();
    assert.equal(run().status, 'StopIteration');
    clock.advance(999);
    assert.equal(run().status, 'StopIteration');
    clock.advance(1);
    assert.equal(run().status, 'Continue');
    assert.equal(run().status, 'Continue');
    assert.equal(run().status, 'StopIteration');
    clock.advance(10_000);
    for (let i = 0; i < 3; i++) assert.equal(run().status, 'Continue');
    assert.equal(run().status, 'StopIteration');
  });

  it('does nothing without filter_enabled (Envoy: 0% for safety), and only counts without filter_enforced', () => {
    const off = setup(cfg({ token_bucket: bucket(1, 1, 60) }));
    for (let i = 0; i < 5; i++) assert.equal(off.run().status, 'Continue');
    assert.equal(off.count('enabled'), 0);
    const shadow = setup(cfg({ token_bucket: bucket(1, 1, 60), filter_enabled: ON, request_headers_to_add_when_not_enforced: [{ header: { key: 'x-local-ratelimited', value: 'true' } }] }));
    shadow.run();
    const stream = new FakeStream();
    const headers = requestHeaders();
    assert.equal(shadow.factory(stream).decodeHeaders!(headers, true), 'Continue');
    assert.equal(headers.headers.get('x-local-ratelimited'), 'true');
    assert.deepEqual(['enabled', 'ok', 'rate_limited', 'enforced'].map(shadow.count), [2, 1, 1, 0]);
  });

  it('uses the route typed_per_filter_config with its own bucket over the filter-level one', () => {
    const { factory, stats } = setup(cfg({ filter_enabled: ON, filter_enforced: ON }));
    const route = cfg({ stat_prefix: 'route_limiter', token_bucket: bucket(2, 2, 60), filter_enabled: ON, filter_enforced: ON });
    const through = (perRoute?: LocalRateLimitConfig) => {
      const s = new FakeStream();
      if (perRoute) s.perRoute.set(NAME, perRoute);
      return factory(s).decodeHeaders!(requestHeaders(), true);
    };
    assert.deepEqual([through(route), through(route), through(route)], ['Continue', 'Continue', 'StopIteration']);
    assert.deepEqual([through(), through(), through()], ['Continue', 'Continue', 'Continue']);
    assert.equal(stats.counter('route_limiter.http_local_rate_limit.rate_limited').value, 1);
  });

  it('adds x-ratelimit-* headers (DRAFT_VERSION_03) to responses of enabled requests', () => {
    const { factory, clock } = setup(cfg({ token_bucket: bucket(10, 10, 60), filter_enabled: ON, filter_enforced: ON, enable_x_ratelimit_headers: 'DRAFT_VERSION_03' }));
    clock.advance(15_500);
    const f = factory(new FakeStream());
    f.decodeHeaders!(requestHeaders(), true);
    const response = { status: 200, reason: 'OK', headers: new HeaderMap(), framing: 'none' as const, contentLength: 0 };
    f.encodeHeaders!(response, true);
    assert.deepEqual(['limit', 'remaining', 'reset'].map((k) => response.headers.get(`x-ratelimit-${k}`)), ['10', '9', '45']);
  });

  it('keeps a bucket per downstream connection when local_rate_limit_per_downstream_connection is set', () => {
    const { factory } = setup(cfg({ token_bucket: bucket(1, 1, 60), filter_enabled: ON, filter_enforced: ON, local_rate_limit_per_downstream_connection: true }));
    const a = new FakeStream();
    const b = new FakeStream();
    assert.equal(factory(a).decodeHeaders!(requestHeaders(), true), 'Continue');
    assert.equal(factory(b).decodeHeaders!(requestHeaders(), true), 'Continue');
    assert.equal(factory(a).decodeHeaders!(requestHeaders(), true), 'StopIteration');
  });
});
