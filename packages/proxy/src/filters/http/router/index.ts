/** envoy.filters.http.router: the terminal HTTP filter (see filter.ts). */
import { TypeUrl } from '@skiff/api';
import type { HttpFilterExtension } from '../extension.ts';
import { parseRouterConfig, type RouterConfig } from './config.ts';
import { Router, type RouterShared } from './filter.ts';
import { createRouterStats } from './stats.ts';

export const routerFilter: HttpFilterExtension<RouterConfig> = {
  name: 'envoy.filters.http.router',
  typeUrl: TypeUrl.Router,
  terminal: true,
  status: 'stable',
  parseConfig: parseRouterConfig,
  createFactory(config, ctx) {
    const shared: RouterShared = { config, ctx, stats: createRouterStats(ctx.stats, ctx.statPrefix) };
    return (stream) => new Router(shared, stream);
  },
};

export type { RouterConfig } from './config.ts';
