/**
 * One HTTP/2 request on a downstream session, shaped as the filter manager's
 * DownstreamStream. The request body is read only once a sink is attached and
 * pauseBody() stops consuming it (nghttp2 then withholds WINDOW_UPDATEs, so the
 * peer's flow-control window is the bound). Responses that carry a body are
 * sent with waitForTrailers so trailers (gRPC's grpc-status) can follow the
 * last DATA frame; without trailers the stream ends with an empty DATA frame.
 */
import { constants, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { HeaderMap } from '../codec/header-map.ts';
import type { OutgoingFraming } from '../codec/encoder.ts';
import type { DownstreamResetReason, RequestBodySink } from '../codec/server-connection.ts';
import type { RequestHead } from '../codec/types.ts';
import type { DownstreamStream, HttpProtocol } from '../downstream-stream.ts';
import { headerMapFromObject, toHttp2Headers, trailersToHttp2 } from './headers.ts';

/** What the session needs to hear about a stream's end (premature-reset accounting). */
export interface Http2StreamOwner {
  onStreamClosed(stream: Http2ServerStream, resetByPeer: boolean): void;
}

const NO_TRAILERS: OutgoingHttpHeaders = {};

export class Http2ServerStream implements DownstreamStream {
  readonly head: RequestHead;
  readonly protocol: HttpProtocol = 'HTTP/2';
  readonly startMs: number;
  onReset: ((reason: DownstreamResetReason) => void) | null = null;
  closeAfterResponse = false;
  readonly #s: ServerHttp2Stream;
  readonly #owner: Http2StreamOwner;
  #requestComplete: boolean;
  #responseStarted = false;
  #complete = false;
  #trailers: HeaderMap | undefined = undefined;

  constructor(owner: Http2StreamOwner, s: ServerHttp2Stream, head: RequestHead, endStream: boolean, startMs: number) {
    this.#owner = owner;
    this.#s = s;
    this.head = head;
    this.startMs = startMs;
    this.#requestComplete = endStream;
    s.on('error', noop);
    s.once('close', () => this.#onClose());
    s.on('wantTrailers', () => this.#sendTrailers());
  }

  get requestComplete(): boolean {
    return this.#requestComplete;
  }

  get responseStarted(): boolean {
    return this.#responseStarted;
  }

  // DownstreamStream

  setBodySink(sink: RequestBodySink): void {
    const s = this.#s;
    s.on('data', (chunk: Buffer) => sink.onData(chunk));
    s.on('trailers', (trailers) => sink.onTrailers(headerMapFromObject(trailers)));
    s.once('end', () => {
      this.#requestComplete = true;
      sink.onEnd();
    });
  }

  pauseBody(): void {
    this.#s.pause();
  }

  resumeBody(): void {
    this.#s.resume();
  }

  writeHead(status: number, _reason: string, headers: HeaderMap, framing: OutgoingFraming, contentLength: number): void {
    if (this.#responseStarted || this.#complete || this.#s.destroyed) return;
    this.#responseStarted = true;
    const out = toHttp2Headers(headers, { ':status': status });
    if (contentLength >= 0 && (framing === 'content-length' || framing === 'none')) out['content-length'] = contentLength;
    const endStream = framing === 'none';
    try {
      this.#s.respond(out, endStream ? { endStream: true } : { waitForTrailers: true });
    } catch {
      // A header value nghttp2 refuses (e.g. a control character from an upstream): Envoy resets the stream.
      this.reset();
    }
  }

  write(chunk: Buffer): boolean {
    if (this.#complete || chunk.length === 0 || this.#s.destroyed) return true;
    return this.#s.write(chunk);
  }

  onceDrain(fn: () => void): void {
    this.#s.once('drain', fn);
  }

  end(trailers?: HeaderMap): void {
    if (this.#complete) return;
    this.#complete = true;
    const s = this.#s;
    if (s.destroyed) return;
    if (s.headersSent && !s.writableEnded) {
      this.#trailers = trailers;
      s.end();
    }
    // The peer may still be sending a body nobody reads any more: let it finish (RST would be rude to gRPC clients).
    if (!this.#requestComplete) s.resume();
  }

  reset(): void {
    this.#complete = true;
    if (!this.#s.destroyed) this.#s.close(constants.NGHTTP2_INTERNAL_ERROR);
  }

  // internals

  #sendTrailers(): void {
    const t = this.#trailers;
    try {
      this.#s.sendTrailers(t === undefined || t.size === 0 ? NO_TRAILERS : trailersToHttp2(t));
    } catch {
      this.#s.close(constants.NGHTTP2_INTERNAL_ERROR);
    }
  }

  #onClose(): void {
    const s = this.#s;
    const resetByPeer = s.rstCode !== constants.NGHTTP2_NO_ERROR && !this.#complete;
    this.#owner.onStreamClosed(this, resetByPeer);
    if (this.#complete) return;
    this.#complete = true;
    this.onReset?.('downstream_remote_disconnect');
  }
}

function noop(): void {}
