/**
 * envoy.filters.http.local_ratelimit: a token bucket per config (the
 * filter's, or a route's typed_per_filter_config, which gets its own
 * bucket), Envoy's enabled/enforced runtime fractions, stats and 429 reply.
 */
import { TypeUrl } from '@skiff/api';
import type { Clock } from '@skiff/common';
import type { StatsRegistry } from '../../../stats/index.ts';
import type { DownstreamConnectionInfo, StreamContext } from '../filter.ts';
import type { HttpFilterExtension } from '../extension.ts';
import { parseLocalRateLimitConfig, type LocalRateLimitConfig } from './config.ts';
import { LocalRateLimitFilter, type LocalRateLimitShared, type LocalRateLimitState } from './filter.ts';
import { LocalRateLimiter } from './rate-limiter.ts';
import { createLocalRateLimitStats } from './stats.ts';

function createState(config: LocalRateLimitConfig, clock: Clock, stats: StatsRegistry): LocalRateLimitState {
  const s = createLocalRateLimitStats(stats, config.statPrefix);
  if (!config.perDownstreamConnection) {
    const limiter = new LocalRateLimiter(config, clock);
    return { config, stats: s, limiterFor: () => limiter };
  }
  // One bucket per downstream connection: the HCM hands every stream of a connection the same info object.
  const perConnection = new WeakMap<DownstreamConnectionInfo, LocalRateLimiter>();
  return {
    config,
    stats: s,
    limiterFor(stream: StreamContext) {
      let l = perConnection.get(stream.downstream);
      if (l === undefined) perConnection.set(stream.downstream, (l = new LocalRateLimiter(config, clock)));
      return l;
    },
  };
}

export const localRateLimitFilter: HttpFilterExtension<LocalRateLimitConfig, LocalRateLimitConfig> = {
  name: 'envoy.filters.http.local_ratelimit',
  typeUrl: TypeUrl.LocalRateLimit,
  perRouteTypeUrl: TypeUrl.LocalRateLimit,
  status: 'stable',
  parseConfig: parseLocalRateLimitConfig,
  parsePerRouteConfig: parseLocalRateLimitConfig,
  createFactory(config, ctx) {
    const routeStates = new WeakMap<LocalRateLimitConfig, LocalRateLimitState>();
    const shared: LocalRateLimitShared = {
      filterName: ctx.filterName,
      random: ctx.random,
      own: createState(config, ctx.clock, ctx.stats),
      stateFor(c) {
        let s = routeStates.get(c);
        if (s === undefined) routeStates.set(c, (s = createState(c, ctx.clock, ctx.stats)));
        return s;
      },
    };
    return (stream) => new LocalRateLimitFilter(shared, stream);
  },
};

export type { LocalRateLimitConfig } from './config.ts';
