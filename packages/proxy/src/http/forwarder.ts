/**
 * A minimal HTTP/1.1 forwarder: every downstream request goes to one
 * configured upstream through the connection pool, bodies streamed both ways
 * with backpressure, WebSocket upgrades spliced raw. This is the skeleton the
 * router filter will sit on (route selection, retries, timeouts, header
 * mutations and x-envoy-* headers all belong there, not here); it exists to
 * prove and measure the codec and the pool.
 *
 * Failures before response headers become Envoy's local reply — 503 with
 * `upstream connect error or disconnect/reset before headers. reset reason: …`
 * and response flag UO (overflow, plus `x-envoy-overloaded: true`), UF
 * (connection failure or timeout) or UC (connection termination). After
 * headers, the only honest signal left to an HTTP/1 client is a reset.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { Clock } from '@skiff/common';
import type { ClientConnection, ResponseSink, UpstreamRequest, UpstreamResetReason } from './codec/client-connection.ts';
import { HeaderMap } from './codec/header-map.ts';
import type { RequestBodySink, ServerStream } from './codec/server-connection.ts';
import { ServerConnection, type ServerConnectionOptions } from './codec/server-connection.ts';
import type { CodecLimits, ResponseHead } from './codec/types.ts';
import { type ConnPoolOptions, Http1ConnPool, type PoolCallbacks, type PoolRequest } from '../upstream/conn-pool/conn-pool.ts';
import { type PoolFailure, UPSTREAM_RESET_BEFORE_HEADERS } from '../upstream/conn-pool/pool-failure.ts';

export interface ForwarderOptions {
  readonly clock: Clock;
  readonly upstream: { readonly host: string; readonly port: number; readonly tls?: ConnectionOptions };
  readonly pool?: Omit<ConnPoolOptions, 'clock' | 'host' | 'port' | 'tls'>;
  readonly downstream?: Omit<ServerConnectionOptions, 'clock' | 'onRequest' | 'limits'>;
  readonly limits?: CodecLimits;
  /** Called when a stream ends with a response flag (UO, UF, UC), for logs and tests. */
  readonly onResponseFlag?: (flag: 'UO' | 'UF' | 'UC', details: string) => void;
}

export class Forwarder {
  readonly pool: Http1ConnPool;
  readonly #options: ForwarderOptions;
  readonly #connections = new Set<ServerConnection>();
  readonly #server: Server;
  readonly #onRequest = (stream: ServerStream): void => {
    new ForwardedStream(this, stream).start();
  };

  constructor(options: ForwarderOptions) {
    this.#options = options;
    this.pool = new Http1ConnPool({ ...options.pool, clock: options.clock, ...options.upstream, limits: options.limits });
    this.#server = createServer({ noDelay: true }, (socket) => this.handleConnection(socket));
  }

  /** Serves one accepted downstream socket. */
  handleConnection(socket: Socket): void {
    const conn = new ServerConnection(socket, {
      ...this.#options.downstream,
      clock: this.#options.clock,
      limits: this.#options.limits,
      onRequest: this.#onRequest,
    });
    this.#connections.add(conn);
    socket.once('close', () => this.#connections.delete(conn));
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve(this.#server.address() as AddressInfo));
    });
  }

  /** Stops listening, closes every downstream and upstream connection. Idempotent. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const conn of this.#connections) conn.destroy();
      this.#connections.clear();
      this.pool.destroy();
    });
  }

  reportFlag(flag: 'UO' | 'UF' | 'UC', details: string): void {
    this.#options.onResponseFlag?.(flag, details);
  }
}

/** One request's trip: downstream stream ⇄ pool ⇄ upstream connection. */
class ForwardedStream implements PoolCallbacks, RequestBodySink, ResponseSink {
  readonly #forwarder: Forwarder;
  readonly #downstream: ServerStream;
  #upstream: UpstreamRequest | null = null;
  #poolRequest: PoolRequest | null = null;
  #requestTrailers: HeaderMap | undefined = undefined;
  #responseTrailers: HeaderMap | undefined = undefined;
  #done = false;
  readonly #resumeDownstream = (): void => this.#downstream.resumeBody();
  readonly #resumeUpstream = (): void => this.#upstream?.resumeResponse();

  constructor(forwarder: Forwarder, downstream: ServerStream) {
    this.#forwarder = forwarder;
    this.#downstream = downstream;
  }

  start(): void {
    this.#downstream.onReset = () => this.#onDownstreamReset();
    const request = this.#forwarder.pool.newStream(this);
    if (request.status === 'overflow') this.onPoolFailure(request.failure);
    else this.#poolRequest = request;
  }

  // PoolCallbacks

  onPoolReady(conn: ClientConnection): void {
    const head = this.#downstream.head;
    if (this.#done) {
      conn.close();
      return;
    }
    this.#upstream = conn.startRequest(
      head.method,
      head.path,
      head.headers,
      head.framing === 'close-delimited' ? 'none' : head.framing,
      head.framing === 'content-length' ? head.contentLength : -1,
      head.upgrade ? head.headers.get('upgrade') : undefined,
      this,
    );
    if (!head.upgrade) this.#downstream.setBodySink(this);
  }

  onPoolFailure(failure: PoolFailure): void {
    const headers = failure.responseFlag === 'UO' ? HeaderMap.from([['x-envoy-overloaded', 'true']]) : undefined;
    this.#localReset(failure.responseFlag, failure.reason, headers);
  }

  // RequestBodySink

  onData(chunk: Buffer): void {
    const upstream = this.#upstream;
    if (upstream !== null && !upstream.write(chunk)) {
      this.#downstream.pauseBody();
      upstream.onceDrain(this.#resumeDownstream);
    }
  }

  onTrailers(trailers: HeaderMap): void {
    this.#requestTrailers = trailers;
  }

  onEnd(): void {
    this.#upstream?.end(this.#requestTrailers);
  }

  // ResponseSink

  onResponseHead(head: ResponseHead): void {
    this.#downstream.writeHead(head.status, head.reason, head.headers, head.framing, head.framing === 'chunked' || head.framing === 'close-delimited' ? -1 : head.contentLength);
  }

  onResponseData(chunk: Buffer): void {
    if (!this.#downstream.write(chunk)) {
      this.#upstream?.pauseResponse();
      this.#downstream.onceDrain(this.#resumeUpstream);
    }
  }

  onResponseTrailers(trailers: HeaderMap): void {
    this.#responseTrailers = trailers;
  }

  onResponseEnd(): void {
    this.#done = true;
    this.#downstream.end(this.#responseTrailers);
  }

  onReset(reason: UpstreamResetReason): void {
    if (this.#done) return;
    if (this.#downstream.responseStarted) {
      this.#done = true;
      this.#downstream.reset();
      return;
    }
    this.#localReset('UC', reason, undefined);
  }

  onUpgrade(head: ResponseHead, upstreamSocket: Socket, upstreamLeftover: Buffer | null): void {
    this.#done = true;
    this.#downstream.writeHead(101, head.reason, head.headers, 'none', -1);
    const { socket, head: downstreamLeftover } = this.#downstream.takeUpgrade();
    if (upstreamLeftover !== null) socket.write(upstreamLeftover);
    if (downstreamLeftover !== null) upstreamSocket.write(downstreamLeftover);
    const destroyBoth = (): void => {
      socket.destroy();
      upstreamSocket.destroy();
    };
    socket.on('error', destroyBoth).on('close', destroyBoth);
    upstreamSocket.on('error', destroyBoth).on('close', destroyBoth);
    socket.pipe(upstreamSocket);
    upstreamSocket.pipe(socket);
  }

  #onDownstreamReset(): void {
    if (this.#done) return;
    this.#done = true;
    const pending = this.#poolRequest;
    if (pending !== null && pending.status === 'pending') pending.cancel();
    this.#upstream?.abort();
  }

  #localReset(flag: 'UO' | 'UF' | 'UC', reason: string, headers: HeaderMap | undefined): void {
    this.#done = true;
    const details = `upstream_reset_before_response_started{${reason.replaceAll(' ', '_')}}`;
    this.#forwarder.reportFlag(flag, details);
    this.#downstream.sendLocalReply({ status: 503, body: UPSTREAM_RESET_BEFORE_HEADERS + reason, details, headers });
  }
}
