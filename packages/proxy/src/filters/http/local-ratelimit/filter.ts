/**
 * One request through envoy.filters.http.local_ratelimit (Envoy's
 * LocalRateLimit::Filter): the route's typed_per_filter_config (its own
 * bucket) else the filter's config decides; filter_enabled is rolled
 * (counter `enabled`), a token is taken (`ok`) or not (`rate_limited`);
 * when filter_enforced is rolled too (`enforced`) the request is answered
 * 429 `local_rate_limited` with flag RL and details `local_rate_limited`,
 * otherwise it goes on with request_headers_to_add_when_not_enforced. With
 * enable_x_ratelimit_headers DRAFT_VERSION_03 every response of an enabled
 * request carries x-ratelimit-limit / -remaining / -reset.
 */
import type { Random } from '@skiff/common';
import { descriptorFor, type DescriptorEntry, type RateLimitConfig } from '../../../http/route-table/index.ts';
import type { HeadersStatus, HttpFilter, RequestHeaders, ResponseHeaders, StreamContext } from '../filter.ts';
import type { FractionConfig, HeaderToAddConfig, LocalRateLimitConfig } from './config.ts';
import type { LocalRateLimiter } from './rate-limiter.ts';
import type { LocalRateLimitStats } from './stats.ts';
import type { TokenBucket } from './token-bucket.ts';

/** Built once per config object: its limiter (or per-connection limiters) and stats. */
export interface LocalRateLimitState {
  readonly config: LocalRateLimitConfig;
  readonly stats: LocalRateLimitStats;
  limiterFor(stream: StreamContext): LocalRateLimiter;
}

export interface LocalRateLimitShared {
  readonly filterName: string;
  readonly random: Random;
  readonly own: LocalRateLimitState;
  /** The state for a per-route config (created on first use, then cached by config object). */
  stateFor(config: LocalRateLimitConfig): LocalRateLimitState;
}

function roll(random: Random, f: FractionConfig): boolean {
  if (f.numerator <= 0) return false;
  if (f.numerator >= f.denominator) return true;
  return Math.floor(random.next() * f.denominator) < f.numerator;
}

function addHeaders(target: { set(k: string, v: string): void; add(k: string, v: string): void }, list: readonly HeaderToAddConfig[]): void {
  for (const h of list) {
    if (h.append) target.add(h.key, h.value);
    else target.set(h.key, h.value);
  }
}

export class LocalRateLimitFilter implements HttpFilter {
  readonly #s: LocalRateLimitShared;
  readonly #stream: StreamContext;
  /** Set when the request was enabled and x-ratelimit headers are on: the bucket that decided. */
  #bucket: TokenBucket | undefined;

  constructor(shared: LocalRateLimitShared, stream: StreamContext) {
    this.#s = shared;
    this.#stream = stream;
  }

  // HttpFilter (decoder)
  decodeHeaders(request: RequestHeaders): HeadersStatus {
    const perRoute = this.#stream.perRouteConfig<LocalRateLimitConfig>(this.#s.filterName);
    const state = perRoute === undefined ? this.#s.own : this.#s.stateFor(perRoute);
    const { config, stats } = state;
    if (!roll(this.#s.random, config.filterEnabled)) return 'Continue';
    stats.enabled.inc();
    const { allowed, bucket } = state.limiterFor(this.#stream).requestAllowed(config.descriptors.length === 0 ? [] : this.#descriptors(config));
    if (config.xRateLimitHeaders) this.#bucket = bucket;
    if (allowed) {
      stats.ok.inc();
      return 'Continue';
    }
    stats.rate_limited.inc();
    if (!roll(this.#s.random, config.filterEnforced)) {
      addHeaders(request.headers, config.requestHeadersToAddWhenNotEnforced);
      return 'Continue';
    }
    stats.enforced.inc();
    const headers: [string, string][] = config.responseHeadersToAdd.map((h) => [h.key, h.value]);
    headers.push(['x-envoy-ratelimited', 'true']);
    this.#stream.sendLocalReply(config.status, 'local_rate_limited', { responseFlag: 'RL', details: 'local_rate_limited', headers });
    return 'StopIteration';
  }

  /** The request's descriptors from the route's (and by vh_rate_limits the virtual host's) rate_limits of this filter's stage. */
  #descriptors(config: LocalRateLimitConfig): DescriptorEntry[][] {
    const m = this.#stream.route();
    if (m === null) return [];
    const action = m.action.type === 'route' ? m.action.route : undefined;
    const routeLimits = action?.rateLimits ?? [];
    const vhLimits = m.virtualHost.rateLimits ?? [];
    let limits: readonly RateLimitConfig[] = routeLimits;
    if (config.vhRateLimits === 'INCLUDE' || (config.vhRateLimits === 'OVERRIDE' && routeLimits.length === 0)) limits = [...routeLimits, ...vhLimits];
    const spec = action?.clusterSpecifier;
    const ctx = {
      request: this.#stream.routeRequest,
      remoteAddress: this.#stream.downstream.remoteAddress,
      destinationCluster: spec?.kind === 'cluster' ? spec.name : '',
      localServiceCluster: '',
    };
    const out: DescriptorEntry[][] = [];
    for (const limit of limits) {
      if (limit.stage !== config.stage) continue;
      const d = descriptorFor(limit, ctx);
      if (d !== undefined) out.push(d);
    }
    return out;
  }

  // HttpFilter (encoder)
  encodeHeaders(response: ResponseHeaders): HeadersStatus {
    const bucket = this.#bucket;
    if (bucket === undefined) return 'Continue';
    const h = response.headers;
    h.set('x-ratelimit-limit', String(bucket.config.maxTokens));
    h.set('x-ratelimit-remaining', String(bucket.remaining));
    h.set('x-ratelimit-reset', String(Math.ceil(bucket.msUntilFill / 1000)));
    return 'Continue';
  }
}
