/**
 * The byte tunnel after an HTTP/1.1 upgrade (WebSocket) was accepted: the
 * downstream and upstream transports piped into each other with stream
 * backpressure (pipe() pauses a side whose peer is full), the bytes either
 * side sent past its HTTP head forwarded first. Either side closing, ending
 * or failing tears the whole tunnel down; `onClose` runs once.
 */
import type { Duplex } from 'node:stream';

export interface TunnelBytes {
  /** Bytes downstream → upstream. */
  sent: number;
  /** Bytes upstream → downstream. */
  received: number;
}

export function tunnel(downstream: Duplex, downstreamLeftover: Buffer | null, upstream: Duplex, upstreamLeftover: Buffer | null, onClose: (bytes: TunnelBytes) => void): void {
  const bytes: TunnelBytes = { sent: downstreamLeftover?.length ?? 0, received: upstreamLeftover?.length ?? 0 };
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    downstream.destroy();
    upstream.destroy();
    onClose(bytes);
  };
  for (const side of [downstream, upstream]) {
    side.on('error', close);
    side.once('close', close);
  }
  downstream.on('data', (c: Buffer) => (bytes.sent += c.length));
  upstream.on('data', (c: Buffer) => (bytes.received += c.length));
  if (downstreamLeftover !== null && downstreamLeftover.length > 0) upstream.write(downstreamLeftover);
  if (upstreamLeftover !== null && upstreamLeftover.length > 0) downstream.write(upstreamLeftover);
  downstream.pipe(upstream);
  upstream.pipe(downstream);
}
