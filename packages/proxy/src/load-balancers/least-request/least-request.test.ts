import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, seededRandom } from '@skiff/common';
import { Host } from '../../upstream/host.ts';
import { PrioritySet } from '../../upstream/priority-set.ts';
import { runLoadBalancerConformance } from '../conformance.test-suite.ts';
import { DEFAULT_LEAST_REQUEST, leastRequest } from './index.ts';

runLoadBalancerConformance('least_request', (hosts, ctx) => leastRequest.create(hosts, DEFAULT_LEAST_REQUEST, ctx));

describe('least_request', () => {
  it('prefers the host with fewer active requests among its choices', () => {
    const hs = [new Host('10.0.0.1', 80), new Host('10.0.0.2', 80)];
    hs[0].stats.rq_active = 10;
    const lb = leastRequest.create(new PrioritySet(hs), { choiceCount: 5 }, { clock: new FakeClock(0), random: seededRandom(3), healthyPanicThresholdPercent: 50 });
    const picks = Array.from({ length: 100 }, () => lb.picker.pick(null)!.address);
    assert.ok(picks.filter((p) => p === '10.0.0.2').length > 90);
  });
  it('rejects choice_count below 2 with its field path', () => {
    assert.deepEqual(leastRequest.parseConfig({ choice_count: { value: 1 } }, ['load_balancing_policy']), { ok: false, errors: ['load_balancing_policy.choice_count: value must be greater than or equal to 2'] });
  });
});
