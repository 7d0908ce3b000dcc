/** The router's own stats under the HCM prefix (`http.<stat_prefix>.no_route`, ...), Envoy's names. */
import type { Counter, StatsRegistry } from '../../../stats/index.ts';

export const ROUTER_STATS = ['no_route', 'no_cluster', 'rq_redirect', 'rq_direct_response', 'rq_total', 'rq_reset_after_downstream_response_started'] as const;
export type RouterStats = Readonly<Record<(typeof ROUTER_STATS)[number], Counter>>;

export function createRouterStats(registry: StatsRegistry, statPrefix: string): RouterStats {
  return Object.fromEntries(ROUTER_STATS.map((s) => [s, registry.counter({ name: `http.${statPrefix}.${s}`, tagExtractedName: `http.${s}`, tags: { envoy_http_conn_manager_prefix: statPrefix } })])) as RouterStats;
}
