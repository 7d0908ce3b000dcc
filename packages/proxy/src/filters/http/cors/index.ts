/** envoy.filters.http.cors, with CorsPolicy per route / virtual host. */
import { TypeUrl } from '@skiff/api';
import type { HttpFilterExtension } from '../extension.ts';
import { parseCorsConfig, parseCorsPolicy, type CorsConfig, type CorsPolicyConfig } from './config.ts';
import { CorsFilter } from './filter.ts';

export const corsFilter: HttpFilterExtension<CorsConfig, CorsPolicyConfig> = {
  name: 'envoy.filters.http.cors',
  typeUrl: TypeUrl.Cors,
  perRouteTypeUrl: TypeUrl.CorsPolicy,
  status: 'stable',
  parseConfig: parseCorsConfig,
  parsePerRouteConfig: parseCorsPolicy,
  createFactory(_config, ctx) {
    const name = ctx.filterName;
    return (stream) => new CorsFilter(name, stream);
  },
};
