/**
 * An HTTP/1.1 connection pool for one upstream endpoint (host, port, TLS
 * settings), with Envoy's HTTP/1 pool semantics: one request per connection
 * at a time, idle connections reused most-recently-used first, a new
 * connection opened only while pending requests outnumber connections being
 * established, and the cluster's circuit-breaker limits applied here:
 *
 * - max_connections: over it, requests wait (upstream_cx_overflow counts it);
 * - max_pending_requests: over it, newStream answers `overflow` at once —
 *   the router's 503 with response flag UO;
 * - max_requests_per_connection: a connection that served that many closes.
 *
 * A connection that fails to connect (or times out) fails every pending
 * request, as Envoy's purgePendingStreams does, with `connection failure` or
 * `connection timeout` (flag UF). Everything runs on the injected Clock.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Clock } from '@skiff/common';
import { ClientConnection, type ClientConnectionEvents } from '../../http/codec/client-connection.ts';
import type { CodecLimits } from '../../http/codec/types.ts';
import type { UpstreamTransportSocket } from '../../transport-sockets/tls/upstream-tls.ts';
import { PoolFailure } from './pool-failure.ts';
import { ConnPoolStats } from './stats.ts';
import type { UpstreamCodecClient } from './types.ts';

export interface ConnPoolOptions {
  readonly clock: Clock;
  readonly host: string;
  readonly port: number;
  /** Upstream TLS (transport socket) settings; absent for plaintext. The object is part of the pool's identity. */
  readonly tls?: ConnectionOptions;
  /**
   * The cluster's transport socket for this host (raw_buffer, or TLS with the
   * context current at each connect, so rotation reaches new connections).
   * Part of the pool's identity: a host whose socket changes gets a new pool.
   */
  readonly transportSocket?: UpstreamTransportSocket;
  /** Envoy circuit-breaker defaults: 1024 each; 0 requests per connection means unlimited. */
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequestsPerConnection?: number;
  /** Cluster connect_timeout; Istio's default is 10 s. */
  readonly connectTimeoutMs?: number;
  /** common_http_protocol_options.idle_timeout; Envoy's default is 1 h. 0 disables. */
  readonly idleTimeoutMs?: number;
  readonly limits?: CodecLimits;
  /** Transport factory, for tests; defaults to net.connect / tls.connect. */
  readonly connect?: (options: ConnPoolOptions) => Socket;
}

/** What a caller of newStream is told when a connection is (or is not) available. */
export interface PoolCallbacks {
  /** Start exactly one request on `conn` (conn.startRequest), now. */
  onPoolReady(conn: UpstreamCodecClient): void;
  onPoolFailure(failure: PoolFailure): void;
}

/** The result of newStream: ready (onPoolReady already ran), pending (cancellable), or overflow (nothing ran). */
export type PoolRequest =
  | { readonly status: 'ready' }
  | { readonly status: 'pending'; cancel(): void }
  | { readonly status: 'overflow'; readonly failure: PoolFailure };

const READY: PoolRequest = { status: 'ready' };

class PendingStream {
  readonly status = 'pending' as const;
  readonly callbacks: PoolCallbacks;
  readonly #pool: Http1ConnPool;

  constructor(pool: Http1ConnPool, callbacks: PoolCallbacks) {
    this.#pool = pool;
    this.callbacks = callbacks;
  }

  cancel(): void {
    this.#pool.cancelPending(this);
  }
}

export class Http1ConnPool implements ClientConnectionEvents {
  readonly stats = new ConnPoolStats();
  readonly #options: ConnPoolOptions;
  readonly #maxConnections: number;
  readonly #maxPending: number;
  readonly #maxRequestsPerConnection: number;
  /** Idle connections, most recently used last. */
  readonly #ready: ClientConnection[] = [];
  readonly #all = new Set<ClientConnection>();
  readonly #pending: PendingStream[] = [];
  #connecting = 0;
  #closed = false;

  constructor(options: ConnPoolOptions) {
    this.#options = options;
    this.#maxConnections = options.maxConnections ?? 1024;
    this.#maxPending = options.maxPendingRequests ?? 1024;
    this.#maxRequestsPerConnection = options.maxRequestsPerConnection ?? 0;
  }

  get host(): string {
    return this.#options.host;
  }

  get port(): number {
    return this.#options.port;
  }

  /** Connections open or opening. */
  get connectionCount(): number {
    return this.#all.size;
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  newStream(callbacks: PoolCallbacks): PoolRequest {
    this.stats.upstream_rq_total++;
    if (this.#closed) return { status: 'overflow', failure: this.#failure('overflow') };
    const conn = this.#ready.pop();
    if (conn !== undefined) {
      callbacks.onPoolReady(conn);
      return READY;
    }
    if (this.#pending.length >= this.#maxPending) {
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

  /** Closes idle connections now and busy ones when their request ends; pending requests fail. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#purgePending('overflow');
    for (const conn of [...this.#all]) conn.close();
  }

  /** Closes every connection now; requests in progress are reset. */
  destroy(): void {
    this.close();
    for (const conn of [...this.#all]) conn.destroy();
  }

  cancelPending(pending: PendingStream): void {
    const i = this.#pending.indexOf(pending);
    if (i < 0) return;
    this.#pending.splice(i, 1);
    this.stats.upstream_rq_pending_active--;
    this.stats.upstream_rq_cancelled++;
  }

  // ClientConnectionEvents

  onConnected(conn: ClientConnection): void {
    this.#connecting--;
    this.#assign(conn);
  }

  onConnectFailure(conn: ClientConnection, reason: 'connection failure' | 'connection timeout'): void {
    this.#connecting--;
    if (reason === 'connection timeout') this.stats.upstream_cx_connect_timeout++;
    this.stats.upstream_cx_connect_fail++;
    this.#purgePending(reason, this.#options.transportSocket?.failureReason(conn.socket));
  }

  onIdle(conn: ClientConnection): void {
    if (this.#closed) {
      conn.close();
      return;
    }
    if (this.#maxRequestsPerConnection > 0 && conn.requestsServed >= this.#maxRequestsPerConnection) {
      this.stats.upstream_cx_max_requests++;
      conn.close();
      return;
    }
    this.#assign(conn);
  }

  onClose(conn: ClientConnection): void {
    if (!this.#all.delete(conn)) return;
    this.stats.upstream_cx_active--;
    this.stats.upstream_cx_destroy++;
    const i = this.#ready.lastIndexOf(conn);
    if (i >= 0) this.#ready.splice(i, 1);
    if (!this.#closed) this.#connectIfNeeded();
  }

  /** Gives a ready connection to the oldest pending request, or parks it. */
  #assign(conn: ClientConnection): void {
    const pending = this.#pending.shift();
    if (pending === undefined) {
      this.#ready.push(conn);
      return;
    }
    this.stats.upstream_rq_pending_active--;
    pending.callbacks.onPoolReady(conn);
  }

  #connectIfNeeded(): void {
    while (this.#pending.length > this.#connecting) {
      if (this.#all.size >= this.#maxConnections) {
        this.stats.upstream_cx_overflow++;
        return;
      }
      this.#openConnection();
    }
  }

  #openConnection(): void {
    const o = this.#options;
    const socket = o.connect !== undefined
      ? o.connect(o)
      : o.transportSocket !== undefined
        ? o.transportSocket.connect(o.host, o.port)
        : o.tls !== undefined
        ? tlsConnect({ ...o.tls, host: o.host, port: o.port })
        : netConnect({ host: o.host, port: o.port });
    const conn = new ClientConnection(
      socket,
      {
        clock: o.clock,
        limits: o.limits,
        connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
        idleTimeoutMs: o.idleTimeoutMs ?? 3_600_000,
        readyEvent: o.transportSocket?.readyEvent ?? (o.tls !== undefined ? 'secureConnect' : 'connect'),
      },
      this,
    );
    this.#connecting++;
    this.#all.add(conn);
    this.stats.upstream_cx_total++;
    this.stats.upstream_cx_active++;
  }

  #purgePending(reason: 'overflow' | 'connection failure' | 'connection timeout', transportFailureReason?: string): void {
    const pending = this.#pending.splice(0);
    this.stats.upstream_rq_pending_active -= pending.length;
    if (reason !== 'overflow') this.stats.upstream_rq_pending_failure_eject += pending.length;
    for (const p of pending) p.callbacks.onPoolFailure(this.#failure(reason, transportFailureReason));
  }

  #failure(reason: 'overflow' | 'connection failure' | 'connection timeout', transportFailureReason?: string): PoolFailure {
    return new PoolFailure(reason, this.#options.host, this.#options.port, transportFailureReason);
  }
}
