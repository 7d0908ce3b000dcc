/**
 * The HTTP filters, in the one visible list (grpc-js-xds register(),
 * Envoy's manifest), and the registry built from it. rbac, jwt_authn and
 * Istio's stats filter plug in by adding their descriptors here.
 */
import { ExtensionRegistry } from '../../extensions/registry.ts';
import { corsFilter } from './cors/index.ts';
import type { AnyHttpFilterExtension } from './extension.ts';
import { faultFilter } from './fault/index.ts';
import { localRateLimitFilter } from './local-ratelimit/index.ts';
import { routerFilter } from './router/index.ts';

export const BUILTIN_HTTP_FILTERS: readonly AnyHttpFilterExtension[] = [faultFilter, localRateLimitFilter, corsFilter, routerFilter];

export function createHttpFilterRegistry(builtins: readonly AnyHttpFilterExtension[] = BUILTIN_HTTP_FILTERS): ExtensionRegistry<AnyHttpFilterExtension> {
  return new ExtensionRegistry('HTTP filters', builtins, (e) => (e.perRouteTypeUrl ? [e.perRouteTypeUrl] : []));
}

export { compileHttpFilterChain, validateHttpFilters, perFilterConfigParser, type HttpFilterChain } from './filter-chain.ts';
export { FilterManager, type FilterManagerHost } from './filter-manager.ts';
export type * from './filter.ts';
export type * from './extension.ts';
export { StreamInfo, RESPONSE_FLAGS, type ResponseFlag } from './stream-info.ts';
export { faultFilter, localRateLimitFilter, corsFilter, routerFilter };
