/**
 * A cluster's counters under Envoy's names (`cluster.<name>.upstream_rq_total`,
 * tag envoy_cluster_name), created once per cluster so the router only bumps
 * numbers.
 */
import type { Counter, StatsRegistry } from '../stats/index.ts';

export const CLUSTER_STATS = [
  'upstream_rq_total', 'upstream_rq_completed', 'upstream_rq_2xx', 'upstream_rq_3xx', 'upstream_rq_4xx', 'upstream_rq_5xx',
  'upstream_rq_timeout', 'upstream_rq_per_try_timeout', 'upstream_rq_retry', 'upstream_rq_retry_success', 'upstream_rq_retry_overflow',
  'upstream_rq_retry_limit_exceeded', 'upstream_rq_pending_overflow', 'upstream_cx_overflow', 'upstream_cx_connect_fail',
  'upstream_rq_rx_reset', 'upstream_rq_tx_reset', 'upstream_rq_maintenance_mode', 'upstream_cx_none_healthy', 'upstream_rq_cancelled',
] as const;

export type ClusterStatName = (typeof CLUSTER_STATS)[number];
export type ClusterStats = Readonly<Record<ClusterStatName, Counter>>;

export function createClusterStats(registry: StatsRegistry, cluster: string): ClusterStats {
  return Object.fromEntries(CLUSTER_STATS.map((s) => [s, registry.counter({ name: `cluster.${cluster}.${s}`, tagExtractedName: `cluster.${s}`, tags: { envoy_cluster_name: cluster } })])) as ClusterStats;
}

/** upstream_rq_2xx .. 5xx for a status. */
export function countResponse(stats: ClusterStats, status: number): void {
  if (status >= 500) stats.upstream_rq_5xx.inc();
  else if (status >= 400) stats.upstream_rq_4xx.inc();
  else if (status >= 300) stats.upstream_rq_3xx.inc();
  else if (status >= 200) stats.upstream_rq_2xx.inc();
}
