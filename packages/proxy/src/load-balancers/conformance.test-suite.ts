/**
 * The shared contract every load balancer must meet (hono's
 * common.case.test.ts pattern): each implementation's test calls
 * runLoadBalancerConformance with a factory.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, seededRandom } from '@skiff/common';
import { HealthFlag, Host } from '../upstream/host.ts';
import { PrioritySet } from '../upstream/priority-set.ts';
import type { LbContext, LbRequestContext, LoadBalancer } from './types.ts';

export type MakeBalancer = (hosts: PrioritySet, ctx: LbContext) => LoadBalancer;

function hosts(n: number, priority = 0, base = 1): Host[] {
  return Array.from({ length: n }, (_, i) => new Host(`10.0.${priority}.${base + i}`, 80, { priority }));
}

function ctx(panic = 50, seed = 1): LbContext {
  return { clock: new FakeClock(0), random: seededRandom(seed), healthyPanicThresholdPercent: panic };
}

/** A request context with its own hash each call, so hashing balancers spread too. */
function requests(seed: number): () => LbRequestContext {
  const r = seededRandom(seed);
  return () => ({ hashKey: (r.next() * 0x1_0000_0000) >>> 0, shouldSelectAnotherHost: () => false, hostSelectionRetryMaxAttempts: 1 });
}

function pickMany(lb: LoadBalancer, n: number, seed = 9): Map<string, number> {
  const counts = new Map<string, number>();
  const next = requests(seed);
  for (let i = 0; i < n; i++) {
    const h = lb.picker.pick(next());
    const key = h?.key ?? 'null';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export function runLoadBalancerConformance(name: string, make: MakeBalancer): void {
  describe(`${name} conformance`, () => {
    it('returns null when the cluster has no hosts', () => {
      assert.equal(make(new PrioritySet([]), ctx()).picker.pick(null), null);
    });

    it('returns null when no host is healthy and panic mode is disabled', () => {
      const hs = hosts(3);
      for (const h of hs) h.setFlag(HealthFlag.FAILED_EDS_HEALTH);
      const lb = make(new PrioritySet(hs), ctx(0));
      assert.deepEqual([...pickMany(lb, 50).keys()], ['null']);
    });

    it('never picks an ejected or unhealthy host', () => {
      const hs = hosts(4);
      hs[1].setFlag(HealthFlag.FAILED_OUTLIER_CHECK);
      const lb = make(new PrioritySet(hs), ctx());
      const counts = pickMany(lb, 400);
      assert.equal(counts.has(hs[1].key), false);
      assert.equal(counts.has('null'), false);
      assert.ok(counts.size >= 2, `spreads over the healthy hosts: ${[...counts.keys()]}`);
    });

    it('fails over to the next priority below the overprovisioning factor', () => {
      const p0 = hosts(10, 0);
      const p1 = hosts(2, 1);
      for (const h of p0.slice(0, 5)) h.setFlag(HealthFlag.FAILED_EDS_HEALTH);
      // P0 health = min(100, 1.4 × 50%) = 70%: about 30% of picks go to P1.
      const lb = make(new PrioritySet([...p0, ...p1]), ctx());
      const counts = pickMany(lb, 2000);
      const toP1 = p1.reduce((s, h) => s + (counts.get(h.key) ?? 0), 0);
      assert.ok(toP1 > 400 && toP1 < 800, `P1 got ${toP1} of 2000`);
      for (const h of p0.slice(0, 5)) assert.equal(counts.has(h.key), false);
    });

    it('keeps all traffic on priority 0 while its health is at or above 100/overprovisioning', () => {
      const p0 = hosts(4, 0);
      p0[0].setFlag(HealthFlag.FAILED_EDS_HEALTH);
      const lb = make(new PrioritySet([...p0, ...hosts(2, 1)]), ctx());
      const counts = pickMany(lb, 500);
      assert.ok([...counts.keys()].every((k) => k.startsWith('10.0.0.')), [...counts.keys()].join());
    });

    it('enters panic mode below healthy_panic_threshold and uses every host', () => {
      const hs = hosts(4);
      for (const h of hs.slice(0, 3)) h.setFlag(HealthFlag.FAILED_OUTLIER_CHECK);
      const lb = make(new PrioritySet(hs), ctx(50));
      const counts = pickMany(lb, 800);
      assert.ok(hs.slice(0, 3).some((h) => counts.has(h.key)), 'an unhealthy host is picked in panic');
    });

    it('publishes a new picker after onHostsChanged', () => {
      const hs = hosts(3);
      const set = new PrioritySet(hs);
      const lb = make(set, ctx(0));
      const before = lb.picker;
      hs[0].setFlag(HealthFlag.FAILED_OUTLIER_CHECK);
      hs[1].setFlag(HealthFlag.FAILED_OUTLIER_CHECK);
      set.refreshHealth();
      lb.onHostsChanged({ reason: 'health' });
      assert.notEqual(lb.picker, before);
      assert.deepEqual([...pickMany(lb, 100, 3).keys()], [hs[2].key]);
    });

    it('honours retry host predicates by picking another host', () => {
      const hs = hosts(2);
      const lb = make(new PrioritySet(hs), ctx(0));
      for (let i = 0; i < 50; i++) {
        const avoid = hs[i % 2];
        const picked = lb.picker.pick({ hashKey: (i * 2654435761) >>> 0, shouldSelectAnotherHost: (h) => h === avoid, hostSelectionRetryMaxAttempts: 20 });
        assert.notEqual(picked, avoid);
      }
    });
  });
}
