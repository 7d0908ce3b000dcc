import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, seededRandom } from '@skiff/common';
import { StatsRegistry } from '../../../stats/index.ts';
import { FakeStream, requestHeaders } from '../test/fake-stream.ts';
import { faultFilter } from './index.ts';
import { parseFaultConfig, type FaultConfig } from './config.ts';

function setup(config: FaultConfig, seed = 1) {
  const clock = new FakeClock(0);
  const stats = new StatsRegistry();
  const factory = faultFilter.createFactory(config, { clock, random: seededRandom(seed), stats, statPrefix: 'outbound_0.0.0.0_80', clusters: { get: () => undefined }, filterName: 'envoy.filters.http.fault' });
  return { clock, stats, factory };
}

const cfg = (wire: Record<string, unknown>): FaultConfig => {
  const r = parseFaultConfig(wire, []);
  if (!r.ok) throw new Error(r.errors.join());
  return r.value;
};

describe('fault filter', () => {
  it('aborts with the configured status, Envoy body and flag FI', () => {
    const { factory, stats } = setup(cfg({ abort: { http_status: 503, percentage: { numerator: 100 } } }));
    const stream = new FakeStream();
    assert.equal(factory(stream).decodeHeaders!(requestHeaders(), true), 'StopIteration');
    assert.deepEqual(stream.localReplies.map((r) => [r.status, r.body, r.details.details]), [[503, 'fault filter abort', 'fault_filter_abort']]);
    assert.equal(stream.info.formatResponseFlags(), 'FI');
    assert.equal(stats.counter('http.outbound_0.0.0.0_80.fault.aborts_injected').value, 1);
  });

  it('holds the request for the fixed delay on the clock, then continues (flag DI)', () => {
    const { factory, clock, stats } = setup(cfg({ delay: { fixed_delay: { seconds: '2' }, percentage: { numerator: 100 } } }));
    const stream = new FakeStream();
    assert.equal(factory(stream).decodeHeaders!(requestHeaders(), true), 'StopIteration');
    clock.advance(1999);
    assert.equal(stream.continued, 0);
    assert.equal(stats.gauge('http.outbound_0.0.0.0_80.fault.active_faults').value, 1);
    clock.advance(1);
    assert.equal(stream.continued, 1);
    assert.equal(stream.info.formatResponseFlags(), 'DI');
    assert.equal(stats.gauge('http.outbound_0.0.0.0_80.fault.active_faults').value, 0);
    assert.equal(stats.counter('http.outbound_0.0.0.0_80.fault.delays_injected').value, 1);
  });

  it('injects in proportion to the percentage under a seeded random', () => {
    const { factory } = setup(cfg({ abort: { http_status: 500, percentage: { numerator: 30 } } }), 42);
    let aborted = 0;
    for (let i = 0; i < 1000; i++) {
      const stream = new FakeStream();
      factory(stream).decodeHeaders!(requestHeaders(), true);
      aborted += stream.localReplies.length;
    }
    assert.ok(aborted > 260 && aborted < 340, `${aborted} of 1000`);
  });

  it('prefers the route typed_per_filter_config over its own config', () => {
    const { factory } = setup(cfg({}));
    const stream = new FakeStream();
    stream.perRoute.set('envoy.filters.http.fault', cfg({ abort: { http_status: 418 } }));
    factory(stream).decodeHeaders!(requestHeaders(), true);
    assert.equal(stream.localReplies[0].status, 418);
    const plain = new FakeStream();
    assert.equal(factory(plain).decodeHeaders!(requestHeaders(), true), 'Continue');
  });

  it('cancels a pending delay when the stream is destroyed', () => {
    const { factory, clock } = setup(cfg({ delay: { fixed_delay: { seconds: '1' } } }));
    const stream = new FakeStream();
    const f = factory(stream);
    f.decodeHeaders!(requestHeaders(), true);
    f.onDestroy!();
    clock.advance(5000);
    assert.equal(stream.continued, 0);
  });
});
