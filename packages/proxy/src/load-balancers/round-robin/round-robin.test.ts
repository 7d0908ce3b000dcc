import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, seededRandom } from '@skiff/common';
import { Host } from '../../upstream/host.ts';
import { PrioritySet } from '../../upstream/priority-set.ts';
import { runLoadBalancerConformance } from '../conformance.test-suite.ts';
import { DEFAULT_ROUND_ROBIN, roundRobin } from './index.ts';

runLoadBalancerConformance('round_robin', (hosts, ctx) => roundRobin.create(hosts, DEFAULT_ROUND_ROBIN, ctx));

describe('round_robin', () => {
  const ctx = { clock: new FakeClock(0), random: seededRandom(1), healthyPanicThresholdPercent: 50 };
  it('visits equal-weight hosts in turn', () => {
    const hs = [new Host('10.0.0.1', 80), new Host('10.0.0.2', 80), new Host('10.0.0.3', 80)];
    const lb = roundRobin.create(new PrioritySet(hs), DEFAULT_ROUND_ROBIN, ctx);
    const picks = Array.from({ length: 6 }, () => lb.picker.pick(null)!.address);
    assert.deepEqual(picks.slice(3), picks.slice(0, 3));
    assert.equal(new Set(picks).size, 3);
  });
  it('gives hosts turns in proportion to their weights, interleaved', () => {
    const hs = [new Host('10.0.0.1', 80, { weight: 3 }), new Host('10.0.0.2', 80, { weight: 1 })];
    const lb = roundRobin.create(new PrioritySet(hs), DEFAULT_ROUND_ROBIN, ctx);
    const picks = Array.from({ length: 8 }, () => lb.picker.pick(null)!.address);
    assert.equal(picks.filter((p) => p === '10.0.0.1').length, 6);
    assert.ok(!picks.join().includes('10.0.0.2,10.0.0.2'));
  });
});
