import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, seededRandom } from '@skiff/common';
import { StatsRegistry } from '../stats/index.ts';
import { Cluster } from '../upstream/cluster.ts';
import { parseClusterSettings } from '../upstream/cluster-settings.ts';
import { HealthFlag, Host, type Locality } from '../upstream/host.ts';
import { PrioritySet } from '../upstream/priority-set.ts';
import { parseCluster } from '../xds-client/index.ts';
import { createLoadBalancerRegistry } from './index.ts';
import { priorityLoads } from './prioritized-balancer.ts';
import { DEFAULT_MAGLEV, maglev } from './maglev/index.ts';
import { ringHash, DEFAULT_RING_HASH } from './ring-hash/index.ts';
import { roundRobin } from './round-robin/index.ts';
import type { LbContext, LoadBalancer } from './types.ts';

const zone = (z: string): Locality => ({ region: 'r', zone: z, subZone: '' });

function hosts(n: number, init: { priority?: number; zone?: string; localityWeight?: number; unhealthy?: number } = {}): Host[] {
  const p = init.priority ?? 0;
  return Array.from({ length: n }, (_, i) => {
    const h = new Host(`10.${p}.${init.zone?.charCodeAt(0) ?? 0}.${i + 1}`, 80, { priority: p, locality: zone(init.zone ?? 'a'), localityWeight: init.localityWeight });
    if (i < (init.unhealthy ?? 0)) h.setFlag(HealthFlag.FAILED_ACTIVE_HC);
    return h;
  });
}

function ctx(extra: Partial<LbContext> = {}): LbContext {
  return { clock: new FakeClock(0), random: seededRandom(5), healthyPanicThresholdPercent: 50, ...extra };
}

function share(lb: LoadBalancer, groups: Record<string, readonly Host[]>, n = 10_000): Record<string, number> {
  const owner = new Map<Host, string>();
  for (const [name, hs] of Object.entries(groups)) for (const h of hs) owner.set(h, name);
  const out: Record<string, number> = {};
  const r = seededRandom(11);
  for (let i = 0; i < n; i++) {
    const h = lb.picker.pick({ hashKey: (r.next() * 0x1_0000_0000) >>> 0, shouldSelectAnotherHost: () => false, hostSelectionRetryMaxAttempts: 0 });
    const k = h === null ? 'none' : (owner.get(h) ?? '?');
    out[k] = (out[k] ?? 0) + 1 / n;
  }
  return out;
}

const near = (actual: number | undefined, expected: number, tolerance = 0.03) =>
  assert.ok(Math.abs((actual ?? 0) - expected) <= tolerance, `expected ≈${expected}, got ${actual}`);

describe('priority load (overprovisioning factor 140)', () => {
  it('spills to P1 what P0 lacks: 70 % healthy → 98/2, 50 % → 70/30', () => {
    assert.deepEqual(priorityLoads(new PrioritySet([...hosts(10, { unhealthy: 3 }), ...hosts(2, { priority: 1 })])), [98, 2]);
    assert.deepEqual(priorityLoads(new PrioritySet([...hosts(10, { unhealthy: 5 }), ...hosts(2, { priority: 1 })])), [70, 30]);
  });

  it('keeps P0 out of panic while P0 and P1 together are fully available, and sends P0 traffic to its healthy hosts only', () => {
    const p0 = hosts(10, { unhealthy: 8 }); // 20 % healthy: below the 50 % threshold on its own
    const p1 = hosts(4, { priority: 1 });
    const lb = roundRobin.create(new PrioritySet([...p0, ...p1]), {}, ctx());
    const s = share(lb, { p0Unhealthy: p0.slice(0, 8), p0Healthy: p0.slice(8), p1 });
    near(s.p0Healthy, 0.28);
    near(s.p1, 0.72);
    assert.equal(s.p0Unhealthy, undefined);
  });

  it('spreads load by host count, healthy or not, when every priority is in panic', () => {
    const p0 = hosts(10, { unhealthy: 9 });
    const p1 = hosts(30, { priority: 1, unhealthy: 29 });
    const set = new PrioritySet([...p0, ...p1]);
    assert.deepEqual(priorityLoads(set), [25, 75]);
    const s = share(roundRobin.create(set, {}, ctx()), { p0, p1 });
    near(s.p0, 0.25);
    near(s.p1, 0.75);
  });

  it('with panic disabled (threshold 0) and nothing available, picks nothing', () => {
    const set = new PrioritySet([...hosts(2, { unhealthy: 2 }), ...hosts(2, { priority: 1, unhealthy: 2 })]);
    assert.deepEqual(priorityLoads(set, 0), [100, 0]);
    assert.equal(roundRobin.create(set, {}, ctx({ healthyPanicThresholdPercent: 0 })).picker.pick(null), null);
  });
});

describe('locality weighted balancing', () => {
  it('splits by locality weight, whatever the host counts', () => {
    const a = hosts(4, { zone: 'a', localityWeight: 1 });
    const b = hosts(1, { zone: 'b', localityWeight: 3 });
    const s = share(roundRobin.create(new PrioritySet([...a, ...b]), {}, ctx({ localityWeightedLb: true })), { a, b });
    near(s.a, 0.25);
    near(s.b, 0.75);
  });

  it('scales a locality by min(1, 1.4 × healthy share) and gives none to a locality without weight', () => {
    const a = hosts(4, { zone: 'a', localityWeight: 1 });
    const b = hosts(4, { zone: 'b', localityWeight: 3, unhealthy: 2 }); // 3 × min(1, 1.4 × 0.5) = 2.1
    const c = hosts(2, { zone: 'c' });
    const s = share(roundRobin.create(new PrioritySet([...a, ...b, ...c]), {}, ctx({ localityWeightedLb: true })), { a, bUnhealthy: b.slice(0, 2), b: b.slice(2), c });
    near(s.a, 1 / 3.1);
    near(s.b, 2.1 / 3.1);
    assert.equal(s.c, undefined);
    assert.equal(s.bUnhealthy, undefined);
  });

  it('is ignored without locality_weighted_lb_config', () => {
    const a = hosts(3, { zone: 'a', localityWeight: 1 });
    const b = hosts(1, { zone: 'b', localityWeight: 3 });
    near(share(roundRobin.create(new PrioritySet([...a, ...b]), {}, ctx()), { a, b }).a, 0.75);
    near(share(ringHash.create(new PrioritySet([...a, ...b]), DEFAULT_RING_HASH, ctx()), { a, b }).a, 0.75, 0.06);
  });

  it('weighs ring hash and maglev entries by locality share × host share (common_lb_config or the typed policy field)', () => {
    const a = hosts(3, { zone: 'a', localityWeight: 1 });
    const b = hosts(1, { zone: 'b', localityWeight: 3 });
    const c = hosts(2, { zone: 'c' }); // no weight: no entries
    const set = () => new PrioritySet([...a, ...b, ...c]);
    for (const lb of [
      ringHash.create(set(), DEFAULT_RING_HASH, ctx({ localityWeightedLb: true })),
      ringHash.create(set(), { ...DEFAULT_RING_HASH, localityWeighted: true }, ctx()),
      maglev.create(set(), { ...DEFAULT_MAGLEV, localityWeighted: true }, ctx()),
    ]) {
      const s = share(lb, { a, b, c });
      near(s.a, 0.25, 0.05);
      near(s.b, 0.75, 0.05);
      assert.equal(s.c, undefined);
    }
    const parsed = ringHash.parseConfig({ locality_weighted_lb_config: {} }, []);
    assert.equal(parsed.ok && parsed.value.localityWeighted, true);
  });

  it('comes from the ClusterLoadAssignment: LocalityLbEndpoints weights with common_lb_config.locality_weighted_lb_config', () => {
    const ep = (ip: string) => ({ endpoint: { address: { socket_address: { address: ip, port_value: 80 } } } });
    const r = parseCluster({
      name: 'c', type: 'STATIC', connect_timeout: { seconds: '1' }, common_lb_config: { locality_weighted_lb_config: {} },
      load_assignment: {
        cluster_name: 'c',
        endpoints: [
          { locality: { zone: 'a' }, load_balancing_weight: { value: 9 }, lb_endpoints: [ep('10.0.0.1'), ep('10.0.0.2')] },
          { locality: { zone: 'b' }, load_balancing_weight: { value: 1 }, lb_endpoints: [ep('10.0.1.1'), ep('10.0.1.2')] },
        ],
      },
    });
    if (!r.ok) throw new Error(r.errors.join());
    const settings = parseClusterSettings(r.value, createLoadBalancerRegistry());
    if (!settings.ok) throw new Error(settings.errors.join());
    assert.equal(settings.value.localityWeightedLb, true);
    const cluster = new Cluster({ config: r.value, settings: settings.value, clock: new FakeClock(0), random: seededRandom(3), stats: new StatsRegistry() });
    let toA = 0;
    for (let i = 0; i < 5000; i++) if (cluster.picker.pick(null)!.address.startsWith('10.0.0.')) toA++;
    near(toA / 5000, 0.9);
    cluster.destroy();
  });
});

describe('degraded hosts (EDS health DEGRADED)', () => {
  const degrade = (hs: Host[]) => {
    for (const h of hs) h.setFlag(HealthFlag.DEGRADED_EDS_HEALTH);
    return hs;
  };

  it('get no traffic while healthy hosts of any priority can take it all', () => {
    const healthy = hosts(3);
    const degraded = degrade(hosts(3, { zone: 'd' }));
    const p1 = hosts(2, { priority: 1 });
    const set = new PrioritySet([...healthy, ...degraded, ...p1]);
    // P0 healthy availability = 1.4 × 3/6 = 70 %; P1 takes the other 30 % before any degraded host does.
    assert.deepEqual(priorityLoads(set), [70, 30]);
    const s = share(roundRobin.create(set, {}, ctx()), { healthy, degraded, p1 });
    near(s.healthy, 0.7);
    near(s.p1, 0.3);
    assert.equal(s.degraded, undefined);
  });

  it('take what the healthy hosts cannot, before panic', () => {
    const healthy = hosts(2, { unhealthy: 0 });
    const degraded = degrade(hosts(4, { zone: 'd' }));
    const down = hosts(4, { zone: 'x', unhealthy: 4 });
    // 10 hosts: healthy 1.4 × 2/10 = 28 %, degraded 1.4 × 4/10 = 56 %: normalised by 84 → 33 % / 66 % (+1 to healthy).
    const s = share(roundRobin.create(new PrioritySet([...healthy, ...degraded, ...down]), {}, ctx()), { healthy, degraded, down });
    near(s.healthy, 0.34);
    near(s.degraded, 0.66);
    assert.equal(s.down, undefined);
  });
});
