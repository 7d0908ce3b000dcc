/**
 * Which codec serves a new downstream connection (Envoy's HCM codec_type):
 * HTTP1 and HTTP2 force one; AUTO takes HTTP/2 when TLS negotiated ALPN `h2`,
 * HTTP/1.1 for any other ALPN, and otherwise reads the first bytes: the
 * HTTP/2 connection preface (`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`) means h2c with
 * prior knowledge. Bytes read while deciding are put back on the socket, and
 * the socket is left paused for the chosen codec. A peer that sends nothing
 * is closed after `timeoutMs` on the injected Clock.
 */
import type { Duplex } from 'node:stream';
import type { Clock } from '@skiff/common';

export type CodecType = 'AUTO' | 'HTTP1' | 'HTTP2';
export type ChosenCodec = 'http1' | 'http2';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** 'http2' / 'http1' once the bytes decide, undefined while they are a strict prefix of the preface. */
export function sniffPreface(data: Buffer): ChosenCodec | undefined {
  const n = Math.min(data.length, PREFACE.length);
  if (data.compare(PREFACE, 0, n, 0, n) !== 0) return 'http1';
  return n === PREFACE.length ? 'http2' : undefined;
}

export function selectCodec(socket: Duplex, codecType: CodecType, clock: Clock, timeoutMs: number, chosen: (codec: ChosenCodec) => void): void {
  if (codecType === 'HTTP1') return chosen('http1');
  if (codecType === 'HTTP2') return chosen('http2');
  const alpn = (socket as { alpnProtocol?: string | false }).alpnProtocol;
  if (typeof alpn === 'string') return chosen(alpn === 'h2' ? 'http2' : 'http1');
  let buffered: Buffer | null = null;
  const cancelTimer = timeoutMs > 0 ? clock.setTimeout(() => socket.destroy(), timeoutMs) : null;
  const stop = (): void => {
    cancelTimer?.();
    socket.off('data', onData);
    socket.off('end', onGone);
    socket.off('error', onGone);
  };
  const onGone = (): void => {
    stop();
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    buffered = buffered === null ? chunk : Buffer.concat([buffered, chunk]);
    const codec = sniffPreface(buffered);
    if (codec === undefined) return;
    stop();
    socket.pause();
    socket.unshift(buffered);
    chosen(codec);
  };
  socket.on('data', onData);
  socket.on('end', onGone);
  socket.on('error', onGone);
}
