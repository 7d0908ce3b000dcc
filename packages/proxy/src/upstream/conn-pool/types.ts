/**
 * What the router sees of a connection pool, whichever protocol it speaks:
 * HTTP/1.1 (one request per connection at a time) or HTTP/2 (one session
 * per host carrying many streams). A ready pool hands the caller an
 * `UpstreamCodecClient` good for exactly one request; `close()` on it
 * instead of starting a request gives the slot back.
 */
import type { HeaderMap } from '../../http/codec/header-map.ts';
import type { OutgoingFraming } from '../../http/codec/encoder.ts';
import type { ResponseSink } from '../../http/codec/client-connection.ts';
import type { PoolCallbacks, PoolRequest } from './conn-pool.ts';
import type { ConnPoolStats } from './stats.ts';

/** One request's handle; inert once that request is over. */
export interface UpstreamRequestHandle {
  /** False: the upstream is full; wait for onceDrain. */
  write(chunk: Buffer): boolean;
  end(trailers?: HeaderMap): void;
  onceDrain(fn: () => void): void;
  pauseResponse(): void;
  resumeResponse(): void;
  /** Gives up on the response (HTTP/1: the connection closes; HTTP/2: RST_STREAM CANCEL). */
  abort(): void;
}

export interface UpstreamCodecClient {
  startRequest(method: string, path: string, headers: HeaderMap, framing: OutgoingFraming, contentLength: number, upgrade: string | undefined, sink: ResponseSink): UpstreamRequestHandle;
  /** Not starting a request after all: HTTP/1 closes the connection, HTTP/2 releases the stream slot. */
  close(): void;
}

export interface ConnPool {
  readonly stats: ConnPoolStats;
  /** Connections open or opening. */
  readonly connectionCount: number;
  newStream(callbacks: PoolCallbacks): PoolRequest;
  close(): void;
  destroy(): void;
}
