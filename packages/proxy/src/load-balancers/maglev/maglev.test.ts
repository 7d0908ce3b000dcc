import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, seededRandom } from '@skiff/common';
import { Host } from '../../upstream/host.ts';
import { PrioritySet } from '../../upstream/priority-set.ts';
import { hash32 } from '../hash.ts';
import { runLoadBalancerConformance } from '../conformance.test-suite.ts';
import { DEFAULT_MAGLEV, maglev } from './index.ts';

runLoadBalancerConformance('maglev', (hosts, ctx) => maglev.create(hosts, DEFAULT_MAGLEV, ctx));

describe('maglev', () => {
  const ctx = { clock: new FakeClock(0), random: seededRandom(1), healthyPanicThresholdPercent: 50 };
  const req = (key: string) => ({ hashKey: hash32(key), shouldSelectAnotherHost: () => false, hostSelectionRetryMaxAttempts: 1 });
  it('sends the same hash key to the same host every time', () => {
    const hs = Array.from({ length: 5 }, (_, i) => new Host(`10.0.0.${i + 1}`, 80));
    const lb = maglev.create(new PrioritySet(hs), DEFAULT_MAGLEV, ctx);
    for (const user of ['alice', 'bob', 'carol']) {
      const first = lb.picker.pick(req(user));
      for (let i = 0; i < 10; i++) assert.equal(lb.picker.pick(req(user)), first);
    }
  });
  it('moves only a minority of keys when one of five hosts is removed', () => {
    const hs = Array.from({ length: 5 }, (_, i) => new Host(`10.0.0.${i + 1}`, 80));
    const set = new PrioritySet(hs);
    const lb = maglev.create(set, DEFAULT_MAGLEV, ctx);
    const keys = Array.from({ length: 500 }, (_, i) => `user-${i}`);
    const before = keys.map((k) => lb.picker.pick(req(k))!.key);
    set.update(hs.slice(0, 4), 140);
    lb.onHostsChanged({ reason: 'membership' });
    const moved = keys.filter((k, i) => before[i] !== hs[4].key && lb.picker.pick(req(k))!.key !== before[i]).length;
    assert.ok(moved < 100, `${moved} of 500 keys moved`);
  });
});
