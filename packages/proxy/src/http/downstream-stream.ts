/**
 * The downstream side of one HTTP request as the filter manager drives it,
 * whatever the codec: an HTTP/1.1 `ServerStream` or an HTTP/2 stream on a
 * multiplexed session both satisfy it. Framing is the codec's business; the
 * filter manager only says whether a body follows and what trailers end it.
 */
import type { Duplex } from 'node:stream';
import type { HeaderMap } from './codec/header-map.ts';
import type { OutgoingFraming } from './codec/encoder.ts';
import type { DownstreamResetReason, RequestBodySink } from './codec/server-connection.ts';
import type { RequestHead } from './codec/types.ts';

/** Envoy's %PROTOCOL% spelling. */
export type HttpProtocol = 'HTTP/1.1' | 'HTTP/2';

export interface DownstreamStream {
  readonly head: RequestHead;
  /** Absent means HTTP/1.1. */
  readonly protocol?: HttpProtocol;
  onReset: ((reason: DownstreamResetReason) => void) | null;
  /** HTTP/1: close the connection after this response (ignored by multiplexed codecs). */
  closeAfterResponse: boolean;
  readonly requestComplete: boolean;
  setBodySink(sink: RequestBodySink): void;
  pauseBody(): void;
  resumeBody(): void;
  writeHead(status: number, reason: string, headers: HeaderMap, framing: OutgoingFraming, contentLength: number): void;
  /** False: the downstream is full; wait for onceDrain. */
  write(chunk: Buffer): boolean;
  onceDrain(fn: () => void): void;
  end(trailers?: HeaderMap): void;
  reset(): void;
  /** HTTP/1 only: after writeHead(101), the raw transport and bytes already read past the head. */
  takeUpgrade?(): { socket: Duplex; head: Buffer | null };
}
