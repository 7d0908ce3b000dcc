/**
 * The downstream HTTP/2 codec: an nghttp2 session (node:http2) over an
 * accepted duplex socket — plaintext h2c with prior knowledge, or TLS after
 * ALPN h2 — with every stream handed to the same filter manager as HTTP/1.
 * Session settings come from the HCM's http2_protocol_options (Envoy's
 * defaults). nghttp2 answers protocol errors as Envoy's codec does: a stream
 * error resets that stream (RST_STREAM), a connection error sends GOAWAY.
 *
 * Rapid reset (CVE-2023-44487) is bounded as Envoy's HCM bounds it: a stream
 * the peer resets before any response, within 1 s of opening, is premature;
 * once premature resets reach half of the streams closed (counted over at
 * least 500 streams, or as soon as 250 premature ones make it certain), the
 * connection gets GOAWAY(ENHANCE_YOUR_CALM) and is closed, and
 * downstream_rq_too_many_premature_resets counts it.
 *
 * Idle timeout (no stream open) runs on the injected Clock; close() is Envoy's
 * drain: GOAWAY, then the connection closes when its streams are done.
 */
import { constants, performServerHandshake, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { Clock } from '@skiff/common';
import { LazyTimer } from '../codec/lazy-timer.ts';
import type { BodyFraming, RequestHead } from '../codec/types.ts';
import { headerMapFromRaw } from './headers.ts';
import type { Http2Options } from './options.ts';
import { Http2ServerStream, type Http2StreamOwner } from './server-stream.ts';

/** Envoy's runtime defaults overload.premature_reset_total_stream_count / _min_stream_lifetime_seconds. */
export const PREMATURE_RESET_TOTAL_STREAM_COUNT = 500;
export const PREMATURE_RESET_MIN_STREAM_LIFETIME_MS = 1000;

export interface Http2ServerConnectionOptions {
  readonly clock: Clock;
  readonly http2: Http2Options;
  /** Envoy's default 1 h; 0 disables. */
  readonly idleTimeoutMs: number;
  /** Envoy's max_request_headers_kb (60 KiB) as SETTINGS_MAX_HEADER_LIST_SIZE. */
  readonly maxHeaderListBytes?: number;
  /** Envoy's max_headers_count (100). */
  readonly maxHeadersCount?: number;
  readonly onRequest: (stream: Http2ServerStream) => void;
  /** The connection was closed for too many premature resets. */
  readonly onPrematureResetFlood?: () => void;
}

export class Http2ServerConnection implements Http2StreamOwner {
  readonly socket: Duplex;
  readonly session: ServerHttp2Session;
  readonly #o: Http2ServerConnectionOptions;
  readonly #idleTimer: LazyTimer;
  readonly #streams = new Set<Http2ServerStream>();
  #closedStreams = 0;
  #prematureResets = 0;
  #closed = false;

  constructor(socket: Duplex, options: Http2ServerConnectionOptions) {
    this.socket = socket;
    this.#o = options;
    const h2 = options.http2;
    // node:http2 waits for 'secureConnect' while secureConnecting is set; a server-side TLSSocket built by hand
    // (the listener's transport socket, not a tls.Server) never clears it, though its handshake is done by now.
    const tls = socket as { encrypted?: boolean; secureConnecting?: boolean };
    if (tls.encrypted === true && tls.secureConnecting === true) tls.secureConnecting = false;
    this.session = performServerHandshake(socket, {
      settings: {
        maxConcurrentStreams: h2.maxConcurrentStreams,
        initialWindowSize: h2.initialStreamWindowSize,
        maxHeaderListSize: options.maxHeaderListBytes ?? 60 * 1024,
      },
      maxHeaderListPairs: (options.maxHeadersCount ?? 100) + 4,
      // Windows of 256 MiB would otherwise trip node's 10 MB default before nghttp2's flow control does.
      maxSessionMemory: 64,
    });
    const session = this.session;
    session.on('error', noop);
    session.on('stream', (s: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, raw: string[]) => this.#onStream(s, headers, flags, raw));
    session.once('close', () => this.#teardown());
    session.once('connect', () => {
      try {
        session.setLocalWindowSize(h2.initialConnectionWindowSize);
      } catch {
        // The session went away during the handshake.
      }
    });
    this.#idleTimer = new LazyTimer(options.clock, () => this.close());
    this.#idleTimer.arm(options.idleTimeoutMs);
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Envoy's drain: GOAWAY now, close when the open streams finish. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#idleTimer.stop();
    if (!this.session.destroyed) this.session.close();
  }

  /** Closes at once; open streams are reset. Idempotent. */
  destroy(): void {
    this.#teardown();
    if (!this.session.destroyed) this.session.destroy();
    this.socket.destroy();
  }

  // Http2StreamOwner

  onStreamClosed(stream: Http2ServerStream, resetByPeer: boolean): void {
    this.#streams.delete(stream);
    this.#closedStreams++;
    if (resetByPeer && !stream.responseStarted && this.#o.clock.now() - stream.startMs <= PREMATURE_RESET_MIN_STREAM_LIFETIME_MS) {
      this.#prematureResets++;
      this.#checkPrematureResets();
    }
    if (this.#streams.size === 0 && !this.#closed) this.#idleTimer.arm(this.#o.idleTimeoutMs);
  }

  // internals

  #onStream(s: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, raw: string[]): void {
    if (this.#closed) {
      s.close(constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    this.#idleTimer.disarm();
    const map = headerMapFromRaw(raw);
    const endStream = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    const authority = headers[':authority'] ?? map.get('host');
    if (authority !== undefined) map.set('host', authority);
    const lengthHeader = map.get('content-length');
    const contentLength = lengthHeader === undefined ? -1 : Number(lengthHeader);
    const framing: BodyFraming = endStream ? 'none' : contentLength >= 0 ? 'content-length' : 'chunked';
    const head: RequestHead = {
      method: headers[':method'] ?? 'GET',
      path: headers[':path'] ?? (authority ?? '/'),
      versionMinor: 1,
      headers: map,
      framing,
      contentLength,
      keepAlive: true,
      upgrade: false,
      expectContinue: false,
    };
    const stream = new Http2ServerStream(this, s, head, endStream, this.#o.clock.now());
    this.#streams.add(stream);
    this.#o.onRequest(stream);
  }

  /** Envoy's ConnectionManagerImpl::maybeDrainDueToPrematureResets. */
  #checkPrematureResets(): void {
    const limit = PREMATURE_RESET_TOTAL_STREAM_COUNT;
    const closed = this.#closedStreams;
    const premature = this.#prematureResets;
    if (closed < limit ? premature * 2 < limit : premature * 2 < closed) return;
    if (this.session.destroyed) return;
    this.#o.onPrematureResetFlood?.();
    this.#teardown();
    // GOAWAY first (close() alone would send NO_ERROR), then abort what is open: the session closes once flushed.
    this.session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    this.session.close();
    for (const stream of [...this.#streams]) stream.reset();
  }

  #teardown(): void {
    this.#closed = true;
    this.#idleTimer.stop();
  }
}

function noop(): void {}
