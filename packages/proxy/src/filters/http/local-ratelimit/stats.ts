/**
 * The local rate limit filter's stats, Envoy's names:
 * `<stat_prefix>.http_local_rate_limit.{enabled,enforced,rate_limited,ok}`
 * (no `http.` in front: the filter's own stat_prefix roots them), with the
 * `envoy_local_http_ratelimit_prefix` tag Envoy extracts for Prometheus.
 */
import type { Counter, StatsRegistry } from '../../../stats/index.ts';

export const LOCAL_RATE_LIMIT_STATS = ['enabled', 'enforced', 'rate_limited', 'ok'] as const;

export type LocalRateLimitStats = Readonly<Record<(typeof LOCAL_RATE_LIMIT_STATS)[number], Counter>>;

export function createLocalRateLimitStats(registry: StatsRegistry, statPrefix: string): LocalRateLimitStats {
  return Object.fromEntries(LOCAL_RATE_LIMIT_STATS.map((s) => [s, registry.counter({
    name: `${statPrefix}.http_local_rate_limit.${s}`,
    tagExtractedName: `http_local_rate_limit.${s}`,
    tags: { envoy_local_http_ratelimit_prefix: statPrefix },
  })])) as LocalRateLimitStats;
}
