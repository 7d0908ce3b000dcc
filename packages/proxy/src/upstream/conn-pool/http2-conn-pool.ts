/**
 * An HTTP/2 connection pool for one upstream endpoint (Envoy's HTTP/2
 * ConnPool): each connection is one nghttp2 session (node:http2, h2c for
 * plaintext, or TLS when a transport is given) carrying many streams. A
 * stream goes on the first connected session with room — room being the
 * lower of http2_protocol_options.max_concurrent_streams and the peer's
 * SETTINGS_MAX_CONCURRENT_STREAMS, and max_requests_per_connection for the
 * session's lifetime; a full or draining (GOAWAY) session takes no more.
 * Otherwise the request waits (max_pending_requests bounds the wait, else
 * `overflow`) and a new connection opens while waiting streams outnumber the
 * room of the connections being established, up to max_connections
 * (upstream_cx_overflow counts the refusals). The cluster's max_requests
 * breaker counts streams in the router, as for HTTP/1.
 *
 * Connect failure or timeout (on the injected Clock) fails the waiting
 * requests with Envoy's reasons; a stream the peer resets is reported as
 * `remote reset`, or `remote refused stream reset` for REFUSED_STREAM (which
 * retry_on refused-stream retries); a session lost mid-stream as
 * `connection termination`.
 */
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '@skiff/common';
import type { Http2Options } from '../../http/http2/options.ts';
import type { PoolCallbacks, PoolRequest } from './conn-pool.ts';
import { Http2Client, type Http2ClientEvents } from './http2-client.ts';
import { PoolFailure } from './pool-failure.ts';
import { ConnPoolStats } from './stats.ts';
import type { ConnPool } from './types.ts';

export interface Http2ConnPoolOptions {
  readonly clock: Clock;
  readonly host: string;
  readonly port: number;
  readonly http2: Http2Options;
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  /** 0: unlimited. */
  readonly maxRequestsPerConnection?: number;
  readonly connectTimeoutMs?: number;
  /** Envoy's default 1 h; 0 disables. */
  readonly idleTimeoutMs?: number;
  /** The transport (TLS with ALPN h2, a source address...); plaintext TCP when absent. */
  readonly connect?: () => Duplex;
  /** The transport's ready event: 'connect' for TCP, 'secureConnect' for TLS. */
  readonly readyEvent?: 'connect' | 'secureConnect';
}

const READY: PoolRequest = { status: 'ready' };

class PendingStream {
  readonly status = 'pending' as const;
  readonly callbacks: PoolCallbacks;
  readonly #pool: Http2ConnPool;

  constructor(pool: Http2ConnPool, callbacks: PoolCallbacks) {
    this.#pool = pool;
    this.callbacks = callbacks;
  }

  cancel(): void {
    this.#pool.cancelPending(this);
  }
}

export class Http2ConnPool implements ConnPool, Http2ClientEvents {
  readonly stats = new ConnPoolStats();
  readonly #o: Http2ConnPoolOptions;
  readonly #clients = new Set<Http2Client>();
  readonly #pending: PendingStream[] = [];
  #closed = false;

  constructor(options: Http2ConnPoolOptions) {
    this.#o = options;
  }

  get connectionCount(): number {
    return this.#clients.size;
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  newStream(callbacks: PoolCallbacks): PoolRequest {
    this.stats.upstream_rq_total++;
    if (this.#closed) return { status: 'overflow', failure: this.#failure('overflow') };
    for (const client of this.#clients) {
      if (client.hasCapacity) {
        callbacks.onPoolReady(client.reserve());
        return READY;
      }
    }
    if (this.#pending.length >= (this.#o.maxPendingRequests ?? 1024)) {
      this.stats.upstream_rq_pending_overflow++;
      return { status: 'overflow', failure: this.#failure('overflow') };
    }
    const pending = new PendingStream(this, callbacks);
    this.#pending.push(pending);
    this.stats.upstream_rq_pending_total++;
    this.stats.upstream_rq_pending_active++;
    this.#connectIfNeeded();
    return pending;
  }

  cancelPending(pending: PendingStream): void {
    const i = this.#pending.indexOf(pending);
    if (i < 0) return;
    this.#pending.splice(i, 1);
    this.stats.upstream_rq_pending_active--;
    this.stats.upstream_rq_cancelled++;
  }

  /** GOAWAY to every session; they close when their streams finish. Pending requests fail. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#purgePending('overflow');
    for (const client of [...this.#clients]) client.close();
  }

  destroy(): void {
    this.close();
    for (const client of [...this.#clients]) client.destroy();
  }

  // Http2ClientEvents

  onConnected(client: Http2Client): void {
    this.#assign(client);
  }

  onConnectFailure(_client: Http2Client, reason: 'connection failure' | 'connection timeout'): void {
    if (reason === 'connection timeout') this.stats.upstream_cx_connect_timeout++;
    this.stats.upstream_cx_connect_fail++;
    // Only the requests this connection was opened for lose; others wait on connections still opening.
    const stillConnecting = [...this.#clients].some((c) => c.connecting);
    if (!stillConnecting) this.#purgePending(reason);
  }

  onCapacity(client: Http2Client): void {
    if (this.#closed) return;
    this.#assign(client);
  }

  onClose(client: Http2Client): void {
    if (!this.#clients.delete(client)) return;
    this.stats.upstream_cx_active--;
    this.stats.upstream_cx_destroy++;
    if (client.servedMax) this.stats.upstream_cx_max_requests++;
    if (!this.#closed) this.#connectIfNeeded();
  }

  // internals

  #assign(client: Http2Client): void {
    while (this.#pending.length > 0 && client.hasCapacity) {
      const pending = this.#pending.shift()!;
      this.stats.upstream_rq_pending_active--;
      pending.callbacks.onPoolReady(client.reserve());
    }
  }

  #connectIfNeeded(): void {
    let room = 0;
    for (const c of this.#clients) if (c.connecting) room += c.capacityEstimate;
    while (this.#pending.length > room) {
      if (this.#clients.size >= (this.#o.maxConnections ?? 1024)) {
        this.stats.upstream_cx_overflow++;
        return;
      }
      room += this.#open().capacityEstimate;
    }
  }

  #open(): Http2Client {
    const o = this.#o;
    const socket = o.connect !== undefined ? o.connect() : netConnect({ host: o.host, port: o.port, noDelay: true });
    const client = new Http2Client(socket, {
      clock: o.clock,
      authority: o.port === 80 ? o.host : `${o.host}:${o.port}`,
      scheme: o.readyEvent === 'secureConnect' ? 'https' : 'http',
      http2: o.http2,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      idleTimeoutMs: o.idleTimeoutMs ?? 3_600_000,
      maxRequestsPerConnection: o.maxRequestsPerConnection ?? 0,
      readyEvent: o.readyEvent ?? 'connect',
    }, this);
    this.#clients.add(client);
    this.stats.upstream_cx_total++;
    this.stats.upstream_cx_active++;
    return client;
  }

  #purgePending(reason: 'overflow' | 'connection failure' | 'connection timeout'): void {
    const pending = this.#pending.splice(0);
    this.stats.upstream_rq_pending_active -= pending.length;
    if (reason !== 'overflow') this.stats.upstream_rq_pending_failure_eject += pending.length;
    for (const p of pending) p.callbacks.onPoolFailure(this.#failure(reason));
  }

  #failure(reason: 'overflow' | 'connection failure' | 'connection timeout'): PoolFailure {
    return new PoolFailure(reason, this.#o.host, this.#o.port);
  }
}
