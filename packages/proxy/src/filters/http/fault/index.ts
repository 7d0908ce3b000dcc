/** envoy.filters.http.fault: delay and abort injection, per route through typed_per_filter_config. */
import { TypeUrl } from '@skiff/api';
import type { HttpFilterExtension } from '../extension.ts';
import { parseFaultConfig, type FaultConfig } from './config.ts';
import { FaultFilter, type FaultShared } from './filter.ts';
import { createFaultStats } from './stats.ts';

export const faultFilter: HttpFilterExtension<FaultConfig, FaultConfig> = {
  name: 'envoy.filters.http.fault',
  typeUrl: TypeUrl.HttpFault,
  perRouteTypeUrl: TypeUrl.HttpFault,
  status: 'stable',
  parseConfig: parseFaultConfig,
  parsePerRouteConfig: parseFaultConfig,
  createFactory(config, ctx) {
    const shared: FaultShared = { config, filterName: ctx.filterName, stats: createFaultStats(ctx.stats, ctx.statPrefix), clock: ctx.clock, random: ctx.random };
    return (stream) => new FaultFilter(shared, stream);
  },
};

export type { FaultConfig } from './config.ts';
