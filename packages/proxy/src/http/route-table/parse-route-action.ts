/**
 * Wire → validated for what a route does: RouteAction (cluster, weighted
 * clusters, timeouts, retries, rewrites, hash policies, mirrors),
 * RedirectAction and DirectResponseAction, with Envoy's defaults (15 s route
 * timeout, 1 retry, 25 ms retry back-off base) and its validation messages.
 */
import { parseRateLimits } from './rate-limits.ts';
import type { FieldPath } from '@skiff/common';
import { parseRegex } from './parse-matchers.ts';
import type {
  ClusterSpecifierConfig, DirectResponseConfig, FractionConfig, ForwardActionConfig, HashPolicyConfig,
  HeaderMutationsConfig, HeaderValueOptionConfig, MirrorPolicyConfig, RedirectActionConfig, RedirectResponseCode, RetryPolicyConfig,
} from './types.ts';
import type { WireObject, WireReader } from './wire-reader.ts';

/** Envoy's route timeout when `timeout` is unset. */
export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;
const DEFAULT_BACKOFF_BASE_MS = 25;

/** Parses a typed_per_filter_config entry; the HTTP filter registry supplies one per filter. */
export type PerFilterConfigParser = (filterName: string, config: WireObject, at: FieldPath) => { ok: true; value: unknown } | { ok: false; errors: readonly string[] };

export function parseForwardAction(r: WireReader, a: WireObject, at: FieldPath, perFilter: PerFilterConfigParser | undefined): ForwardActionConfig {
  return {
    clusterSpecifier: parseClusterSpecifier(r, a, at, perFilter),
    timeoutMs: r.durationMs(a, 'timeout', at) ?? DEFAULT_ROUTE_TIMEOUT_MS,
    idleTimeoutMs: r.durationMs(a, 'idle_timeout', at),
    maxStreamDurationMs: (() => {
      const msd = r.object(a, 'max_stream_duration', at);
      return msd ? r.durationMs(msd, 'max_stream_duration', [...at, 'max_stream_duration']) : undefined;
    })(),
    retryPolicy: (() => {
      const p = r.object(a, 'retry_policy', at);
      return p ? parseRetryPolicy(r, p, [...at, 'retry_policy']) : undefined;
    })(),
    prefixRewrite: r.string(a, 'prefix_rewrite', at) || undefined,
    regexRewrite: parseRegexRewrite(r, a, at),
    hostRewriteLiteral: r.string(a, 'host_rewrite_literal', at) || undefined,
    hashPolicy: r.objects(a, 'hash_policy', at).map((h, i) => parseHashPolicy(r, h, [...at, 'hash_policy', i])).filter((h) => h !== undefined),
    rateLimits: parseRateLimits(r, a, at),
    requestMirrorPolicies: r.objects(a, 'request_mirror_policies', at).map((m, i) => parseMirror(r, m, [...at, 'request_mirror_policies', i])),
  };
}

function parseRegexRewrite(r: WireReader, a: WireObject, at: FieldPath): { regex: string; substitution: string } | undefined {
  const rr = r.object(a, 'regex_rewrite', at);
  if (!rr) return undefined;
  const here = [...at, 'regex_rewrite'];
  const pattern = r.object(rr, 'pattern', here);
  if (!pattern) {
    r.errors.add([...here, 'pattern'], 'value is required');
    return undefined;
  }
  return { regex: parseRegex(r, pattern, [...here, 'pattern']), substitution: r.string(rr, 'substitution', here) ?? '' };
}

function parseClusterSpecifier(r: WireReader, a: WireObject, at: FieldPath, perFilter: PerFilterConfigParser | undefined): ClusterSpecifierConfig {
  const cluster = r.string(a, 'cluster', at);
  if (cluster !== undefined) {
    if (cluster === '') r.errors.add([...at, 'cluster'], 'value length must be at least 1 characters');
    return { kind: 'cluster', name: cluster };
  }
  const header = r.string(a, 'cluster_header', at);
  if (header !== undefined) return { kind: 'clusterHeader', header: header.toLowerCase() };
  const wc = r.object(a, 'weighted_clusters', at);
  if (wc) {
    const here = [...at, 'weighted_clusters'];
    const clusters = r.objects(wc, 'clusters', here).map((c, i) => {
      const cAt = [...here, 'clusters', i];
      const name = r.string(c, 'name', cAt) ?? '';
      if (name === '') r.errors.add([...cAt, 'name'], 'value length must be at least 1 characters');
      return {
        name,
        weight: r.wrapped(c, 'weight', cAt, 'number') ?? 0,
        hostRewriteLiteral: r.string(c, 'host_rewrite_literal', cAt) || undefined,
        typedPerFilterConfig: parseTypedPerFilterConfig(r, c, cAt, perFilter),
        ...parseHeaderMutations(r, c, cAt),
      };
    });
    if (clusters.length === 0) r.errors.add([...here, 'clusters'], 'value must contain at least 1 item(s)');
    const sum = clusters.reduce((s, c) => s + c.weight, 0);
    const totalWeight = r.wrapped(wc, 'total_weight', here, 'number') ?? sum;
    if (clusters.length > 0 && sum === 0) r.errors.add(here, 'Sum of weights in the weighted_cluster must be greater than 0.');
    else if (totalWeight !== sum) r.errors.add(here, `Sum of weights in the weighted_cluster should add up to ${totalWeight}`);
    return { kind: 'weightedClusters', clusters, totalWeight: sum };
  }
  r.errors.add([...at, 'cluster_specifier'], 'value is required');
  return { kind: 'cluster', name: '' };
}

export function parseRetryPolicy(r: WireReader, p: WireObject, at: FieldPath): RetryPolicyConfig {
  const backoff = r.object(p, 'retry_back_off', at);
  const base = backoff ? r.durationMs(backoff, 'base_interval', [...at, 'retry_back_off']) ?? DEFAULT_BACKOFF_BASE_MS : DEFAULT_BACKOFF_BASE_MS;
  if (backoff && base <= 0) r.errors.add([...at, 'retry_back_off', 'base_interval'], 'value must be greater than 1ms');
  const max = backoff ? r.durationMs(backoff, 'max_interval', [...at, 'retry_back_off']) ?? base * 10 : base * 10;
  if (max < base) r.errors.add([...at, 'retry_back_off'], 'max_interval must be greater than or equal to the base_interval');
  const priority = r.object(p, 'retry_priority', at);
  return {
    retryOn: (r.string(p, 'retry_on', at) ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    numRetries: r.wrapped(p, 'num_retries', at, 'number') ?? 1,
    perTryTimeoutMs: r.durationMs(p, 'per_try_timeout', at),
    retriableStatusCodes: r.list(p, 'retriable_status_codes', at).filter((c): c is number => typeof c === 'number'),
    retryHostPredicates: r.objects(p, 'retry_host_predicate', at).map((h, i) => r.string(h, 'name', [...at, 'retry_host_predicate', i]) ?? ''),
    hostSelectionRetryMaxAttempts: r.number(p, 'host_selection_retry_max_attempts', at) ?? 1,
    retryPriority: priority ? r.string(priority, 'name', [...at, 'retry_priority']) : undefined,
    backoff: { baseIntervalMs: base, maxIntervalMs: max },
  };
}

function parseHashPolicy(r: WireReader, h: WireObject, at: FieldPath): HashPolicyConfig | undefined {
  const terminal = r.bool(h, 'terminal', at) ?? false;
  const header = r.object(h, 'header', at);
  if (header) return { terminal, kind: 'header', headerName: (r.string(header, 'header_name', [...at, 'header']) ?? '').toLowerCase() };
  const cookie = r.object(h, 'cookie', at);
  if (cookie) {
    const cAt = [...at, 'cookie'];
    return { terminal, kind: 'cookie', name: r.string(cookie, 'name', cAt) ?? '', path: r.string(cookie, 'path', cAt) ?? '', ttlMs: r.durationMs(cookie, 'ttl', cAt) };
  }
  const conn = r.object(h, 'connection_properties', at);
  if (conn) return { terminal, kind: 'sourceIp' };
  const query = r.object(h, 'query_parameter', at);
  if (query) return { terminal, kind: 'queryParameter', name: r.string(query, 'name', [...at, 'query_parameter']) ?? '' };
  if (r.object(h, 'filter_state', at)) return undefined; // no filter state to hash on; Envoy skips a policy that yields no hash
  r.errors.add([...at, 'policy_specifier'], 'value is required');
  return undefined;
}

const DENOMINATORS: Readonly<Record<string, number>> = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000, 0: 100, 1: 10_000, 2: 1_000_000 };

export function parseFractionalPercent(r: WireReader, f: WireObject, at: FieldPath): FractionConfig {
  const d = f.denominator ?? 'HUNDRED';
  const denominator = DENOMINATORS[String(d)];
  if (denominator === undefined) r.errors.add([...at, 'denominator'], 'value must be one of the defined enum values');
  return { numerator: r.number(f, 'numerator', at) ?? 0, denominator: denominator ?? 100 };
}

function parseMirror(r: WireReader, m: WireObject, at: FieldPath): MirrorPolicyConfig {
  const cluster = r.string(m, 'cluster', at) ?? '';
  if (cluster === '') r.errors.add([...at, 'cluster'], 'value length must be at least 1 characters');
  const rf = r.object(m, 'runtime_fraction', at);
  const dv = rf ? r.object(rf, 'default_value', [...at, 'runtime_fraction']) : undefined;
  return {
    cluster,
    // No runtime_fraction: every request is mirrored.
    fraction: dv ? parseFractionalPercent(r, dv, [...at, 'runtime_fraction', 'default_value']) : { numerator: 100, denominator: 100 },
    traceSampled: r.wrapped(m, 'trace_sampled', at, 'boolean') ?? true,
  };
}

const REDIRECT_CODES: Readonly<Record<string, RedirectResponseCode>> = {
  MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308,
  0: 301, 1: 302, 2: 303, 3: 307, 4: 308,
};

export function parseRedirect(r: WireReader, d: WireObject, at: FieldPath): RedirectActionConfig {
  const code = REDIRECT_CODES[String(d.response_code ?? 'MOVED_PERMANENTLY')];
  if (code === undefined) r.errors.add([...at, 'response_code'], 'value must be one of the defined enum values');
  const httpsRedirect = r.bool(d, 'https_redirect', at) ?? false;
  return {
    schemeRedirect: httpsRedirect ? 'https' : r.string(d, 'scheme_redirect', at) || undefined,
    hostRedirect: r.string(d, 'host_redirect', at) || undefined,
    portRedirect: r.number(d, 'port_redirect', at) || undefined,
    pathRedirect: r.string(d, 'path_redirect', at) || undefined,
    prefixRewrite: r.string(d, 'prefix_rewrite', at) || undefined,
    regexRewrite: parseRegexRewrite(r, d, at),
    responseCode: code ?? 301,
    stripQuery: r.bool(d, 'strip_query', at) ?? false,
  };
}

export function parseDirectResponse(r: WireReader, d: WireObject, at: FieldPath, maxBodyBytes: number): DirectResponseConfig {
  const status = r.number(d, 'status', at) ?? 0;
  if (status < 100 || status >= 600) r.errors.add([...at, 'status'], 'value must be inside range [100, 600)');
  const body = r.object(d, 'body', at);
  let text: string | undefined;
  if (body) {
    const inline = r.string(body, 'inline_string', [...at, 'body']);
    const bytes = r.string(body, 'inline_bytes', [...at, 'body']);
    if (inline !== undefined) text = inline;
    else if (bytes !== undefined) text = Buffer.from(bytes, 'base64').toString('utf8');
    else r.errors.add([...at, 'body'], 'only inline_string and inline_bytes bodies are supported');
    if (text !== undefined && Buffer.byteLength(text) > maxBodyBytes) {
      r.errors.add([...at, 'body'], `response body size is ${Buffer.byteLength(text)} bytes; maximum is ${maxBodyBytes}`);
    }
  }
  return { status, body: text };
}

const APPEND_ACTIONS = new Set(['APPEND_IF_EXISTS_OR_ADD', 'ADD_IF_ABSENT', 'OVERWRITE_IF_EXISTS_OR_ADD', 'OVERWRITE_IF_EXISTS']);

export function parseHeaderMutations(r: WireReader, o: WireObject, at: FieldPath): HeaderMutationsConfig {
  const options = (key: string): HeaderValueOptionConfig[] => r.objects(o, key, at).map((opt, i) => {
    const here = [...at, key, i];
    const header = r.object(opt, 'header', here);
    if (!header) r.errors.add([...here, 'header'], 'value is required');
    const name = header ? r.string(header, 'key', [...here, 'header']) ?? '' : '';
    if (header && name === '') r.errors.add([...here, 'header', 'key'], 'value length must be at least 1 characters');
    // The deprecated `append` (default true) maps onto append_action when set.
    const append = r.wrapped(opt, 'append', here, 'boolean');
    const action = String(opt.append_action ?? (append === false ? 'OVERWRITE_IF_EXISTS_OR_ADD' : 'APPEND_IF_EXISTS_OR_ADD'));
    if (!APPEND_ACTIONS.has(action)) r.errors.add([...here, 'append_action'], 'value must be one of the defined enum values');
    return { key: name.toLowerCase(), value: header ? r.string(header, 'value', [...here, 'header']) ?? '' : '', appendAction: action as HeaderValueOptionConfig['appendAction'] };
  });
  return {
    requestHeadersToAdd: options('request_headers_to_add'),
    requestHeadersToRemove: r.strings(o, 'request_headers_to_remove', at).map((h) => h.toLowerCase()),
    responseHeadersToAdd: options('response_headers_to_add'),
    responseHeadersToRemove: r.strings(o, 'response_headers_to_remove', at).map((h) => h.toLowerCase()),
  };
}

export function parseTypedPerFilterConfig(r: WireReader, o: WireObject, at: FieldPath, perFilter: PerFilterConfigParser | undefined): ReadonlyMap<string, unknown> {
  const map = new Map<string, unknown>();
  const tpfc = r.object(o, 'typed_per_filter_config', at);
  for (const [name, value] of Object.entries(tpfc ?? {})) {
    const here = [...at, 'typed_per_filter_config', name];
    if (value === null || typeof value !== 'object') {
      r.errors.add(here, 'expected a message');
      continue;
    }
    if (!perFilter) {
      map.set(name, value);
      continue;
    }
    const parsed = perFilter(name, value as WireObject, here);
    if (parsed.ok) map.set(name, parsed.value);
    else for (const e of parsed.errors) r.errors.add(here, e);
  }
  return map;
}
