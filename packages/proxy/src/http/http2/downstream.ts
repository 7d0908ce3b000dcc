/** What the HCM holds per downstream connection, whichever codec serves it, and the HTTP/2 one's construction. */
import type { Duplex } from 'node:stream';
import type { Clock } from '@skiff/common';
import type { DownstreamStream } from '../downstream-stream.ts';
import type { Http2Options } from './options.ts';
import { Http2ServerConnection } from './server-connection.ts';

export interface DownstreamConnection {
  /** Drain: finish what is in progress, then close. Idempotent. */
  close(): void;
  destroy(): void;
}

export function startHttp2(socket: Duplex, http2: Http2Options, clock: Clock, idleTimeoutMs: number, onRequest: (stream: DownstreamStream) => void, onPrematureResetFlood: () => void): DownstreamConnection {
  return new Http2ServerConnection(socket, { clock, http2, idleTimeoutMs, onRequest, onPrematureResetFlood });
}
