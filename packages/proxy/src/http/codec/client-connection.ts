/**
 * The upstream side of the HTTP/1.1 codec: one connection to an upstream host,
 * carrying one request at a time (HTTP/1.1 keep-alive, no pipelining, as
 * Envoy's HTTP/1 pool does). The connection pool owns these; a caller gets an
 * `UpstreamRequest` handle that is valid for one request only, so a late write
 * can never land on a connection that has moved on to another request.
 *
 * Lifecycle: connecting (connect timeout armed) → ready ⇄ busy → closed.
 * A response with `Connection: close`, an HTTP/1.0 response without
 * keep-alive, a close-delimited body, a response that finishes before its
 * request was fully sent, or any error closes the connection instead of
 * returning it to the pool.
 */
import type { Socket } from 'node:net';
import type { Clock } from '@skiff/common';
import { chunkHeader, encodeLastChunk, encodeRequestHead, type OutgoingFraming } from './encoder.ts';
import type { HeaderMap } from './header-map.ts';
import { Http1Parser, type ParserHandler } from './http1-parser.ts';
import { LazyTimer } from './lazy-timer.ts';
import { type CodecError, type CodecLimits, DEFAULT_CODEC_LIMITS, type ResponseHead } from './types.ts';

/** Envoy's StreamResetReason values an HTTP/1 upstream can produce, as resetReasonToString spells them. */
export type UpstreamResetReason = 'connection termination' | 'protocol error' | 'local reset' | 'remote reset' | 'remote refused stream reset';

/** Receives one response. Exactly one of onResponseEnd, onReset or onUpgrade ends it. */
export interface ResponseSink {
  onResponseHead(head: ResponseHead): void;
  onResponseData(chunk: Buffer): void;
  onResponseTrailers(trailers: HeaderMap): void;
  onResponseEnd(): void;
  onReset(reason: UpstreamResetReason): void;
  /** A 101 answer to an upgrade request: the socket is the caller's from now on. */
  onUpgrade?(head: ResponseHead, socket: Socket, leftover: Buffer | null): void;
}

export interface ClientConnectionEvents {
  onConnected(conn: ClientConnection): void;
  onConnectFailure(conn: ClientConnection, reason: 'connection failure' | 'connection timeout'): void;
  /** The request finished and the connection can take another. */
  onIdle(conn: ClientConnection): void;
  /** The connection is gone (closed, failed, upgraded away or idle-timed-out). Called once. */
  onClose(conn: ClientConnection): void;
}

export interface ClientConnectionOptions {
  readonly clock: Clock;
  readonly limits?: CodecLimits;
  readonly connectTimeoutMs: number;
  /** Close after this long without a request; 0 disables. */
  readonly idleTimeoutMs: number;
  /** The event that means the transport is up: 'connect' for TCP, 'secureConnect' for TLS. */
  readonly readyEvent: 'connect' | 'secureConnect';
}

type State = 'connecting' | 'ready' | 'busy' | 'closed';

export class ClientConnection implements ParserHandler<ResponseHead> {
  readonly socket: Socket;
  readonly #events: ClientConnectionEvents;
  readonly #parser: Http1Parser<ResponseHead>;
  readonly #connectTimer: LazyTimer;
  readonly #idleTimer: LazyTimer;
  readonly #idleTimeoutMs: number;
  #state: State = 'connecting';
  #current: UpstreamRequest | null = null;
  #sink: ResponseSink | null = null;
  #requestComplete = false;
  #keepAlive = true;
  #chunked = false;
  #isUpgrade = false;
  #readPaused = false;
  requestsServed = 0;

  constructor(socket: Socket, options: ClientConnectionOptions, events: ClientConnectionEvents) {
    this.socket = socket;
    this.#events = events;
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#parser = Http1Parser.forResponses(this, options.limits ?? DEFAULT_CODEC_LIMITS);
    this.#connectTimer = new LazyTimer(options.clock, () => this.#failConnect('connection timeout'));
    this.#idleTimer = new LazyTimer(options.clock, () => this.close());
    this.#connectTimer.arm(options.connectTimeoutMs);
    socket.once(options.readyEvent, () => this.#onConnected());
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', () => this.#onClosed());
    socket.on('close', () => this.#onClosed());
  }

  get state(): State {
    return this.#state;
  }

  /** Starts a request on a ready connection. The returned handle is valid until the response ends. */
  startRequest(
    method: string,
    path: string,
    headers: HeaderMap,
    framing: OutgoingFraming,
    contentLength: number,
    upgrade: string | undefined,
    sink: ResponseSink,
  ): UpstreamRequest {
    const request = new UpstreamRequest(this);
    this.#state = 'busy';
    this.#current = request;
    this.#sink = sink;
    this.#idleTimer.disarm();
    this.#requestComplete = framing === 'none';
    this.#chunked = framing === 'chunked';
    this.#isUpgrade = upgrade !== undefined;
    this.requestsServed++;
    this.#parser.expectResponse(method === 'HEAD');
    this.#parser.resume();
    const socket = this.socket;
    socket.cork();
    socket.write(encodeRequestHead(method, path, headers, framing, contentLength, upgrade), 'latin1');
    process.nextTick(uncork, socket);
    return request;
  }

  /** Closes once idle, at once if idle now. Idempotent. */
  close(): void {
    if (this.#state === 'busy') {
      this.#keepAlive = false;
      return;
    }
    this.destroy();
  }

  /** Closes now; a request in progress is reset with `local reset`. Idempotent. */
  destroy(): void {
    if (this.#state === 'closed') return;
    this.socket.destroy();
    this.#onClosed();
  }

  // For UpstreamRequest

  isCurrent(request: UpstreamRequest): boolean {
    return this.#current === request;
  }

  write(chunk: Buffer): boolean {
    if (chunk.length === 0) return true;
    const socket = this.socket;
    if (!this.#chunked) return socket.write(chunk);
    socket.write(chunkHeader(chunk.length), 'latin1');
    socket.write(chunk);
    return socket.write('\r\n', 'latin1');
  }

  endRequest(trailers: HeaderMap | undefined): void {
    if (this.#requestComplete) return;
    this.#requestComplete = true;
    if (this.#chunked) this.socket.write(encodeLastChunk(trailers), 'latin1');
  }

  /** Stops reading the response (the caller's destination is full). */
  pauseReading(): void {
    if (this.#readPaused) return;
    this.#readPaused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.#readPaused) return;
    this.#readPaused = false;
    this.socket.resume();
  }

  /** The caller gave up on the response: the connection cannot be reused. */
  abort(): void {
    this.#sink = null;
    this.destroy();
  }

  // ParserHandler<ResponseHead>

  onHead(head: ResponseHead): void {
    if (this.#state !== 'busy') return;
    if (head.status === 101 && this.#isUpgrade && this.#sink?.onUpgrade !== undefined) {
      const sink = this.#sink;
      const leftover = this.#parser.takeLeftover();
      this.#detach();
      sink.onUpgrade!(head, this.socket, leftover);
      return;
    }
    if (head.status === 101) {
      this.#onProtocolError();
      return;
    }
    if (!head.keepAlive) this.#keepAlive = false;
    this.#sink?.onResponseHead(head);
  }

  onBody(chunk: Buffer): void {
    this.#sink?.onResponseData(chunk);
  }

  onTrailers(trailers: HeaderMap): void {
    this.#sink?.onResponseTrailers(trailers);
  }

  onMessageComplete(): void {
    const sink = this.#sink;
    this.#sink = null;
    this.#current = null;
    this.resumeReading();
    if (this.#keepAlive && this.#requestComplete && this.#state === 'busy') {
      this.#state = 'ready';
      this.#idleTimer.arm(this.#idleTimeoutMs);
      this.#events.onIdle(this);
    } else {
      this.destroy();
    }
    sink?.onResponseEnd();
  }

  onError(_error: CodecError): void {
    this.#onProtocolError();
  }

  #onProtocolError(): void {
    const sink = this.#sink;
    this.#sink = null;
    this.destroy();
    sink?.onReset('protocol error');
  }

  #onConnected(): void {
    if (this.#state !== 'connecting') return;
    this.#connectTimer.stop();
    this.socket.setNoDelay(true);
    this.#state = 'ready';
    this.#idleTimer.arm(this.#idleTimeoutMs);
    this.#events.onConnected(this);
  }

  #failConnect(reason: 'connection failure' | 'connection timeout'): void {
    if (this.#state !== 'connecting') return;
    this.#state = 'closed';
    this.#stopTimers();
    this.socket.destroy();
    this.#events.onConnectFailure(this, reason);
    this.#events.onClose(this);
  }

  #onData(chunk: Buffer): void {
    if (this.#state !== 'busy') {
      this.destroy(); // bytes nobody asked for: the connection cannot be trusted
      return;
    }
    this.#parser.execute(chunk);
  }

  #onEnd(): void {
    if (this.#state === 'busy') this.#parser.finish(); // completes a close-delimited body
    this.destroy();
  }

  #onClosed(): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'connecting') {
      this.#failConnect('connection failure');
      return;
    }
    this.#state = 'closed';
    this.#stopTimers();
    this.#parser.destroy();
    const sink = this.#sink;
    this.#sink = null;
    this.#current = null;
    if (!this.socket.destroyed) this.socket.destroy();
    this.#events.onClose(this);
    sink?.onReset('connection termination');
  }

  #detach(): void {
    this.#state = 'closed';
    this.#stopTimers();
    this.#parser.destroy();
    this.#sink = null;
    this.#current = null;
    for (const event of ['data', 'end', 'error', 'close']) this.socket.removeAllListeners(event);
    this.#events.onClose(this);
  }

  #stopTimers(): void {
    this.#connectTimer.stop();
    this.#idleTimer.stop();
  }
}

function uncork(socket: Socket): void {
  socket.uncork();
}

/** One request's handle on its connection; inert once that request is over. */
export class UpstreamRequest {
  readonly #conn: ClientConnection;

  constructor(conn: ClientConnection) {
    this.#conn = conn;
  }

  /** False means the upstream socket is full: wait for onceDrain. */
  write(chunk: Buffer): boolean {
    return this.#conn.isCurrent(this) ? this.#conn.write(chunk) : true;
  }

  end(trailers?: HeaderMap): void {
    if (this.#conn.isCurrent(this)) this.#conn.endRequest(trailers);
  }

  onceDrain(fn: () => void): void {
    this.#conn.socket.once('drain', fn);
  }

  /** Response backpressure: stop and restart reading the upstream socket. */
  pauseResponse(): void {
    if (this.#conn.isCurrent(this)) this.#conn.pauseReading();
  }

  resumeResponse(): void {
    if (this.#conn.isCurrent(this)) this.#conn.resumeReading();
  }

  /** Gives up on the response; the connection is closed rather than reused. */
  abort(): void {
    if (this.#conn.isCurrent(this)) this.#conn.abort();
  }
}
