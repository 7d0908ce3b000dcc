/**
 * CorsPolicy → envoy.filters.http.cors per-route CorsPolicy (Istio's
 * TranslateCORSPolicy): origins as string matchers, lists joined with `,`,
 * max age in whole seconds, filter enabled at 100%, and unmatched preflights
 * forwarded unless `unmatchedPreflights: IGNORE`.
 */
import { TypeUrl, type CorsPolicy } from '@skiff/api';
import { parseDurationMs } from '@skiff/common';
import { buildStringMatcher } from './route-match.ts';
import type { TypedConfigWire } from './wire.ts';

export const CORS_FILTER_NAME = 'envoy.filters.http.cors';

export function buildCorsPolicy(cors: CorsPolicy | undefined): TypedConfigWire | undefined {
  if (!cors) return undefined;
  const origins = cors.allowOrigins
    ? cors.allowOrigins.map(buildStringMatcher).filter((m) => m !== undefined)
    : (cors.allowOrigin ?? []).map((exact) => ({ exact }));
  const maxAgeMs = cors.maxAge !== undefined ? parseDurationMs(cors.maxAge) : undefined;
  return {
    '@type': TypeUrl.CorsPolicy,
    ...(origins.length > 0 ? { allow_origin_string_match: origins } : {}),
    ...(cors.allowMethods?.length ? { allow_methods: cors.allowMethods.join(',') } : {}),
    ...(cors.allowHeaders?.length ? { allow_headers: cors.allowHeaders.join(',') } : {}),
    ...(cors.exposeHeaders?.length ? { expose_headers: cors.exposeHeaders.join(',') } : {}),
    ...(maxAgeMs !== undefined ? { max_age: String(Math.floor(maxAgeMs / 1000)) } : {}),
    ...(cors.allowCredentials !== undefined ? { allow_credentials: { value: cors.allowCredentials } } : {}),
    filter_enabled: { default_value: { numerator: 100, denominator: 'HUNDRED' } },
    forward_not_matching_preflights: { value: cors.unmatchedPreflights !== 'IGNORE' },
  };
}
