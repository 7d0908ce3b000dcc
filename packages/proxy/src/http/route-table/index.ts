/**
 * Envoy route matching for the proxy: `parseRouteConfiguration` at the RDS
 * boundary (wire → RouteTableConfig, or Envoy's NACK reasons), then
 * `createRouteTable` once per configuration, whose `route(request)` runs per
 * request.
 */
export type * from './types.ts';
export { parseRouteConfiguration, type ParseRouteConfigurationOptions } from './parse-route-configuration.ts';
export { DEFAULT_ROUTE_TIMEOUT_MS, type PerFilterConfigParser } from './parse-route-action.ts';
export { createRouteTable, pickCluster, type RouteTable, type RouteMatch, type ClusterPick } from './route-table.ts';
export { redirectLocation } from './redirect.ts';
export { applyRequestMutations, applyResponseMutations, type HeaderValues } from './header-mutation.ts';
export { routeRequest, type RouteRequestInit } from './route-request.ts';
export { compileRe2 } from './re2.ts';
export { parseRateLimits, descriptorFor, type RateLimitConfig, type RateLimitActionConfig, type DescriptorEntry, type DescriptorContext } from './rate-limits.ts';
