/**
 * The downstream side of the HTTP/1.1 codec: one accepted socket, its request
 * parser and the one request in progress (a `ServerStream`). Pipelined
 * requests are answered strictly one at a time: the parser pauses after each
 * request and resumes when its response has been written, keeping at most a
 * header block's worth of the next requests (reading stops past that).
 *
 * Backpressure: a request body is handed to the consumer's sink as it arrives;
 * the consumer calls pauseBody()/resumeBody() when its writes report full, and
 * until it attaches a sink the socket is not read. Response writes return the
 * socket's write() result, and onceDrain() waits for 'drain'.
 *
 * Timeouts, on the injected Clock: idle (no request in progress; Envoy's
 * idle_timeout, the connection is closed), request headers (first byte to end
 * of head) and request (head to end of body), both 408 as Envoy replies, and
 * stream idle (no bytes either way for stream_idle_timeout while a request is
 * in progress: 408 `stream timeout` before the response started, else reset).
 * Protocol errors are answered with Envoy's status and reason-phrase body, and
 * the connection is closed.
 */
import type { Socket } from 'node:net';
import type { Clock } from '@skiff/common';
import { chunkHeader, encodeLastChunk, encodeResponseHead, type OutgoingFraming, reasonPhrase } from './encoder.ts';
import type { HeaderMap } from './header-map.ts';
import { Http1Parser, type ParserHandler } from './http1-parser.ts';
import { LazyTimer } from './lazy-timer.ts';
import { type LocalReply, localReplyHeaders } from './local-reply.ts';
import { type CodecError, type CodecLimits, DEFAULT_CODEC_LIMITS, type RequestHead } from './types.ts';

export interface ServerConnectionOptions {
  readonly clock: Clock;
  readonly limits?: CodecLimits;
  /** Close a connection with no request in progress after this long; 0 disables. Envoy's default is 1 h. */
  readonly idleTimeoutMs?: number;
  /** First byte of a request to the end of its head; 0 (Envoy's default) disables. */
  readonly requestHeadersTimeoutMs?: number;
  /** End of the head to the end of the body; 0 (Envoy's default) disables. */
  readonly requestTimeoutMs?: number;
  /** A request in progress with no activity either way for this long is ended; 0 disables (Envoy's default is 5 min). */
  readonly streamIdleTimeoutMs?: number;
  /** Called once per request, synchronously from the parser. */
  readonly onRequest: (stream: ServerStream) => void;
  /** The connection was answered and closed for a protocol error (Envoy's downstream_cx_protocol_error). */
  readonly onProtocolError?: (error: CodecError) => void;
  /** A timeout ended the connection or its request in progress (Envoy's downstream_*_timeout counters). */
  readonly onTimeout?: (kind: DownstreamTimeout) => void;
}

/** Which timeout fired: idle_timeout, request_headers_timeout, request_timeout, stream_idle_timeout. */
export type DownstreamTimeout = 'connection_idle' | 'request_headers' | 'request' | 'stream_idle';

/** Where a request body goes once the consumer is ready for it. */
export interface RequestBodySink {
  onData(chunk: Buffer): void;
  onTrailers(trailers: HeaderMap): void;
  onEnd(): void;
}

export type DownstreamResetReason = 'downstream_remote_disconnect' | 'protocol_error' | 'request_timeout' | 'local_reset';

const DEFAULT_IDLE_TIMEOUT_MS = 3_600_000;

function uncork(socket: Socket): void {
  socket.uncork();
}

export class ServerConnection implements ParserHandler<RequestHead> {
  readonly socket: Socket;
  readonly #options: ServerConnectionOptions;
  readonly #limits: CodecLimits;
  readonly #parser: Http1Parser<RequestHead>;
  readonly #idleTimer: LazyTimer;
  readonly #requestTimer: LazyTimer;
  readonly #streamIdleTimer: LazyTimer;
  #stream: ServerStream | null = null;
  /** The request timer currently guards the head (true) or the body (false). */
  #awaitingHead = false;
  #readPauses = 0;
  #closed = false;
  #upgraded = false;

  constructor(socket: Socket, options: ServerConnectionOptions) {
    this.socket = socket;
    this.#options = options;
    this.#limits = options.limits ?? DEFAULT_CODEC_LIMITS;
    this.#parser = Http1Parser.forRequests(this, this.#limits);
    this.#idleTimer = new LazyTimer(options.clock, () => {
      options.onTimeout?.('connection_idle');
      this.close();
    });
    this.#requestTimer = new LazyTimer(options.clock, () => this.#onRequestTimeout());
    this.#streamIdleTimer = new LazyTimer(options.clock, () => this.#onStreamIdleTimeout());
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', () => this.destroy('downstream_remote_disconnect'));
    socket.on('close', () => this.destroy('downstream_remote_disconnect'));
    this.#idleTimer.arm(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Closes after the request in progress, if any; at once when idle. Idempotent. */
  close(): void {
    if (this.#closed) return;
    if (this.#stream !== null) {
      this.#stream.closeAfterResponse = true;
      return;
    }
    this.#teardown();
    this.socket.end();
  }

  /** Abrupt teardown; the stream in progress, if any, is reset. Idempotent. */
  destroy(reason: DownstreamResetReason = 'local_reset'): void {
    if (this.#closed) return;
    this.#teardown();
    this.socket.destroy();
    const stream = this.#stream;
    this.#stream = null;
    if (stream !== null && !stream.isComplete) stream.notifyReset(reason);
  }

  #teardown(): void {
    this.#closed = true;
    this.#idleTimer.stop();
    this.#requestTimer.stop();
    this.#streamIdleTimer.stop();
    this.#parser.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.#stream === null && this.#parser.isIdle) {
      this.#idleTimer.disarm();
      const ms = this.#options.requestHeadersTimeoutMs ?? 0;
      if (ms > 0) {
        this.#awaitingHead = true;
        this.#requestTimer.arm(ms);
      }
    }
    this.#parser.execute(chunk);
    // Pipelining: keep at most one head's worth of later requests; stop reading past that.
    if (this.#parser.isPaused && this.#parser.bufferedBytes > this.#limits.maxHeadersBytes) this.pauseReading();
  }

  #onEnd(): void {
    const stream = this.#stream;
    const clean = this.#parser.finish();
    if (stream === null && clean) {
      this.close();
      return;
    }
    this.destroy('downstream_remote_disconnect');
  }

  #onRequestTimeout(): void {
    const stream = this.#stream;
    if (stream === null) {
      if (this.#awaitingHead) {
        this.#options.onTimeout?.('request_headers');
        this.#replyAndClose({ status: 408, body: '', details: 'request_header_timeout' });
      }
      return;
    }
    this.#options.onTimeout?.('request');
    if (stream.responseStarted) {
      this.destroy('request_timeout');
      return;
    }
    stream.cancelConsumer('request_timeout');
    stream.sendLocalReply({ status: 408, body: 'request timeout', details: 'request_overall_timeout' });
  }

  #onStreamIdleTimeout(): void {
    const stream = this.#stream;
    if (stream === null) return;
    this.#options.onTimeout?.('stream_idle');
    if (stream.responseStarted) {
      this.destroy('request_timeout');
      return;
    }
    stream.cancelConsumer('request_timeout');
    stream.sendLocalReply({ status: 408, body: 'stream timeout', details: 'stream_idle_timeout' });
  }

  /** Activity on the stream in progress (either direction): the stream idle timeout starts over. */
  touchStream(): void {
    if (this.#streamIdleTimer.isArmed) this.#streamIdleTimer.arm(this.#options.streamIdleTimeoutMs ?? 0);
  }

  // ParserHandler<RequestHead>

  onHead(head: RequestHead): void {
    if (head.versionMinor === 1 && !head.headers.has('host')) {
      this.#replyAndClose({ status: 400, body: reasonPhrase(400), details: 'missing_host_header' });
      return;
    }
    this.#awaitingHead = false;
    this.#requestTimer.arm(this.#options.requestTimeoutMs ?? 0);
    this.#streamIdleTimer.arm(this.#options.streamIdleTimeoutMs ?? 0);
    const stream = new ServerStream(this, head);
    this.#stream = stream;
    if (head.upgrade) this.#upgraded = true;
    this.#options.onRequest(stream);
    if (head.expectContinue && this.#stream === stream && !stream.responseStarted && head.framing !== 'none') {
      this.socket.write('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
    }
  }

  onBody(chunk: Buffer): void {
    this.touchStream();
    this.#stream?.deliverData(chunk);
  }

  onTrailers(trailers: HeaderMap): void {
    this.#stream?.deliverTrailers(trailers);
  }

  onMessageComplete(): void {
    this.#requestTimer.disarm();
    this.#stream?.deliverEnd();
  }

  onError(error: CodecError): void {
    this.#options.onProtocolError?.(error);
    const stream = this.#stream;
    if (stream !== null && stream.responseStarted) {
      this.destroy('protocol_error');
      return;
    }
    if (stream !== null) stream.notifyReset('protocol_error');
    this.#replyAndClose({ status: error.status, body: reasonPhrase(error.status), details: error.details });
  }

  // For ServerStream

  pauseReading(): void {
    if (this.#readPauses++ === 0) this.socket.pause();
  }

  resumeReading(): void {
    if (this.#readPauses > 0 && --this.#readPauses === 0 && !this.#closed) this.socket.resume();
  }

  /** Writes a head; corks until the end of this tick so head and first body bytes leave in one segment. */
  writeRaw(head: string): void {
    const socket = this.socket;
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(uncork, socket);
    }
    socket.write(head, 'latin1');
  }

  onResponseComplete(stream: ServerStream): void {
    if (this.#stream !== stream) return;
    if (!stream.requestComplete || stream.closeAfterResponse || !stream.head.keepAlive || this.#upgraded) {
      this.#stream = null;
      this.#teardown();
      this.socket.end();
      return;
    }
    this.#stream = null;
    this.#requestTimer.disarm();
    this.#streamIdleTimer.disarm();
    this.#idleTimer.arm(this.#options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
    while (this.#readPauses > 0) this.resumeReading();
    this.#parser.resume();
  }

  /** Detaches the socket for an upgraded protocol; the codec forgets it. */
  detach(stream: ServerStream): { socket: Socket; head: Buffer | null } {
    const head = this.#parser.takeLeftover();
    this.#stream = stream === this.#stream ? null : this.#stream;
    this.#teardown();
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('end');
    this.socket.removeAllListeners('error');
    this.socket.removeAllListeners('close');
    while (this.#readPauses > 0) this.resumeReading();
    return { socket: this.socket, head };
  }

  #replyAndClose(reply: LocalReply): void {
    const headers = localReplyHeaders(reply);
    const body = Buffer.from(reply.body, 'latin1');
    this.#teardown();
    this.socket.write(encodeResponseHead(reply.status, reasonPhrase(reply.status), headers, 'content-length', body.length, 'close'), 'latin1');
    this.socket.end(body);
    const stream = this.#stream;
    this.#stream = null;
    if (stream !== null && !stream.isComplete) stream.markComplete();
  }
}

/** One request and its response on a ServerConnection. */
export class ServerStream {
  readonly head: RequestHead;
  /** Set by the consumer: the downstream went away or timed out before the response was complete. */
  onReset: ((reason: DownstreamResetReason) => void) | null = null;
  closeAfterResponse = false;
  readonly #conn: ServerConnection;
  #sink: RequestBodySink | null = null;
  #queued: Buffer[] | null = null;
  #queuedTrailers: HeaderMap | null = null;
  #requestComplete = false;
  #responseStarted = false;
  #chunked = false;
  #complete = false;
  #bodyPaused = false;

  constructor(conn: ServerConnection, head: RequestHead) {
    this.#conn = conn;
    this.head = head;
  }

  get requestComplete(): boolean {
    return this.#requestComplete;
  }

  get responseStarted(): boolean {
    return this.#responseStarted;
  }

  get isComplete(): boolean {
    return this.#complete;
  }

  /** Starts delivering the request body (queued parts first). Until then the socket is not read. */
  setBodySink(sink: RequestBodySink): void {
    this.#sink = sink;
    const queued = this.#queued;
    if (queued !== null) {
      this.#queued = null;
      for (const chunk of queued) sink.onData(chunk);
      this.#conn.resumeReading();
    }
    if (this.#queuedTrailers !== null) sink.onTrailers(this.#queuedTrailers);
    if (this.#requestComplete) sink.onEnd();
  }

  /**
   * Buffers the whole body, for consumers that need it (Envoy's buffer filter).
   * Over `limitBytes` the request is answered 413 `Payload Too Large` and `done` is not called.
   */
  readBody(limitBytes: number, done: (body: Buffer, trailers: HeaderMap | null) => void): void {
    if (this.head.contentLength > limitBytes) {
      this.sendLocalReply({ status: 413, body: 'Payload Too Large', details: 'request_payload_too_large' });
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    let trailers: HeaderMap | null = null;
    this.setBodySink({
      onData: (chunk) => {
        size += chunk.length;
        if (size > limitBytes) {
          if (!this.#complete) this.sendLocalReply({ status: 413, body: 'Payload Too Large', details: 'request_payload_too_large' });
          return;
        }
        parts.push(chunk);
      },
      onTrailers: (t) => {
        trailers = t;
      },
      onEnd: () => {
        if (size <= limitBytes && !this.#complete) done(Buffer.concat(parts, size), trailers);
      },
    });
  }

  /** Stops reading the request body (the consumer's destination is full). */
  pauseBody(): void {
    if (this.#bodyPaused) return;
    this.#bodyPaused = true;
    this.#conn.pauseReading();
  }

  resumeBody(): void {
    if (!this.#bodyPaused) return;
    this.#bodyPaused = false;
    this.#conn.resumeReading();
  }

  /**
   * Starts the response. `framing` describes the body that will follow:
   * 'close-delimited' (length unknown) becomes chunked for HTTP/1.1 clients.
   * `contentLength` is written for 'content-length', and for 'none' when ≥ 0
   * (HEAD and 304 keep the length of the representation).
   */
  writeHead(status: number, reason: string, headers: HeaderMap, framing: OutgoingFraming, contentLength: number): void {
    if (this.#responseStarted || this.#complete) return;
    this.#responseStarted = true;
    this.#conn.touchStream();
    if (status === 101) {
      this.#conn.writeRaw(encodeResponseHead(101, reason, headers, 'none', -1, 'upgrade', headers.get('upgrade')));
      return;
    }
    const head = this.head;
    if (head.method === 'HEAD' && framing !== 'none') framing = 'none';
    if (framing === 'close-delimited' && head.versionMinor === 1) framing = 'chunked';
    if (framing === 'close-delimited') this.closeAfterResponse = true;
    this.#chunked = framing === 'chunked';
    const close = this.closeAfterResponse || !head.keepAlive || head.upgrade;
    const connection = close ? 'close' : head.versionMinor === 0 ? 'keep-alive' : undefined;
    if (close) this.closeAfterResponse = true;
    this.#conn.writeRaw(encodeResponseHead(status, reason, headers, framing, contentLength, connection));
  }

  /** Writes body bytes; false means the socket is full: wait for onceDrain before writing more. */
  write(chunk: Buffer): boolean {
    if (this.#complete || chunk.length === 0) return true;
    this.#conn.touchStream();
    const socket = this.#conn.socket;
    if (!this.#chunked) return socket.write(chunk);
    socket.write(chunkHeader(chunk.length), 'latin1');
    socket.write(chunk);
    return socket.write('\r\n', 'latin1');
  }

  onceDrain(fn: () => void): void {
    this.#conn.socket.once('drain', fn);
  }

  /** Finishes the response (with trailers when chunked). */
  end(trailers?: HeaderMap): void {
    if (this.#complete) return;
    this.#complete = true;
    if (this.#chunked) this.#conn.socket.write(encodeLastChunk(trailers), 'latin1');
    if (this.#bodyPaused) this.resumeBody();
    this.#conn.onResponseComplete(this);
  }

  /** An Envoy local reply; closes the connection if the request body has not been read to its end. */
  sendLocalReply(reply: LocalReply): void {
    if (this.#responseStarted || this.#complete) {
      this.reset();
      return;
    }
    const body = Buffer.from(reply.body, 'latin1');
    if (!this.#requestComplete) this.closeAfterResponse = true;
    this.writeHead(reply.status, reasonPhrase(reply.status), localReplyHeaders(reply), 'content-length', body.length);
    this.write(body);
    this.end();
  }

  /** Aborts: the only way to tell an HTTP/1 client a started response failed is to close. */
  reset(): void {
    this.#complete = true;
    this.#conn.destroy('local_reset');
  }

  /** After writeHead(101): the raw socket and any bytes already read past the request head. */
  takeUpgrade(): { socket: Socket; head: Buffer | null } {
    this.#complete = true;
    return this.#conn.detach(this);
  }

  // For ServerConnection

  deliverData(chunk: Buffer): void {
    if (this.#sink !== null) {
      this.#sink.onData(chunk);
      return;
    }
    if (this.#queued === null) {
      this.#queued = [];
      this.#conn.pauseReading();
    }
    this.#queued.push(chunk);
  }

  deliverTrailers(trailers: HeaderMap): void {
    if (this.#sink !== null) this.#sink.onTrailers(trailers);
    else this.#queuedTrailers = trailers;
  }

  deliverEnd(): void {
    this.#requestComplete = true;
    if (this.#sink !== null) this.#sink.onEnd();
  }

  notifyReset(reason: DownstreamResetReason): void {
    if (this.#complete) return;
    this.#complete = true;
    this.onReset?.(reason);
  }

  /** Tells the consumer to stop (its upstream work is moot) without completing the response. */
  cancelConsumer(reason: DownstreamResetReason): void {
    const onReset = this.onReset;
    this.onReset = null;
    onReset?.(reason);
  }

  markComplete(): void {
    this.#complete = true;
  }
}
