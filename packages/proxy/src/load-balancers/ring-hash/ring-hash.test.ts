import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, seededRandom } from '@skiff/common';
import { Host } from '../../upstream/host.ts';
import { PrioritySet } from '../../upstream/priority-set.ts';
import { hash32 } from '../hash.ts';
import { runLoadBalancerConformance } from '../conformance.test-suite.ts';
import { DEFAULT_RING_HASH, ringHash } from './index.ts';

runLoadBalancerConformance('ring_hash', (hosts, ctx) => ringHash.create(hosts, DEFAULT_RING_HASH, ctx));

describe('ring_hash', () => {
  const ctx = { clock: new FakeClock(0), random: seededRandom(1), healthyPanicThresholdPercent: 50 };
  const req = (key: string) => ({ hashKey: hash32(key), shouldSelectAnotherHost: () => false, hostSelectionRetryMaxAttempts: 1 });
  it('sends the same hash key to the same host every time', () => {
    const hs = Array.from({ length: 5 }, (_, i) => new Host(`10.0.0.${i + 1}`, 80));
    const lb = ringHash.create(new PrioritySet(hs), DEFAULT_RING_HASH, ctx);
    for (const user of ['alice', 'bob', 'carol']) {
      const first = lb.picker.pick(req(user));
      for (let i = 0; i < 10; i++) assert.equal(lb.picker.pick(req(user)), first);
    }
  });
  it('moves only a minority of keys when one of five hosts is removed', () => {
    const hs = Array.from({ length: 5 }, (_, i) => new Host(`10.0.0.${i + 1}`, 80));
    const set = new PrioritySet(hs);
    const lb = ringHash.create(set, DEFAULT_RING_HASH, ctx);
    const keys = Array.from({ length: 500 }, (_, i) => `user-${i}`);
    const before = keys.map((k) => lb.picker.pick(req(k))!.key);
    set.update(hs.slice(0, 4), 140);
    lb.onHostsChanged({ reason: 'membership' });
    const moved = keys.filter((k, i) => before[i] !== hs[4].key && lb.picker.pick(req(k))!.key !== before[i]).length;
    assert.ok(moved < 100, `${moved} of 500 keys moved`);
  });
});

describe('ring_hash config', () => {
  it('reads UInt64Value sizes as decoded from the wire and rejects min > max with its path', () => {
    assert.deepEqual(ringHash.parseConfig({ minimum_ring_size: { value: '2048' } }, []), { ok: true, value: { minimumRingSize: 2048, maximumRingSize: 8388608 } });
    assert.deepEqual(ringHash.parseConfig({ minimum_ring_size: { value: '10' }, maximum_ring_size: { value: '5' } }, ['p']).ok, false);
  });
});
