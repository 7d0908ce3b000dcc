/**
 * One upstream HTTP/2 connection (an nghttp2 client session over a socket the
 * pool opened) and the streams on it. The pool reserves a slot with
 * reserve(), which hands out an Http2UpstreamStream — the router's
 * UpstreamCodecClient for exactly one request — and the slot comes back when
 * that stream closes (or the lease is closed unused). Lifecycle: connecting
 * (connect timeout armed on the Clock) → ready → draining (GOAWAY received,
 * close() called, or max_requests_per_connection served) → closed.
 */
import { connect as h2connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { Clock } from '@skiff/common';
import type { ResponseSink, UpstreamResetReason } from '../../http/codec/client-connection.ts';
import { reasonPhrase, type OutgoingFraming } from '../../http/codec/encoder.ts';
import type { HeaderMap } from '../../http/codec/header-map.ts';
import { LazyTimer } from '../../http/codec/lazy-timer.ts';
import type { BodyFraming, ResponseHead } from '../../http/codec/types.ts';
import { headerMapFromObject, toHttp2Headers, trailersToHttp2 } from '../../http/http2/headers.ts';
import type { Http2Options } from '../../http/http2/options.ts';
import type { UpstreamCodecClient, UpstreamRequestHandle } from './types.ts';

export interface Http2ClientEvents {
  onConnected(client: Http2Client): void;
  onConnectFailure(client: Http2Client, reason: 'connection failure' | 'connection timeout'): void;
  /** A slot freed up on a connected session. */
  onCapacity(client: Http2Client): void;
  /** Gone for good. Called once. */
  onClose(client: Http2Client): void;
}

export interface Http2ClientOptions {
  readonly clock: Clock;
  /** `:authority` when the request has no Host. */
  readonly authority: string;
  readonly scheme: 'http' | 'https';
  readonly http2: Http2Options;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** 0: unlimited. */
  readonly maxRequestsPerConnection: number;
  readonly readyEvent: 'connect' | 'secureConnect';
}

type State = 'connecting' | 'ready' | 'draining' | 'closed';

export class Http2Client {
  readonly session: ClientHttp2Session;
  readonly #o: Http2ClientOptions;
  readonly #events: Http2ClientEvents;
  readonly #connectTimer: LazyTimer;
  readonly #idleTimer: LazyTimer;
  #state: State = 'connecting';
  #maxConcurrent: number;
  #active = 0;
  #served = 0;

  constructor(socket: Duplex, options: Http2ClientOptions, events: Http2ClientEvents) {
    this.#o = options;
    this.#events = events;
    this.#maxConcurrent = options.http2.maxConcurrentStreams;
    this.session = h2connect(`${options.scheme}://${options.authority}`, {
      createConnection: () => socket,
      settings: { enablePush: false, initialWindowSize: options.http2.initialStreamWindowSize },
      maxSessionMemory: 64,
    });
    const session = this.session;
    session.on('error', noop);
    session.once('connect', () => this.#onConnected());
    session.on('remoteSettings', (settings) => {
      const remote = settings.maxConcurrentStreams ?? Number.MAX_SAFE_INTEGER;
      const before = this.hasCapacity;
      this.#maxConcurrent = Math.min(options.http2.maxConcurrentStreams, remote);
      if (!before && this.hasCapacity) this.#events.onCapacity(this);
    });
    session.once('goaway', () => this.#drain());
    session.once('close', () => this.#onClosed());
    this.#connectTimer = new LazyTimer(options.clock, () => this.#failConnect('connection timeout'));
    this.#idleTimer = new LazyTimer(options.clock, () => this.close());
    this.#connectTimer.arm(options.connectTimeoutMs);
  }

  get connecting(): boolean {
    return this.#state === 'connecting';
  }

  get hasCapacity(): boolean {
    return this.#state === 'ready' && this.#active < this.#maxConcurrent && !this.servedMax;
  }

  /** Streams this connection can take once connected, for deciding how many connections to open. */
  get capacityEstimate(): number {
    const perConnection = this.#o.maxRequestsPerConnection;
    return perConnection > 0 ? Math.min(this.#maxConcurrent, perConnection) : this.#maxConcurrent;
  }

  get servedMax(): boolean {
    return this.#o.maxRequestsPerConnection > 0 && this.#served >= this.#o.maxRequestsPerConnection;
  }

  get activeStreams(): number {
    return this.#active;
  }

  reserve(): Http2UpstreamStream {
    this.#active++;
    this.#served++;
    this.#idleTimer.disarm();
    return new Http2UpstreamStream(this, this.#o);
  }

  release(): void {
    this.#active--;
    if (this.#state === 'draining' || this.servedMax) {
      if (this.#active === 0) this.destroy();
      return;
    }
    if (this.#state !== 'ready') return;
    if (this.#active === 0) this.#idleTimer.arm(this.#o.idleTimeoutMs);
    this.#events.onCapacity(this);
  }

  /** GOAWAY; closes when the open streams finish. Idempotent. */
  close(): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'connecting' || this.#active === 0) {
      this.destroy();
      return;
    }
    this.#drain();
  }

  destroy(): void {
    if (this.#state === 'closed') return;
    if (!this.session.destroyed) this.session.destroy();
    this.#onClosed();
  }

  #drain(): void {
    if (this.#state === 'closed' || this.#state === 'draining') return;
    this.#state = 'draining';
    if (this.#active === 0) this.destroy();
    else if (!this.session.closed) this.session.close();
  }

  #onConnected(): void {
    if (this.#state !== 'connecting') return;
    this.#connectTimer.stop();
    this.#state = 'ready';
    this.#idleTimer.arm(this.#o.idleTimeoutMs);
    this.#events.onConnected(this);
  }

  #failConnect(reason: 'connection failure' | 'connection timeout'): void {
    if (this.#state !== 'connecting') return;
    this.#state = 'closed';
    this.#stopTimers();
    if (!this.session.destroyed) this.session.destroy();
    this.#events.onConnectFailure(this, reason);
    this.#events.onClose(this);
  }

  #onClosed(): void {
    if (this.#state === 'connecting') {
      this.#failConnect('connection failure');
      return;
    }
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#stopTimers();
    this.#events.onClose(this);
  }

  #stopTimers(): void {
    this.#connectTimer.stop();
    this.#idleTimer.stop();
  }
}

/** One request on an Http2Client: the lease the pool hands the router, then the request's handle. */
export class Http2UpstreamStream implements UpstreamCodecClient, UpstreamRequestHandle {
  readonly #client: Http2Client;
  readonly #o: Http2ClientOptions;
  #req: ClientHttp2Stream | null = null;
  #sink: ResponseSink | null = null;
  #trailers: HeaderMap | undefined = undefined;
  #released = false;
  #ended = false;

  constructor(client: Http2Client, options: Http2ClientOptions) {
    this.#client = client;
    this.#o = options;
  }

  // UpstreamCodecClient

  startRequest(method: string, path: string, headers: HeaderMap, framing: OutgoingFraming, contentLength: number, _upgrade: string | undefined, sink: ResponseSink): UpstreamRequestHandle {
    this.#sink = sink;
    const out: OutgoingHttpHeaders = { ':method': method, ':path': path, ':scheme': this.#o.scheme, ':authority': headers.get('host') ?? this.#o.authority };
    toHttp2Headers(headers, out);
    if (framing === 'content-length' && contentLength >= 0) out['content-length'] = contentLength;
    const endStream = framing === 'none';
    let req: ClientHttp2Stream;
    try {
      req = this.#client.session.request(out, endStream ? { endStream: true } : { waitForTrailers: true });
    } catch {
      // A header nghttp2 refuses, or a session that just went away: reset, asynchronously like any other.
      process.nextTick(() => this.#finish('protocol error'));
      return this;
    }
    this.#req = req;
    req.on('error', noop);
    req.on('response', (h: IncomingHttpHeaders, flags: number) => this.#sink?.onResponseHead(responseHead(h, flags)));
    req.on('data', (chunk: Buffer) => this.#sink?.onResponseData(chunk));
    req.on('trailers', (t: IncomingHttpHeaders) => this.#sink?.onResponseTrailers(headerMapFromObject(t)));
    req.once('end', () => {
      this.#ended = true;
      const s = this.#sink;
      this.#sink = null;
      s?.onResponseEnd();
    });
    req.on('wantTrailers', () => {
      try {
        req.sendTrailers(trailersToHttp2(this.#trailers));
      } catch {
        req.close(constants.NGHTTP2_INTERNAL_ERROR);
      }
    });
    req.once('close', () => this.#finish(resetReason(req.rstCode, this.#client.session.destroyed)));
    return this;
  }

  close(): void {
    if (this.#req === null) this.#release();
  }

  // UpstreamRequestHandle

  write(chunk: Buffer): boolean {
    const req = this.#req;
    if (req === null || req.destroyed || chunk.length === 0) return true;
    return req.write(chunk);
  }

  end(trailers?: HeaderMap): void {
    const req = this.#req;
    if (req === null || req.destroyed || req.writableEnded) return;
    this.#trailers = trailers;
    req.end();
  }

  onceDrain(fn: () => void): void {
    this.#req?.once('drain', fn);
  }

  pauseResponse(): void {
    this.#req?.pause();
  }

  resumeResponse(): void {
    this.#req?.resume();
  }

  abort(): void {
    this.#sink = null;
    const req = this.#req;
    if (req !== null && !req.destroyed) req.close(constants.NGHTTP2_CANCEL);
    else this.#release();
  }

  #finish(reason: UpstreamResetReason): void {
    this.#release();
    const sink = this.#sink;
    this.#sink = null;
    if (!this.#ended) sink?.onReset(reason);
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#client.release();
  }
}

function resetReason(rstCode: number, sessionGone: boolean): UpstreamResetReason {
  if (rstCode === constants.NGHTTP2_REFUSED_STREAM) return 'remote refused stream reset';
  if (sessionGone) return 'connection termination';
  return rstCode === constants.NGHTTP2_NO_ERROR ? 'connection termination' : 'remote reset';
}

function responseHead(h: IncomingHttpHeaders, flags: number): ResponseHead {
  const status = Number(h[':status']);
  const headers = headerMapFromObject(h);
  const length = headers.get('content-length');
  const endStream = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
  const framing: BodyFraming = endStream ? 'none' : length !== undefined ? 'content-length' : 'chunked';
  return { status, reason: reasonPhrase(status), versionMinor: 1, headers, framing, contentLength: length === undefined ? -1 : Number(length), keepAlive: true };
}

function noop(): void {}
