import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatsRegistry, formatStatsJson, formatStatsPrometheus, formatStatsText } from './index.ts';

describe('stats registry', () => {
  it('returns the same counter for the same name and refuses to reuse a name for another type', () => {
    const stats = new StatsRegistry();
    stats.counter('cluster_manager.cds.update_success').inc();
    stats.counter('cluster_manager.cds.update_success').inc(2);
    assert.equal(stats.counter('cluster_manager.cds.update_success').value, 3);
    assert.throws(() => stats.gauge('cluster_manager.cds.update_success'), /already a counter/);
  });

  it('renders Envoy text sorted by name, JSON, and Prometheus with tags extracted', () => {
    const stats = new StatsRegistry();
    stats.counter('listener_manager.lds.update_success').inc();
    stats.gauge('cluster_manager.active_clusters').set(2);
    const cluster = 'outbound|80||reviews.default.svc.cluster.local';
    stats.counter({ name: `cluster.${cluster}.upstream_rq_total`, tagExtractedName: 'cluster.upstream_rq_total', tags: { envoy_cluster_name: cluster } }).inc(5);
    assert.equal(formatStatsText(stats.metrics()), [
      'cluster.outbound|80||reviews.default.svc.cluster.local.upstream_rq_total: 5',
      'cluster_manager.active_clusters: 2',
      'listener_manager.lds.update_success: 1',
      '',
    ].join('\n'));
    assert.equal(formatStatsText(stats.metrics(), /lds/), 'listener_manager.lds.update_success: 1\n');
    assert.deepEqual(formatStatsJson(stats.metrics(), /active/), { stats: [{ name: 'cluster_manager.active_clusters', value: 2 }] });
    assert.equal(formatStatsPrometheus(stats.metrics()), [
      '# TYPE envoy_cluster_manager_active_clusters gauge',
      'envoy_cluster_manager_active_clusters{} 2',
      '# TYPE envoy_cluster_upstream_rq_total counter',
      'envoy_cluster_upstream_rq_total{envoy_cluster_name="outbound|80||reviews.default.svc.cluster.local"} 5',
      '# TYPE envoy_listener_manager_lds_update_success counter',
      'envoy_listener_manager_lds_update_success{} 1',
      '',
    ].join('\n'));
  });
});
