/**
 * envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit →
 * LocalRateLimitConfig (wire, snake_case → validated, camelCase; pure). The
 * same message is the listener-level config and the route's
 * typed_per_filter_config. Envoy's defaults: filter_enabled and
 * filter_enforced absent mean 0% (the filter is off "for safety"), status
 * below 400 becomes 429, tokens_per_fill 1, always_consume_default_token_bucket
 * true; fill_interval must be at least 50 ms.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { ParseErrors, WireReader, type WireObject } from '../../../http/route-table/wire-reader.ts';
import type { TokenBucketConfig } from './token-bucket.ts';

export interface FractionConfig {
  readonly numerator: number;
  readonly denominator: number;
}

export interface HeaderToAddConfig {
  readonly key: string;
  readonly value: string;
  /** false: overwrite an existing header (append: false / OVERWRITE_IF_EXISTS_OR_ADD). */
  readonly append: boolean;
}

export interface DescriptorConfig {
  readonly entries: readonly { readonly key: string; readonly value: string }[];
  readonly tokenBucket: TokenBucketConfig;
}

export interface LocalRateLimitConfig {
  readonly statPrefix: string;
  readonly status: number;
  readonly tokenBucket: TokenBucketConfig | undefined;
  readonly filterEnabled: FractionConfig;
  readonly filterEnforced: FractionConfig;
  readonly requestHeadersToAddWhenNotEnforced: readonly HeaderToAddConfig[];
  readonly responseHeadersToAdd: readonly HeaderToAddConfig[];
  readonly descriptors: readonly DescriptorConfig[];
  readonly stage: number;
  readonly perDownstreamConnection: boolean;
  readonly xRateLimitHeaders: boolean;
  readonly alwaysConsumeDefaultTokenBucket: boolean;
  /** vh_rate_limits: OVERRIDE (Envoy's default: the virtual host's rate_limits when the route has none), INCLUDE, IGNORE. */
  readonly vhRateLimits: 'OVERRIDE' | 'INCLUDE' | 'IGNORE';
}

const DENOMINATORS: Readonly<Record<string, number>> = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000, 0: 100, 1: 10_000, 2: 1_000_000 };

/** type.v3.StatusCode names (4xx/5xx; anything below 400 becomes 429 anyway). */
const STATUS_CODES: Readonly<Record<string, number>> = {
  BadRequest: 400, Unauthorized: 401, PaymentRequired: 402, Forbidden: 403, NotFound: 404, MethodNotAllowed: 405, NotAcceptable: 406,
  ProxyAuthenticationRequired: 407, RequestTimeout: 408, Conflict: 409, Gone: 410, LengthRequired: 411, PreconditionFailed: 412,
  PayloadTooLarge: 413, URITooLong: 414, UnsupportedMediaType: 415, RangeNotSatisfiable: 416, ExpectationFailed: 417, MisdirectedRequest: 421,
  UnprocessableEntity: 422, Locked: 423, FailedDependency: 424, UpgradeRequired: 426, PreconditionRequired: 428, TooManyRequests: 429,
  RequestHeaderFieldsTooLarge: 431, InternalServerError: 500, NotImplemented: 501, BadGateway: 502, ServiceUnavailable: 503,
  GatewayTimeout: 504, HTTPVersionNotSupported: 505, VariantAlsoNegotiates: 506, InsufficientStorage: 507, LoopDetected: 508,
  NotExtended: 510, NetworkAuthenticationRequired: 511,
};

const MIN_FILL_INTERVAL_MS = 50;

function fraction(r: WireReader, parent: WireObject, key: string, at: FieldPath): FractionConfig {
  const f = r.object(parent, key, at);
  if (!f) return { numerator: 0, denominator: 100 };
  const d = r.object(f, 'default_value', [...at, key]);
  if (!d) return { numerator: 0, denominator: 100 };
  const dAt = [...at, key, 'default_value'];
  const denominator = DENOMINATORS[String(d.denominator ?? 'HUNDRED')];
  if (denominator === undefined) r.errors.add([...dAt, 'denominator'], 'value must be one of the defined enum values');
  const numerator = r.number(d, 'numerator', dAt) ?? 0;
  return { numerator: Math.min(numerator, denominator ?? 100), denominator: denominator ?? 100 };
}

function tokenBucket(r: WireReader, parent: WireObject, at: FieldPath): TokenBucketConfig | undefined {
  const b = r.object(parent, 'token_bucket', at);
  if (!b) return undefined;
  const bAt = [...at, 'token_bucket'];
  const maxTokens = r.number(b, 'max_tokens', bAt) ?? 0;
  if (maxTokens <= 0) r.errors.add([...bAt, 'max_tokens'], 'value must be greater than 0');
  const tokensPerFill = r.wrapped(b, 'tokens_per_fill', bAt, 'number') ?? 1;
  if (tokensPerFill <= 0) r.errors.add([...bAt, 'tokens_per_fill', 'value'], 'value must be greater than 0');
  const fillIntervalMs = r.durationMs(b, 'fill_interval', bAt);
  if (fillIntervalMs === undefined) r.errors.add([...bAt, 'fill_interval'], 'value is required');
  else if (fillIntervalMs < MIN_FILL_INTERVAL_MS) r.errors.add([...bAt, 'fill_interval'], 'local rate limit token bucket fill timer must be >= 50ms');
  return { maxTokens, tokensPerFill, fillIntervalMs: fillIntervalMs ?? 1000 };
}

function headers(r: WireReader, parent: WireObject, key: string, at: FieldPath): HeaderToAddConfig[] {
  const list = r.objects(parent, key, at);
  if (list.length > 10) r.errors.add([...at, key], 'value must contain no more than 10 item(s)');
  return list.map((o, i) => {
    const hAt = [...at, key, i];
    const h = r.object(o, 'header', hAt) ?? {};
    const k = r.string(h, 'key', [...hAt, 'header']) ?? '';
    if (k === '') r.errors.add([...hAt, 'header', 'key'], 'value length must be at least 1 characters');
    const action = r.string(o, 'append_action', hAt);
    const append = r.wrapped(o, 'append', hAt, 'boolean') ?? (action === undefined ? true : action === 'APPEND_IF_EXISTS_OR_ADD');
    return { key: k.toLowerCase(), value: r.string(h, 'value', [...hAt, 'header']) ?? '', append };
  });
}

export function parseLocalRateLimitConfig(wire: WireMessage, at: FieldPath): Result<LocalRateLimitConfig> {
  const r = new WireReader(new ParseErrors());
  const statPrefix = r.string(wire, 'stat_prefix', at) ?? '';
  if (statPrefix === '') r.errors.add([...at, 'stat_prefix'], 'value length must be at least 1 characters');
  const statusWire = r.object(wire, 'status', at);
  let status = 429;
  if (statusWire) {
    const code = statusWire.code;
    const n = typeof code === 'number' ? code : STATUS_CODES[String(code)] ?? 0;
    if (n >= 400) status = n;
  }
  const descriptors = r.objects(wire, 'descriptors', at).map((d, i): DescriptorConfig => {
    const dAt = [...at, 'descriptors', i];
    const entries = r.objects(d, 'entries', dAt).map((e, j) => ({ key: r.string(e, 'key', [...dAt, 'entries', j]) ?? '', value: r.string(e, 'value', [...dAt, 'entries', j]) ?? '' }));
    if (entries.length === 0) r.errors.add([...dAt, 'entries'], 'value must contain at least 1 item(s)');
    const bucket = tokenBucket(r, d, dAt);
    if (bucket === undefined) r.errors.add([...dAt, 'token_bucket'], 'value is required');
    return { entries, tokenBucket: bucket ?? { maxTokens: 1, tokensPerFill: 1, fillIntervalMs: 1000 } };
  });
  const stage = r.number(wire, 'stage', at) ?? 0;
  if (stage > 10) r.errors.add([...at, 'stage'], 'value must be less than or equal to 10');
  const xHeaders = wire.enable_x_ratelimit_headers;
  if (xHeaders !== undefined && xHeaders !== 'OFF' && xHeaders !== 'DRAFT_VERSION_03' && xHeaders !== 0 && xHeaders !== 1) {
    r.errors.add([...at, 'enable_x_ratelimit_headers'], 'value must be one of the defined enum values');
  }
  const config: LocalRateLimitConfig = {
    statPrefix,
    status,
    tokenBucket: tokenBucket(r, wire, at),
    filterEnabled: fraction(r, wire, 'filter_enabled', at),
    filterEnforced: fraction(r, wire, 'filter_enforced', at),
    requestHeadersToAddWhenNotEnforced: headers(r, wire, 'request_headers_to_add_when_not_enforced', at),
    responseHeadersToAdd: headers(r, wire, 'response_headers_to_add', at),
    descriptors,
    stage,
    perDownstreamConnection: r.bool(wire, 'local_rate_limit_per_downstream_connection', at) ?? false,
    xRateLimitHeaders: xHeaders === 'DRAFT_VERSION_03' || xHeaders === 1,
    alwaysConsumeDefaultTokenBucket: r.wrapped(wire, 'always_consume_default_token_bucket', at, 'boolean') ?? true,
    vhRateLimits: wire.vh_rate_limits === 'INCLUDE' || wire.vh_rate_limits === 1 ? 'INCLUDE' : wire.vh_rate_limits === 'IGNORE' || wire.vh_rate_limits === 2 ? 'IGNORE' : 'OVERRIDE',
  };
  return r.errors.list.length > 0 ? fail(...r.errors.list) : ok(config);
}
