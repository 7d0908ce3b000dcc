/**
 * Active health checking for one cluster (Envoy's HealthCheckerImplBase and
 * its HTTP and TCP checkers), everything timed on the injected Clock.
 *
 * Each host has a session. A host the checker has not seen yet starts with
 * FAILED_ACTIVE_HC set (Envoy marks new hosts unhealthy until checked) and
 * is checked at once (after initial_jitter); its first success makes it
 * healthy whatever healthy_threshold says. After that:
 * - success: the unhealthy count resets; an unhealthy host becomes healthy
 *   after healthy_threshold consecutive successes;
 * - an HTTP status outside expected_statuses (an "active" failure) makes a
 *   healthy host unhealthy at once, as Envoy does, unless it is one of
 *   retriable_statuses (then it counts towards unhealthy_threshold);
 * - a network failure (connect error, reset, close before the answer,
 *   timeout) counts towards unhealthy_threshold.
 * The next check follows Envoy's interval choice: no_traffic_interval while
 * the cluster has carried no traffic (no_traffic_healthy_interval after a
 * settled success), else interval after a success and unhealthy_interval
 * after a failure, or the edge intervals while a transition is pending,
 * plus a random part of interval_jitter. Stats under `cluster.<name>.health_check.`: attempt,
 * success, failure, network_failure, passive_failure and the gauge healthy.
 */
import { connect, type Socket } from 'node:net';
import type { Cancel, Clock, Random } from '@skiff/common';
import type { Counter, Gauge, StatsRegistry } from '../../stats/index.ts';
import { Http1Parser } from '../../http/codec/http1-parser.ts';
import { DEFAULT_CODEC_LIMITS, type ResponseHead } from '../../http/codec/types.ts';
import { HealthFlag, type Host } from '../host.ts';
import type { HealthCheckConfig, HttpHealthCheckConfig, TcpHealthCheckConfig } from './config.ts';

export const HEALTH_CHECK_COUNTERS = ['attempt', 'success', 'failure', 'network_failure', 'passive_failure', 'verify_cluster'] as const;
type HcCounters = Readonly<Record<(typeof HEALTH_CHECK_COUNTERS)[number], Counter>>;

/** `retriable`: an HTTP status in retriable_statuses, counted towards unhealthy_threshold like a network failure. */
export type HealthCheckFailureType = 'active' | 'retriable' | 'network' | 'network_timeout';

export interface HealthCheckerOptions {
  readonly config: HealthCheckConfig;
  readonly clusterName: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly stats: StatsRegistry;
  /** Whether the cluster has carried traffic (else no_traffic_interval applies). */
  readonly hasTraffic: () => boolean;
  /** A host's FAILED_ACTIVE_HC flag changed: the cluster republishes its host sets. */
  readonly onHealthChanged: () => void;
  /** Every passed check (outlier detection returns an ejected host that passes: successful_active_health_check_uneject_host). */
  readonly onCheckSuccess?: (host: Host) => void;
  /** For tests: how a check connects; net.connect by default. */
  readonly connect?: (host: Host) => Socket;
}

const USER_AGENT = 'Envoy/HC';

export class HealthChecker {
  readonly config: HealthCheckConfig;
  readonly #o: HealthCheckerOptions;
  readonly #counters: HcCounters;
  readonly #healthy: Gauge;
  readonly #sessions = new Map<Host, Session>();
  #closed = false;
  #hostsSet = false;
  #initialRound: (() => void)[] | null = [];

  constructor(o: HealthCheckerOptions) {
    this.#o = o;
    this.config = o.config;
    const prefix = `cluster.${o.clusterName}.health_check.`;
    const stat = (s: string) => ({ name: prefix + s, tagExtractedName: `cluster.health_check.${s}`, tags: { envoy_cluster_name: o.clusterName } });
    this.#counters = Object.fromEntries(HEALTH_CHECK_COUNTERS.map((s) => [s, o.stats.counter(stat(s))])) as HcCounters;
    this.#healthy = o.stats.gauge(stat('healthy'));
  }

  /**
   * Calls `fn` once every host has had its first check (Envoy's initial health check round, which a
   * cluster waits for before it is warm); at once if that already happened.
   */
  onInitialRound(fn: () => void): void {
    if (this.#initialRound === null) fn();
    else this.#initialRound.push(fn);
  }

  /** Membership changed: new hosts start unhealthy and are checked at once; removed hosts stop being checked. */
  setHosts(hosts: readonly Host[]): void {
    if (this.#closed) return;
    this.#hostsSet = true;
    const keep = new Set(hosts);
    for (const [host, session] of this.#sessions) {
      if (keep.has(host)) continue;
      session.stop();
      this.#sessions.delete(host);
    }
    for (const host of hosts) {
      if (this.#sessions.has(host)) continue;
      host.setFlag(HealthFlag.FAILED_ACTIVE_HC | HealthFlag.PENDING_ACTIVE_HC);
      const session = new Session(this, host);
      this.#sessions.set(host, session);
      session.start();
    }
    this.#updateGauge();
    this.checkInitialRound();
  }

  /** After a check result or a membership change: fires the initial-round callbacks once every host was checked. */
  checkInitialRound(): void {
    const waiting = this.#initialRound;
    if (waiting === null || !this.#hostsSet || this.#closed) return;
    for (const s of this.#sessions.values()) if (!s.checked) return;
    this.#initialRound = null;
    for (const fn of waiting) fn();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#sessions.values()) s.stop();
    this.#sessions.clear();
  }

  // For sessions.

  get options(): HealthCheckerOptions {
    return this.#o;
  }

  get counters(): HcCounters {
    return this.#counters;
  }

  changed(): void {
    this.#updateGauge();
    this.#o.onHealthChanged();
  }

  #updateGauge(): void {
    let n = 0;
    for (const host of this.#sessions.keys()) if (!host.hasFlag(HealthFlag.FAILED_ACTIVE_HC)) n++;
    this.#healthy.set(n);
  }
}

type Transition = 'unchanged' | 'changed' | 'pending';

/** One host's checks (Envoy's ActiveHealthCheckSession). */
class Session {
  readonly #checker: HealthChecker;
  readonly #host: Host;
  readonly #config: HealthCheckConfig;
  #firstCheck = true;
  #numHealthy = 0;
  #numUnhealthy = 0;
  #timer: Cancel | null = null;
  #timeout: Cancel | null = null;
  #socket: Socket | null = null;
  #parser: Http1Parser<ResponseHead> | null = null;
  #received: Buffer = Buffer.alloc(0);
  /** A check is in flight (its result not yet counted). */
  #inFlight = false;
  #stopped = false;

  /** Whether this host has had at least one check result. */
  get checked(): boolean {
    return !this.#firstCheck;
  }

  constructor(checker: HealthChecker, host: Host) {
    this.#checker = checker;
    this.#host = host;
    this.#config = checker.config;
  }

  start(): void {
    const jitter = this.#config.initialJitterMs;
    if (jitter > 0) this.#schedule(Math.floor(this.#checker.options.random.next() * jitter));
    else this.#check();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.();
    this.#timer = null;
    this.#timeout?.();
    this.#timeout = null;
    this.#closeSocket();
  }

  #schedule(ms: number): void {
    this.#timer?.();
    this.#timer = this.#checker.options.clock.setTimeout(() => {
      this.#timer = null;
      this.#check();
    }, ms);
  }

  #check(): void {
    if (this.#stopped) return;
    this.#checker.counters.attempt.inc();
    this.#inFlight = true;
    this.#timeout = this.#checker.options.clock.setTimeout(() => {
      this.#timeout = null;
      this.#closeSocket();
      this.#fail('network_timeout');
    }, this.#config.timeoutMs);
    const checker = this.#config.checker;
    if (this.#socket === null || this.#socket.destroyed) this.#open();
    if (checker.kind === 'http') this.#sendHttp(checker);
    else this.#sendTcp(checker);
  }

  #open(): void {
    const o = this.#checker.options;
    const socket = o.connect ? o.connect(this.#host) : connect({ host: this.#host.address, port: this.#host.port });
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('error', () => this.#onSocketGone(socket));
    socket.on('close', () => this.#onSocketGone(socket));
    socket.on('data', (chunk: Buffer) => this.#onData(socket, chunk));
    // A response delimited by the close (HTTP/1.0 style, no length) is complete when the host closes.
    socket.on('end', () => {
      if (this.#socket === socket) this.#parser?.finish();
    });
    const checker = this.#config.checker;
    if (checker.kind === 'tcp' && checker.receive.length === 0) {
      // Connect-only (or send-only) check: connected means healthy.
      socket.once('connect', () => {
        if (this.#socket !== socket || !this.#inFlight) return;
        if (!this.#config.reuseConnection) this.#closeSocket();
        this.#succeed();
      });
    }
  }

  #sendHttp(c: HttpHealthCheckConfig): void {
    const socket = this.#socket!;
    const parser = Http1Parser.forResponses({
      onHead: (head) => {
        this.#headStatus = head.status;
        this.#headKeepAlive = head.keepAlive;
      },
      onBody: () => {},
      onTrailers: () => {},
      onMessageComplete: () => this.#onHttpResponse(socket),
      onError: () => {
        this.#closeSocket();
        this.#fail('network');
      },
    }, DEFAULT_CODEC_LIMITS);
    parser.expectResponse(false);
    this.#parser = parser;
    let head = `GET ${c.path} HTTP/1.1\r\nhost: ${c.host || this.#checker.options.clusterName}\r\nuser-agent: ${USER_AGENT}\r\n`;
    for (const [k, v] of c.requestHeadersToAdd) head += `${k}: ${v}\r\n`;
    if (!this.#config.reuseConnection) head += 'connection: close\r\n';
    socket.write(`${head}\r\n`, 'latin1');
  }

  #headStatus = 0;
  #headKeepAlive = true;

  #onHttpResponse(socket: Socket): void {
    if (this.#socket !== socket || !this.#inFlight) return;
    const status = this.#headStatus;
    const c = this.#config.checker as HttpHealthCheckConfig;
    const inRanges = (ranges: HttpHealthCheckConfig['expectedStatuses']) => ranges.some(([start, end]) => status >= start && status < end);
    if (!this.#headKeepAlive || !this.#config.reuseConnection) this.#closeSocket();
    this.#parser = null;
    if (inRanges(c.expectedStatuses)) this.#succeed();
    else this.#fail(inRanges(c.retriableStatuses) ? 'retriable' : 'active');
  }

  #sendTcp(c: TcpHealthCheckConfig): void {
    this.#received = Buffer.alloc(0);
    if (c.send.length > 0) this.#socket!.write(c.send);
    // Reused and connect-only: the open connection is the answer.
    if (c.receive.length === 0 && !this.#socket!.connecting) this.#succeed();
  }

  #onData(socket: Socket, chunk: Buffer): void {
    if (this.#socket !== socket) return;
    const checker = this.#config.checker;
    if (checker.kind === 'http') {
      if (this.#parser === null) {
        // Bytes nobody asked for: the connection is not trustworthy any more.
        this.#closeSocket();
        return;
      }
      this.#parser.execute(chunk);
      return;
    }
    if (!this.#inFlight) return;
    this.#received = Buffer.concat([this.#received, chunk]);
    // Envoy's fuzzy match: each expected block in order, anywhere after the previous one.
    let at = 0;
    for (const expected of checker.receive) {
      const i = this.#received.indexOf(expected, at);
      if (i < 0) return;
      at = i + expected.length;
    }
    if (!this.#config.reuseConnection) this.#closeSocket();
    this.#succeed();
  }

  #onSocketGone(socket: Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    this.#parser = null;
    socket.destroy();
    if (this.#inFlight) this.#fail('network');
  }

  #closeSocket(): void {
    const socket = this.#socket;
    if (socket === null) return;
    this.#socket = null;
    this.#parser = null;
    socket.destroy();
  }

  #finishAttempt(): boolean {
    if (!this.#inFlight || this.#stopped) return false;
    this.#inFlight = false;
    this.#timeout?.();
    this.#timeout = null;
    return true;
  }

  #succeed(): void {
    if (!this.#finishAttempt()) return;
    const host = this.#host;
    this.#checker.counters.success.inc();
    host.clearFlag(HealthFlag.PENDING_ACTIVE_HC | HealthFlag.ACTIVE_HC_TIMEOUT);
    this.#numUnhealthy = 0;
    let transition: Transition = 'unchanged';
    if (host.hasFlag(HealthFlag.FAILED_ACTIVE_HC)) {
      // Envoy: the very first success of a new host makes it healthy at once.
      if (this.#firstCheck || ++this.#numHealthy >= this.#config.healthyThreshold) {
        host.clearFlag(HealthFlag.FAILED_ACTIVE_HC);
        transition = 'changed';
      } else transition = 'pending';
    }
    this.#firstCheck = false;
    this.#checker.options.onCheckSuccess?.(host);
    if (transition === 'changed') this.#checker.changed();
    this.#schedule(this.#interval('healthy', transition));
    this.#checker.checkInitialRound();
  }

  #fail(type: HealthCheckFailureType): void {
    if (!this.#finishAttempt()) return;
    const host = this.#host;
    const counters = this.#checker.counters;
    counters.failure.inc();
    if (type === 'network' || type === 'network_timeout') counters.network_failure.inc();
    host.clearFlag(HealthFlag.PENDING_ACTIVE_HC);
    if (type === 'network_timeout') host.setFlag(HealthFlag.ACTIVE_HC_TIMEOUT);
    else host.clearFlag(HealthFlag.ACTIVE_HC_TIMEOUT);
    this.#numHealthy = 0;
    let transition: Transition = 'unchanged';
    if (!host.hasFlag(HealthFlag.FAILED_ACTIVE_HC)) {
      if (type === 'active' || ++this.#numUnhealthy >= this.#config.unhealthyThreshold) {
        host.setFlag(HealthFlag.FAILED_ACTIVE_HC);
        transition = 'changed';
      } else transition = 'pending';
    }
    this.#firstCheck = false;
    if (transition === 'changed') this.#checker.changed();
    this.#schedule(this.#interval('unhealthy', transition));
    this.#checker.checkInitialRound();
  }

  /** Envoy's HealthCheckerImplBase::interval: chosen by the result of this check and whether a transition is pending. */
  #interval(result: 'healthy' | 'unhealthy', transition: Transition): number {
    const c = this.#config;
    const pending = transition === 'pending';
    let base: number;
    if (!this.#checker.options.hasTraffic()) {
      base = result === 'healthy' && !pending ? c.noTrafficHealthyIntervalMs : c.noTrafficIntervalMs;
    } else if (result === 'unhealthy') {
      base = pending ? c.unhealthyEdgeIntervalMs : c.unhealthyIntervalMs;
    } else {
      base = pending ? c.healthyEdgeIntervalMs : c.intervalMs;
    }
    const jitter = c.intervalJitterMs > 0 ? Math.floor(this.#checker.options.random.next() * c.intervalJitterMs) : 0;
    return base + jitter;
  }
}
