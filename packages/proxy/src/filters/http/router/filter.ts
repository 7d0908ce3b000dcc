/**
 * The router (envoy.filters.http.router), terminal: route → cluster → load
 * balancer → connection pool, one upstream attempt at a time. Per-try and
 * overall timeouts answer 504 `upstream request timeout` (UT); retries
 * follow the route's retry policy with jittered exponential back-off, the
 * previous_hosts predicate and the cluster's max_retries breaker; mirrors
 * are fire-and-forget. Failures before response headers become Envoy's
 * local replies with their response flags: NR, NC, UH, UO, UF, UC, UT, URX.
 * Request bodies are kept (up to the buffer limit) so a retry can resend
 * them. Envoy's x-envoy-* headers are added unless suppressed.
 */
import type { Duplex } from 'node:stream';
import type { Cancel } from '@skiff/common';
import { tunnel } from '../../../http/upgrade/tunnel.ts';
import type { ResponseSink, UpstreamResetReason } from '../../../http/codec/client-connection.ts';
import type { UpstreamCodecClient, UpstreamRequestHandle } from '../../../upstream/conn-pool/types.ts';
import { HeaderMap } from '../../../http/codec/header-map.ts';
import type { OutgoingFraming } from '../../../http/codec/encoder.ts';
import type { ResponseHead } from '../../../http/codec/types.ts';
import { pickCluster, redirectLocation, type ForwardActionConfig, type HashPolicyConfig, type HeaderMutationsConfig, type RouteMatch } from '../../../http/route-table/index.ts';
import { hash32 } from '../../../load-balancers/hash.ts';
import { generateHashCookie, parseCookieValue } from '../../../load-balancers/hash-cookie.ts';
import type { LbRequestContext } from '../../../load-balancers/types.ts';
import type { Cluster } from '../../../upstream/cluster.ts';
import { countResponse } from '../../../upstream/cluster-stats.ts';
import type { PoolCallbacks, PoolRequest } from '../../../upstream/conn-pool/conn-pool.ts';
import { UPSTREAM_RESET_BEFORE_HEADERS, type PoolFailure } from '../../../upstream/conn-pool/pool-failure.ts';
import type { Host } from '../../../upstream/host.ts';
import type { FilterFactoryContext } from '../extension.ts';
import type { DataStatus, HeadersStatus, HttpFilter, RequestHeaders, StreamContext } from '../filter.ts';
import type { RouterConfig } from './config.ts';
import { compileRetryPolicy, retriableFailure, retriableStatus, type AttemptFailure, type CompiledRetryPolicy } from './retry-policy.ts';
import type { RouterStats } from './stats.ts';

const EMPTY = Buffer.alloc(0);
const OVERLOADED: readonly (readonly [string, string])[] = [['x-envoy-overloaded', 'true']];

/** Shared by every stream of one router config. */
export interface RouterShared {
  readonly config: RouterConfig;
  readonly ctx: FilterFactoryContext;
  readonly stats: RouterStats;
}

/** One try against one host: pool callbacks and the response sink, inert once superseded. */
class UpstreamAttempt implements PoolCallbacks, ResponseSink {
  readonly router: Router;
  readonly host: Host;
  readonly startMs: number;
  pending: PoolRequest | null = null;
  request: UpstreamRequestHandle | null = null;
  active = true;
  isRetry: boolean;
  perTryTimer: Cancel | null = null;
  responseStarted = false;
  status = 0;

  constructor(router: Router, host: Host, startMs: number, isRetry: boolean) {
    this.router = router;
    this.host = host;
    this.startMs = startMs;
    this.isRetry = isRetry;
  }

  onPoolReady(conn: UpstreamCodecClient): void {
    this.router.onPoolReady(this, conn);
  }

  onPoolFailure(failure: PoolFailure): void {
    this.router.onPoolFailure(this, failure);
  }

  onResponseHead(head: ResponseHead): void {
    this.router.onResponseHead(this, head);
  }

  onResponseData(chunk: Buffer): void {
    if (this.active) this.router.onResponseData(this, chunk);
  }

  onResponseTrailers(trailers: HeaderMap): void {
    if (this.active) this.router.responseTrailers = trailers;
  }

  onResponseEnd(): void {
    if (this.active) this.router.onResponseEnd(this);
  }

  onReset(reason: UpstreamResetReason): void {
    if (this.active) this.router.onUpstreamReset(this, reason);
  }

  onUpgrade(head: ResponseHead, socket: Duplex, leftover: Buffer | null): void {
    this.router.onUpgrade(this, head, socket, leftover);
  }
}

export class Router implements HttpFilter, LbRequestContext {
  readonly #s: RouterShared;
  readonly #stream: StreamContext;
  #headers: RequestHeaders | null = null;
  #cluster: Cluster | null = null;
  #action: ForwardActionConfig | null = null;
  #retry: CompiledRetryPolicy | null = null;
  #attempt: UpstreamAttempt | null = null;
  #attempts = 0;
  #retriesDone = 0;
  #triedHosts: Host[] | null = null;
  #body: Buffer[] | null = null;
  #bodyBytes = 0;
  #bodyTooLarge = false;
  #requestEnded = false;
  #requestTrailers: HeaderMap | null = null;
  #globalTimer: Cancel | null = null;
  #retryTimer: Cancel | null = null;
  #done = false;
  #includeAttemptCount = false;
  hashKey: number | undefined = undefined;
  /** Cookies the cookie hash policy generated for this request; sent on the response (Envoy's downstream_set_cookies_). */
  #setCookies: string[] | null = null;
  hostSelectionRetryMaxAttempts = 1;
  responseTrailers: HeaderMap | null = null;
  readonly #resumeUpstream = (): void => this.#attempt?.request?.resumeResponse();
  readonly #resumeDownstream = (): void => this.#stream.resumeDecoding();

  constructor(shared: RouterShared, stream: StreamContext) {
    this.#s = shared;
    this.#stream = stream;
  }

  // LbRequestContext
  get originalDestination(): { readonly address: string; readonly port: number } {
    const d = this.#stream.downstream;
    return { address: d.localAddress, port: d.localPort };
  }

  downstreamHeader(name: string): string | undefined {
    return this.#headers?.headers.get(name);
  }

  shouldSelectAnotherHost(host: Host): boolean {
    const tried = this.#triedHosts;
    return tried !== null && tried.includes(host);
  }

  // HttpFilter

  decodeHeaders(headers: RequestHeaders, endStream: boolean): HeadersStatus {
    const s = this.#s;
    const stream = this.#stream;
    s.stats.rq_total.inc();
    const match = stream.route();
    if (match === null) {
      s.stats.no_route.inc();
      stream.sendLocalReply(404, '', { responseFlag: 'NR', details: 'route_not_found' });
      return 'StopIteration';
    }
    const action = match.action;
    if (action.type === 'redirect') {
      s.stats.rq_redirect.inc();
      stream.sendLocalReply(action.redirect.responseCode, '', { details: 'direct_response', headers: [['location', redirectLocation(action.redirect, stream.routeRequest, match.route?.match)]] });
      return 'StopIteration';
    }
    if (action.type === 'directResponse') {
      s.stats.rq_direct_response.inc();
      stream.sendLocalReply(action.directResponse.status, action.directResponse.body ?? '', { details: 'direct_response' });
      return 'StopIteration';
    }
    const forward = action.route;
    const pick = pickCluster(forward.clusterSpecifier, stream.routeRequest, s.ctx.random);
    const cluster = pick === undefined ? undefined : s.ctx.clusters.get(pick.name);
    if (pick === undefined || cluster === undefined) {
      s.stats.no_cluster.inc();
      stream.sendLocalReply(503, '', { responseFlag: 'NC', details: 'cluster_not_found' });
      return 'StopIteration';
    }
    this.#headers = headers;
    this.#cluster = cluster;
    this.#action = forward;
    stream.info.upstreamClusterName = cluster.name;
    if (match.retryPolicy !== undefined) {
      this.#retry = compileRetryPolicy(match.retryPolicy);
      this.hostSelectionRetryMaxAttempts = match.retryPolicy.hostSelectionRetryMaxAttempts;
      if (this.#retry.previousHosts) this.#triedHosts = [];
    }
    this.#includeAttemptCount = match.virtualHost.includeRequestAttemptCount && !s.config.suppressEnvoyHeaders;
    this.#prepareHeaders(headers, match, forward, pick.weighted);
    if (forward.hashPolicy.length > 0) this.hashKey = this.#hash(forward.hashPolicy, headers);
    this.#requestEnded = endStream;
    if (endStream) this.#onRequestComplete();
    if (!endStream) this.#body = [];
    this.#startAttempt(false);
    return 'StopIteration';
  }

  decodeData(chunk: Buffer, endStream: boolean): DataStatus {
    if (this.#done || this.#cluster === null) return 'StopIterationNoBuffer';
    if (chunk.length > 0) {
      if (!this.#bodyTooLarge) {
        this.#bodyBytes += chunk.length;
        if (this.#bodyBytes > this.#s.config.retryBufferLimitBytes) {
          this.#bodyTooLarge = true;
          this.#body = null;
        } else this.#body?.push(chunk);
      }
      const req = this.#attempt?.request;
      if (req != null && !req.write(chunk)) {
        this.#stream.pauseDecoding();
        req.onceDrain(this.#resumeDownstream);
      }
    }
    if (endStream) {
      this.#requestEnded = true;
      this.#attempt?.request?.end(this.#requestTrailers ?? undefined);
      this.#onRequestComplete();
    }
    return 'StopIterationNoBuffer';
  }

  decodeTrailers(trailers: HeaderMap): 'StopIteration' {
    this.#requestTrailers = trailers;
    if (!this.#done && this.#cluster !== null && !this.#requestEnded) {
      this.#requestEnded = true;
      this.#attempt?.request?.end(trailers);
      this.#onRequestComplete();
    }
    return 'StopIteration';
  }

  onDestroy(): void {
    if (this.#done) return;
    this.#done = true;
    this.#cleanupAttempt(this.#attempt, true);
    this.#clearTimers();
  }

  // attempts

  #startAttempt(isRetry: boolean): void {
    const cluster = this.#cluster!;
    const stream = this.#stream;
    if (!cluster.resources.requests.canCreate()) {
      cluster.stats.upstream_rq_pending_overflow.inc();
      this.#overflow();
      return;
    }
    const host = cluster.picker.pick(this);
    if (host === null) {
      cluster.stats.upstream_cx_none_healthy.inc();
      this.#reply(503, 'no healthy upstream', 'UH', 'no_healthy_upstream');
      return;
    }
    const now = this.#s.ctx.clock.now();
    const attempt = new UpstreamAttempt(this, host, now, isRetry);
    this.#attempt = attempt;
    this.#attempts++;
    this.#triedHosts?.push(host);
    stream.info.attemptCount = this.#attempts;
    stream.info.upstreamHost = host;
    cluster.resources.requests.inc();
    cluster.stats.upstream_rq_total.inc();
    host.stats.rq_active++;
    host.stats.rq_total++;
    const pool = cluster.poolFor(host, stream.info.protocol);
    const cxOverflowBefore = pool.stats.upstream_cx_overflow;
    const r = pool.newStream(attempt);
    if (pool.stats.upstream_cx_overflow !== cxOverflowBefore) cluster.stats.upstream_cx_overflow.inc(pool.stats.upstream_cx_overflow - cxOverflowBefore);
    if (!attempt.active) return; // onPoolReady already failed it synchronously
    if (r.status === 'overflow') {
      this.#cleanupAttempt(attempt, false);
      cluster.stats.upstream_rq_pending_overflow.inc();
      this.#overflow();
      return;
    }
    if (r.status === 'pending') {
      if (!cluster.resources.pendingRequests.canCreate()) {
        r.cancel();
        this.#cleanupAttempt(attempt, false);
        cluster.stats.upstream_rq_pending_overflow.inc();
        this.#overflow();
        return;
      }
      cluster.resources.pendingRequests.inc();
      attempt.pending = r;
    }
    const perTry = this.#retry?.config.perTryTimeoutMs;
    if (perTry !== undefined && perTry > 0 && attempt.active) attempt.perTryTimer = this.#s.ctx.clock.setTimeout(() => this.#onPerTryTimeout(attempt), perTry);
  }

  onPoolReady(attempt: UpstreamAttempt, conn: UpstreamCodecClient): void {
    this.#cluster!.outlier?.putResult(attempt.host, 'local_origin_connect_success');
    if (attempt.pending !== null) {
      this.#cluster!.resources.pendingRequests.dec();
      attempt.pending = null;
    }
    if (!attempt.active || this.#done) {
      conn.close();
      return;
    }
    const h = this.#headers!;
    if (this.#includeAttemptCount) h.headers.set('x-envoy-attempt-count', String(this.#attempts));
    let framing: OutgoingFraming = 'none';
    let length = -1;
    if (h.framing !== 'none') {
      if (this.#requestEnded && this.#body !== null) {
        framing = 'content-length';
        length = this.#bodyBytes;
      } else if (h.framing === 'content-length') {
        framing = 'content-length';
        length = h.contentLength;
      } else framing = 'chunked';
    }
    const req = conn.startRequest(h.method, h.path, h.headers, framing, length, h.upgrade, attempt);
    attempt.request = req;
    if (framing === 'none') return;
    if (attempt.isRetry || this.#bodyBytes > 0) {
      if (this.#body === null) {
        // The body outgrew the retry buffer before this attempt started: nothing left to resend.
        this.#failAttempt(attempt, 'reset');
        return;
      }
      for (const chunk of this.#body) req.write(chunk);
    }
    if (this.#requestEnded) req.end(this.#requestTrailers ?? undefined);
  }

  onPoolFailure(attempt: UpstreamAttempt, failure: PoolFailure): void {
    if (attempt.pending !== null) {
      this.#cluster!.resources.pendingRequests.dec();
      attempt.pending = null;
    }
    if (!attempt.active || this.#done) return;
    if (failure.reason === 'overflow') {
      this.#cleanupAttempt(attempt, false);
      this.#cluster!.stats.upstream_rq_pending_overflow.inc();
      this.#overflow();
      return;
    }
    this.#cluster!.stats.upstream_cx_connect_fail.inc();
    attempt.host.stats.cx_connect_fail++;
    this.#failAttempt(attempt, 'connect-failure', failure.reason, failure.transportFailureReason);
  }

  onResponseHead(attempt: UpstreamAttempt, head: ResponseHead): void {
    if (!attempt.active || this.#done) return;
    const cluster = this.#cluster!;
    const status = head.status;
    this.#clearPerTry(attempt);
    cluster.outlier?.putHttpResponseCode(attempt.host, status);
    const retry = this.#retry;
    if (retry !== null && retriableStatus(retry, status) && this.#mayRetry()) {
      countResponse(cluster.stats, status);
      this.#cleanupAttempt(attempt, true);
      this.#scheduleRetry();
      return;
    }
    attempt.responseStarted = true;
    const stream = this.#stream;
    stream.info.responseCodeDetails = 'via_upstream';
    if (!this.#s.config.suppressEnvoyHeaders) head.headers.set('x-envoy-upstream-service-time', String(this.#s.ctx.clock.now() - attempt.startMs));
    if (this.#setCookies !== null) for (const c of this.#setCookies) head.headers.add('set-cookie', c);
    const endStream = head.framing === 'none';
    stream.encodeHeaders({ status, reason: head.reason, headers: head.headers, framing: head.framing, contentLength: head.contentLength }, endStream);
    attempt.status = status;
    if (endStream) this.#completeAttempt(attempt, status);
  }

  onResponseData(attempt: UpstreamAttempt, chunk: Buffer): void {
    if (!attempt.responseStarted) return;
    if (!this.#stream.encodeData(chunk, false)) {
      attempt.request?.pauseResponse();
      this.#stream.onDownstreamDrain(this.#resumeUpstream);
    }
  }

  onResponseEnd(attempt: UpstreamAttempt): void {
    if (!attempt.responseStarted) return;
    const status = attempt.status;
    const trailers = this.responseTrailers;
    this.#completeAttempt(attempt, status);
    if (trailers !== null) this.#stream.encodeTrailers(trailers);
    else this.#stream.encodeData(EMPTY, true);
  }

  onUpstreamReset(attempt: UpstreamAttempt, reason: UpstreamResetReason): void {
    if (this.#done) return;
    this.#cluster!.stats.upstream_rq_rx_reset.inc();
    if (attempt.responseStarted) {
      this.#cleanupAttempt(attempt, false);
      this.#s.stats.rq_reset_after_downstream_response_started.inc();
      this.#stream.info.setResponseFlag('UC');
      this.#finishRouter();
      this.#stream.resetStream();
      return;
    }
    this.#failAttempt(attempt, reason === 'remote refused stream reset' ? 'refused-stream' : 'reset', reason);
  }

  /** The upstream accepted an upgrade (101): relay it, then tunnel bytes both ways until either side closes. */
  onUpgrade(attempt: UpstreamAttempt, head: ResponseHead, socket: Duplex, leftover: Buffer | null): void {
    if (!attempt.active || this.#done) {
      socket.destroy();
      return;
    }
    this.#clearPerTry(attempt);
    this.#clearTimers(); // the route timeout ends with the response headers; a tunnel lives as long as its peers
    attempt.responseStarted = true;
    const stream = this.#stream;
    stream.info.responseCodeDetails = 'via_upstream';
    stream.encodeHeaders({ status: head.status, reason: head.reason, headers: head.headers, framing: 'none', contentLength: -1 }, false);
    const downstream = stream.takeUpgradedDownstream?.() ?? null;
    if (downstream === null) {
      socket.destroy();
      this.#cleanupAttempt(attempt, false);
      this.#finishRouter();
      stream.resetStream();
      return;
    }
    tunnel(downstream.socket, downstream.head, socket, leftover, () => {
      this.#completeAttempt(attempt, head.status);
      stream.encodeData(EMPTY, true);
    });
  }

  // outcomes

  /** A failure before response headers: retry if the policy says so, else Envoy's local reply. */
  #failAttempt(attempt: UpstreamAttempt, failure: AttemptFailure, resetReason?: string, transportFailureReason?: string): void {
    const cluster = this.#cluster!;
    if (transportFailureReason !== undefined) this.#stream.info.upstreamTransportFailureReason = transportFailureReason;
    // Local-origin failures: apart with split_external_local_origin_errors, else as 503/504 (Envoy's router).
    cluster.outlier?.putResult(attempt.host, failure === 'per-try-timeout' ? 'local_origin_timeout' : 'local_origin_connect_failed');
    this.#cleanupAttempt(attempt, true);
    const retry = this.#retry;
    if (retry !== null && retriableFailure(retry, failure) && this.#mayRetry()) {
      this.#scheduleRetry();
      return;
    }
    if (failure === 'per-try-timeout') {
      this.#reply(504, 'upstream request timeout', 'UT', 'upstream_per_try_timeout');
      return;
    }
    const reason = resetReason ?? 'connection termination';
    // Envoy answers an upstream protocol error 502 with UPE; other resets 503 UC (UF when connecting failed).
    const flag = failure === 'connect-failure' ? 'UF' : reason === 'protocol error' ? 'UPE' : 'UC';
    const status = reason === 'protocol error' ? 502 : 503;
    // Envoy appends the transport socket's failure (a TLS handshake error) to the reason, and to the details after a comma.
    const transport = transportFailureReason === undefined ? '' : `, transport failure reason: ${transportFailureReason}`;
    const detail = transportFailureReason === undefined ? '' : `,${transportFailureReason.replaceAll(' ', '_')}`;
    this.#reply(status, UPSTREAM_RESET_BEFORE_HEADERS + reason + transport, flag, `upstream_reset_before_response_started{${reason.replaceAll(' ', '_')}${detail}}`);
  }

  #overflow(): void {
    this.#finishRouter();
    this.#stream.sendLocalReply(503, UPSTREAM_RESET_BEFORE_HEADERS + 'overflow', { responseFlag: 'UO', details: 'upstream_reset_before_response_started{overflow}', headers: OVERLOADED });
  }

  #reply(status: number, body: string, flag: 'UH' | 'UF' | 'UC' | 'UPE' | 'UT', details: string): void {
    this.#finishRouter();
    this.#stream.sendLocalReply(status, body, { responseFlag: flag, details });
  }

  /** Whether another try is allowed: retries left (else URX), the retry breaker (else UO), the body still buffered. */
  #mayRetry(): boolean {
    const retry = this.#retry!;
    const cluster = this.#cluster!;
    if (this.#retriesDone >= retry.config.numRetries) {
      cluster.stats.upstream_rq_retry_limit_exceeded.inc();
      if (retry.config.numRetries > 0) this.#stream.info.setResponseFlag('URX');
      return false;
    }
    if (!cluster.resources.retries.canCreate()) {
      cluster.stats.upstream_rq_retry_overflow.inc();
      this.#stream.info.setResponseFlag('UO');
      return false;
    }
    return !this.#bodyTooLarge;
  }

  #scheduleRetry(): void {
    const retry = this.#retry!;
    const cluster = this.#cluster!;
    this.#retriesDone++;
    cluster.resources.retries.inc();
    cluster.stats.upstream_rq_retry.inc();
    const { baseIntervalMs, maxIntervalMs } = retry.config.backoff;
    const ceiling = Math.min(baseIntervalMs * 2 ** (this.#retriesDone - 1), maxIntervalMs);
    const delay = Math.floor(this.#s.ctx.random.next() * ceiling);
    this.#retryTimer = this.#s.ctx.clock.setTimeout(() => {
      this.#retryTimer = null;
      if (!this.#done) this.#startAttempt(true);
    }, delay);
  }

  #completeAttempt(attempt: UpstreamAttempt, status: number): void {
    const cluster = this.#cluster!;
    countResponse(cluster.stats, status);
    cluster.stats.upstream_rq_completed.inc();
    if (status < 500) attempt.host.stats.rq_success++;
    else attempt.host.stats.rq_error++;
    if (attempt.isRetry && status < 500) cluster.stats.upstream_rq_retry_success.inc();
    this.#cleanupAttempt(attempt, false);
    this.#finishRouter();
  }

  /** Releases what an attempt holds; `abort` tears down its upstream request or pending slot. */
  #cleanupAttempt(attempt: UpstreamAttempt | null, abort: boolean): void {
    if (attempt === null || !attempt.active) return;
    attempt.active = false;
    const cluster = this.#cluster!;
    this.#clearPerTry(attempt);
    if (attempt.pending !== null) {
      if (attempt.pending.status === 'pending') attempt.pending.cancel();
      cluster.resources.pendingRequests.dec();
      attempt.pending = null;
    }
    if (abort) attempt.request?.abort();
    attempt.request = null;
    cluster.resources.requests.dec();
    if (attempt.isRetry) cluster.resources.retries.dec();
    attempt.host.stats.rq_active--;
  }

  #onPerTryTimeout(attempt: UpstreamAttempt): void {
    attempt.perTryTimer = null;
    if (!attempt.active || this.#done) return;
    this.#cluster!.stats.upstream_rq_per_try_timeout.inc();
    attempt.host.stats.rq_timeout++;
    this.#failAttempt(attempt, 'per-try-timeout');
  }

  #onRequestComplete(): void {
    const timeout = this.#action!.timeoutMs;
    if (timeout > 0 && this.#globalTimer === null) this.#globalTimer = this.#s.ctx.clock.setTimeout(() => this.#onGlobalTimeout(), timeout);
    this.#mirror();
  }

  #onGlobalTimeout(): void {
    this.#globalTimer = null;
    if (this.#done) return;
    const attempt = this.#attempt;
    this.#cluster!.stats.upstream_rq_timeout.inc();
    if (attempt !== null) {
      attempt.host.stats.rq_timeout++;
      if (attempt.active && !attempt.responseStarted) this.#cluster!.outlier?.putResult(attempt.host, 'local_origin_timeout');
    }
    if (attempt?.responseStarted) {
      this.#cleanupAttempt(attempt, true);
      this.#stream.info.setResponseFlag('UT');
      this.#finishRouter();
      this.#stream.resetStream();
      return;
    }
    this.#cleanupAttempt(attempt, true);
    this.#reply(504, 'upstream request timeout', 'UT', 'upstream_response_timeout');
  }

  #clearPerTry(attempt: UpstreamAttempt): void {
    attempt.perTryTimer?.();
    attempt.perTryTimer = null;
  }

  #clearTimers(): void {
    this.#globalTimer?.();
    this.#globalTimer = null;
    this.#retryTimer?.();
    this.#retryTimer = null;
  }

  /** The router has its answer: no more timers or retries. */
  #finishRouter(): void {
    this.#clearTimers();
    this.#done = true;
  }

  // request preparation

  #prepareHeaders(h: RequestHeaders, match: RouteMatch, forward: ForwardActionConfig, weighted: HeaderMutationsConfig | undefined): void {
    const route = match.route;
    if (forward.prefixRewrite !== undefined && route !== undefined && route.match.path.kind !== 'safeRegex') {
      const prefix = route.match.path.value;
      h.path = forward.prefixRewrite + h.path.slice(prefix.length);
    } else if (forward.regexRewrite !== undefined) {
      const q = h.path.indexOf('?');
      const bare = q < 0 ? h.path : h.path.slice(0, q);
      h.path = bare.replace(new RegExp(forward.regexRewrite.regex, 'g'), forward.regexRewrite.substitution) + (q < 0 ? '' : h.path.slice(q));
    }
    const hostRewrite = (weighted as { hostRewriteLiteral?: string } | undefined)?.hostRewriteLiteral ?? forward.hostRewriteLiteral;
    if (hostRewrite !== undefined) {
      h.headers.set('x-forwarded-host', h.authority);
      h.authority = hostRewrite;
      h.headers.set('host', hostRewrite);
    }
    applyRequestMutations(h.headers, weighted);
    if (route !== undefined) applyRequestMutations(h.headers, route);
    applyRequestMutations(h.headers, match.virtualHost);
    if (!this.#s.config.suppressEnvoyHeaders) {
      const perTry = this.#retry?.config.perTryTimeoutMs;
      const expected = perTry !== undefined && perTry > 0 ? perTry : forward.timeoutMs;
      if (expected > 0) h.headers.set('x-envoy-expected-rq-timeout-ms', String(expected));
    }
  }

  #hash(policies: readonly HashPolicyConfig[], h: RequestHeaders): number | undefined {
    let key: string | undefined;
    for (const p of policies) {
      let v: string | undefined;
      if (p.kind === 'header') v = p.headerName === ':authority' ? h.authority : p.headerName === ':path' ? h.path : h.headers.get(p.headerName);
      else if (p.kind === 'sourceIp') v = this.#stream.downstream.remoteAddress;
      else if (p.kind === 'queryParameter') v = new URLSearchParams(h.path.slice(h.path.indexOf('?') + 1)).get(p.name) ?? undefined;
      else if (p.kind === 'cookie') {
        v = parseCookieValue(h.headers.get('cookie'), p.name);
        if (v === undefined && p.ttlMs !== undefined) {
          const d = this.#stream.downstream;
          const generated = generateHashCookie(p.name, p.path, p.ttlMs, `${d.remoteAddress}${d.localAddress}:${d.localPort}`);
          (this.#setCookies ??= []).push(generated.setCookie);
          v = generated.value;
        }
      }
      if (v === undefined) continue;
      key = key === undefined ? v : key + '\u0000' + v;
      if (p.terminal) break;
    }
    return key === undefined ? undefined : hash32(key);
  }

  /** Request mirroring: a copy to each mirror cluster (Host `<host>-shadow`), response ignored. */
  #mirror(): void {
    const policies = this.#action!.requestMirrorPolicies;
    if (policies.length === 0 || this.#bodyTooLarge) return;
    const { random, clusters } = this.#s.ctx;
    for (const p of policies) {
      if (random.next() * p.fraction.denominator >= p.fraction.numerator) continue;
      const cluster = clusters.get(p.cluster);
      const host = cluster?.picker.pick(null);
      if (!cluster || !host) continue;
      const h = this.#headers!;
      const headers = new HeaderMap();
      for (let i = 0; i < h.headers.size; i++) headers.add(h.headers.nameAt(i), h.headers.valueAt(i));
      const colon = h.authority.lastIndexOf(':');
      headers.set('host', colon > 0 && !h.authority.endsWith(']') ? `${h.authority.slice(0, colon)}-shadow${h.authority.slice(colon)}` : `${h.authority}-shadow`);
      const body = this.#body === null ? EMPTY : Buffer.concat(this.#body, this.#bodyBytes);
      const sink: ResponseSink = { onResponseHead() {}, onResponseData() {}, onResponseTrailers() {}, onResponseEnd() {}, onReset() {} };
      cluster.poolFor(host).newStream({
        onPoolReady: (conn) => {
          const req = conn.startRequest(h.method, h.path, headers, body.length > 0 ? 'content-length' : 'none', body.length, undefined, sink);
          if (body.length > 0) req.write(body);
          req.end();
        },
        onPoolFailure() {},
      });
    }
  }
}

function applyRequestMutations(headers: HeaderMap, m: HeaderMutationsConfig | undefined): void {
  if (m === undefined) return;
  const remove = m.requestHeadersToRemove;
  for (let i = 0; i < remove.length; i++) headers.remove(remove[i]);
  const add = m.requestHeadersToAdd;
  for (let i = 0; i < add.length; i++) {
    const { key, value, appendAction } = add[i];
    switch (appendAction) {
      case 'APPEND_IF_EXISTS_OR_ADD': headers.addLower(key, value); break;
      case 'ADD_IF_ABSENT': if (!headers.has(key)) headers.addLower(key, value); break;
      case 'OVERWRITE_IF_EXISTS_OR_ADD': headers.set(key, value); break;
      case 'OVERWRITE_IF_EXISTS': if (headers.has(key)) headers.set(key, value); break;
    }
  }
}

