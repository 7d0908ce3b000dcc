import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { FakeClock, seededRandom } from '@skiff/common';
import { StatsRegistry } from '../stats/index.ts';
import { parseCluster, parseClusterLoadAssignment } from '../xds-client/index.ts';
import type { ClusterConfig, EndpointsConfig, ResourceEntry, XdsSnapshot } from '../xds-client/types.ts';
import { ClusterManager } from './cluster-manager.ts';
import { HealthFlag } from './host.ts';

const ADS = { ads: {}, resource_api_version: 'V3' };

function entry<C>(name: string, config: C): ResourceEntry<C> {
  return { name, config, wire: {}, version: '1', lastUpdatedMs: 0 };
}

function cluster(extra: Record<string, unknown> = {}): ResourceEntry<ClusterConfig> {
  const r = parseCluster({ name: 'reviews', type: 'EDS', connect_timeout: { seconds: '1' }, eds_cluster_config: { eds_config: ADS }, ...extra });
  if (!r.ok) throw new Error(r.errors.join());
  return entry('reviews', r.value);
}

function endpoints(hosts: [string, string?][]): ResourceEntry<EndpointsConfig> {
  const r = parseClusterLoadAssignment({
    cluster_name: 'reviews',
    endpoints: [{ lb_endpoints: hosts.map(([ip, health]) => ({ endpoint: { address: { socket_address: { address: ip, port_value: 80 } } }, health_status: health ?? 'HEALTHY' })) }],
  });
  if (!r.ok) throw new Error(r.errors.join());
  return entry('reviews', r.value);
}

function snapshot(c: ResourceEntry<ClusterConfig>[], e: ResourceEntry<EndpointsConfig>[]): XdsSnapshot {
  return {
    listeners: new Map(), routes: new Map(), warmingListeners: new Map(), warmingClusters: new Map(), initialized: true,
    clusters: new Map(c.map((x) => [x.name, x])), endpoints: new Map(e.map((x) => [x.name, x])),
  };
}

describe('ClusterManager', () => {
  const make = (clock = new FakeClock(0), stats = new StatsRegistry()) => new ClusterManager({ clock, random: seededRandom(1), stats });

  it('creates a cluster per active cluster with its EDS hosts, health from EDS status', () => {
    const cm = make();
    cm.onSnapshot(snapshot([cluster()], [endpoints([['10.0.0.1'], ['10.0.0.2', 'UNHEALTHY']])]));
    const c = cm.get('reviews')!;
    assert.deepEqual(c.prioritySet.allHosts.map((h) => [h.key, h.healthy]), [['10.0.0.1:80', true], ['10.0.0.2:80', false]]);
    assert.equal(c.picker.pick(null)!.key, '10.0.0.1:80');
    cm.close();
  });

  it('keeps surviving hosts (and their state) across EDS updates and removes clusters CDS dropped', () => {
    const cm = make();
    const c = cluster();
    cm.onSnapshot(snapshot([c], [endpoints([['10.0.0.1'], ['10.0.0.2']])]));
    const host = cm.get('reviews')!.prioritySet.allHosts[0];
    host.stats.rq_total = 7;
    cm.onSnapshot(snapshot([c], [endpoints([['10.0.0.1'], ['10.0.0.3']])]));
    assert.equal(cm.get('reviews')!.prioritySet.allHosts[0], host);
    assert.deepEqual(cm.get('reviews')!.prioritySet.allHosts.map((h) => h.address), ['10.0.0.1', '10.0.0.3']);
    cm.onSnapshot(snapshot([], []));
    assert.equal(cm.get('reviews'), undefined);
    cm.close();
  });

  it('parses circuit breakers with Envoy defaults and NACKs unknown LB policies with Envoy wording', () => {
    const cm = make();
    const c = cluster({ circuit_breakers: { thresholds: [{ max_connections: { value: 1 }, max_pending_requests: { value: 2 } }] } });
    cm.onSnapshot(snapshot([c], [endpoints([['10.0.0.1']])]));
    const rm = cm.get('reviews')!.resources;
    assert.deepEqual([rm.connections.max, rm.pendingRequests.max, rm.requests.max, rm.retries.max], [1, 2, 1024, 3]);
    const bad = cluster({ load_balancing_policy: { policies: [{ typed_extension_config: { name: 'x.custom', typed_config: { '@type': TypeUrl.PickFirst } } }] } });
    assert.deepEqual(cm.validateCluster(bad.config), [
      "load_balancing_policy: didn't find a registered load balancer factory implementation for cluster (Didn't find a registered implementation for 'x.custom' with type URL: 'envoy.extensions.load_balancing_policies.pick_first.v3.PickFirst')",
    ]);
    cm.close();
  });

  it('ejects a host after 5 consecutive 5xx and brings it back after base_ejection_time', () => {
    const clock = new FakeClock(0);
    const stats = new StatsRegistry();
    const cm = make(clock, stats);
    cm.onSnapshot(snapshot([cluster({ outlier_detection: { consecutive_5xx: { value: 5 }, interval: { seconds: '1' }, base_ejection_time: { seconds: '30' }, max_ejection_percent: { value: 100 } } })], [endpoints([['10.0.0.1'], ['10.0.0.2']])]));
    const c = cm.get('reviews')!;
    const [bad, good] = c.prioritySet.allHosts;
    for (let i = 0; i < 4; i++) c.outlier!.putHttpResponseCode(bad, 503);
    assert.equal(bad.healthy, true);
    c.outlier!.putHttpResponseCode(bad, 500);
    assert.equal(bad.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK), true);
    for (let i = 0; i < 20; i++) assert.equal(c.picker.pick(null), good);
    assert.equal(stats.counter('cluster.reviews.outlier_detection.ejections_enforced_consecutive_5xx').value, 1);
    clock.advance(29_000);
    assert.equal(bad.healthy, false);
    clock.advance(1_000);
    assert.equal(bad.healthy, true);
    assert.equal(stats.gauge('cluster.reviews.outlier_detection.ejections_active').value, 0);
    cm.close();
  });

  it('never ejects past max_ejection_percent (ejections_overflow)', () => {
    const stats = new StatsRegistry();
    const cm = make(new FakeClock(0), stats);
    cm.onSnapshot(snapshot([cluster({ outlier_detection: { consecutive_5xx: { value: 1 } } })], [endpoints([['10.0.0.1'], ['10.0.0.2']])]));
    const c = cm.get('reviews')!;
    const [a, b] = c.prioritySet.allHosts;
    c.outlier!.putHttpResponseCode(a, 500);
    c.outlier!.putHttpResponseCode(b, 500);
    assert.deepEqual([a.healthy, b.healthy], [false, true]);
    assert.equal(stats.counter('cluster.reviews.outlier_detection.ejections_overflow').value, 1);
    cm.close();
  });

  it('resets the consecutive count on a success', () => {
    const cm = make();
    cm.onSnapshot(snapshot([cluster({ outlier_detection: { consecutive_5xx: { value: 2 }, max_ejection_percent: { value: 100 } } })], [endpoints([['10.0.0.1']])]));
    const c = cm.get('reviews')!;
    const [h] = c.prioritySet.allHosts;
    c.outlier!.putHttpResponseCode(h, 500);
    c.outlier!.putHttpResponseCode(h, 200);
    c.outlier!.putHttpResponseCode(h, 500);
    assert.equal(h.healthy, true);
    cm.close();
  });
});
