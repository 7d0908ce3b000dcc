/**
 * RDS boundary: a decoded envoy.config.route.v3.RouteConfiguration →
 * `RouteTableConfig`, or every reason Envoy would NACK it, each with its
 * field path (`virtual_hosts[0].routes[2].match.safe_regex.regex: Invalid
 * regex ...`). Duplicate domains are rejected with Envoy's message. Per-route
 * filter configs go through `parsePerFilterConfig` when given (the HTTP
 * filter registry's parsers), so a bad one NACKs the whole resource.
 */
import { parseRateLimits } from './rate-limits.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { parseRouteMatch } from './parse-matchers.ts';
import {
  parseDirectResponse, parseForwardAction, parseHeaderMutations, parseRedirect, parseRetryPolicy, parseTypedPerFilterConfig,
  type PerFilterConfigParser,
} from './parse-route-action.ts';
import type { RouteActionConfig, RouteConfig, RouteTableConfig, VirtualHostConfig } from './types.ts';
import { ParseErrors, WireReader, type WireObject } from './wire-reader.ts';

export interface ParseRouteConfigurationOptions {
  readonly parsePerFilterConfig?: PerFilterConfigParser;
}

/** Envoy's default max_direct_response_body_size_bytes. */
const DEFAULT_MAX_DIRECT_RESPONSE_BODY_BYTES = 4096;
const REQUIRE_TLS = ['NONE', 'EXTERNAL_ONLY', 'ALL'] as const;

export function parseRouteConfiguration(wire: WireObject, options: ParseRouteConfigurationOptions = {}): Result<RouteTableConfig> {
  const errors = new ParseErrors();
  const r = new WireReader(errors);
  const name = r.string(wire, 'name', []) ?? '';
  const maxBody = r.wrapped(wire, 'max_direct_response_body_size_bytes', [], 'number') ?? DEFAULT_MAX_DIRECT_RESPONSE_BODY_BYTES;
  const virtualHosts = r.objects(wire, 'virtual_hosts', []).map((vh, i) => parseVirtualHost(r, vh, ['virtual_hosts', i], maxBody, options));
  const seen = new Set<string>();
  for (const vh of virtualHosts) {
    for (const d of vh.domains) {
      if (seen.has(d)) errors.add([], `Only unique values for domains are permitted. Duplicate entry of domain ${d} in route ${name}`);
      seen.add(d);
    }
  }
  if (r.object(wire, 'vhds', [])) errors.add(['vhds'], 'VHDS is not supported');
  const config: RouteTableConfig = {
    name,
    virtualHosts,
    ignorePortInHostMatching: r.bool(wire, 'ignore_port_in_host_matching', []) ?? false,
    validateClusters: r.wrapped(wire, 'validate_clusters', [], 'boolean') ?? false,
    maxDirectResponseBodySizeBytes: maxBody,
    ...parseHeaderMutations(r, wire, []),
  };
  return errors.list.length > 0 ? fail(...errors.list) : ok(config);
}

function parseVirtualHost(r: WireReader, vh: WireObject, at: FieldPath, maxBody: number, options: ParseRouteConfigurationOptions): VirtualHostConfig {
  const name = r.string(vh, 'name', at) ?? '';
  if (name === '') r.errors.add([...at, 'name'], 'value length must be at least 1 characters');
  const domains = r.strings(vh, 'domains', at).map((d) => d.toLowerCase());
  if (domains.length === 0) r.errors.add([...at, 'domains'], 'value must contain at least 1 item(s)');
  domains.forEach((d, i) => {
    if (d === '' || (d !== '*' && d.indexOf('*', 1) >= 0 && d.indexOf('*', 1) !== d.length - 1)) {
      r.errors.add([...at, 'domains', i], `Invalid domain '${d}': a wildcard may only start or end a domain`);
    }
  });
  const requireTls = String(vh.require_tls ?? 'NONE');
  if (!(REQUIRE_TLS as readonly string[]).includes(requireTls)) r.errors.add([...at, 'require_tls'], 'value must be one of the defined enum values');
  const retry = r.object(vh, 'retry_policy', at);
  return {
    name,
    domains,
    routes: r.objects(vh, 'routes', at).map((route, i) => parseRoute(r, route, [...at, 'routes', i], maxBody, options)),
    requireTls: (REQUIRE_TLS as readonly string[]).includes(requireTls) ? requireTls as VirtualHostConfig['requireTls'] : 'NONE',
    retryPolicy: retry ? parseRetryPolicy(r, retry, [...at, 'retry_policy']) : undefined,
    includeRequestAttemptCount: r.bool(vh, 'include_request_attempt_count', at) ?? false,
    typedPerFilterConfig: parseTypedPerFilterConfig(r, vh, at, options.parsePerFilterConfig),
    rateLimits: parseRateLimits(r, vh, at),
    ...parseHeaderMutations(r, vh, at),
  };
}

function parseRoute(r: WireReader, route: WireObject, at: FieldPath, maxBody: number, options: ParseRouteConfigurationOptions): RouteConfig {
  const match = r.object(route, 'match', at);
  if (!match) r.errors.add([...at, 'match'], 'value is required');
  const decorator = r.object(route, 'decorator', at);
  return {
    name: r.string(route, 'name', at) ?? '',
    match: parseRouteMatch(r, match ?? { prefix: '/' }, [...at, 'match']),
    action: parseAction(r, route, at, maxBody, options),
    decorator: decorator ? r.string(decorator, 'operation', [...at, 'decorator']) : undefined,
    typedPerFilterConfig: parseTypedPerFilterConfig(r, route, at, options.parsePerFilterConfig),
    ...parseHeaderMutations(r, route, at),
  };
}

function parseAction(r: WireReader, route: WireObject, at: FieldPath, maxBody: number, options: ParseRouteConfigurationOptions): RouteActionConfig {
  const forward = r.object(route, 'route', at);
  if (forward) return { type: 'route', route: parseForwardAction(r, forward, [...at, 'route'], options.parsePerFilterConfig) };
  const redirect = r.object(route, 'redirect', at);
  if (redirect) return { type: 'redirect', redirect: parseRedirect(r, redirect, [...at, 'redirect']) };
  const direct = r.object(route, 'direct_response', at);
  if (direct) return { type: 'directResponse', directResponse: parseDirectResponse(r, direct, [...at, 'direct_response'], maxBody) };
  if (r.object(route, 'filter_action', at) || r.object(route, 'non_forwarding_action', at)) {
    r.errors.add(at, 'filter_action and non_forwarding_action routes are not supported');
  } else {
    r.errors.add([...at, 'action'], 'value is required');
  }
  return { type: 'directResponse', directResponse: { status: 404, body: undefined } };
}
