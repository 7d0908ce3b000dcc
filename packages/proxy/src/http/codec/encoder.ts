/**
 * Serialising HTTP/1.1 heads and chunked framing. Heads are built as one
 * latin1 string (header bytes round-trip exactly, since the parser decoded
 * them as latin1) and written with a single write; the codec, not the caller,
 * owns framing, so hop-by-hop and framing headers from the other side are
 * dropped here and the codec's own are added.
 */
import type { HeaderMap } from './header-map.ts';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and framing headers the codec writes itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'upgrade', 'content-length']);

/** How the codec frames an outgoing body. `contentLength` is written for 'content-length' and, when ≥ 0, for 'none'. */
export type OutgoingFraming = 'none' | 'content-length' | 'chunked' | 'close-delimited';

function appendHeaders(out: string, headers: HeaderMap): string {
  for (let i = 0; i < headers.size; i++) {
    if (HOP_BY_HOP.has(headers.lowerNameAt(i))) continue;
    out += headers.nameAt(i) + ': ' + headers.valueAt(i) + '\r\n';
  }
  return out;
}

function appendFraming(out: string, framing: OutgoingFraming, contentLength: number): string {
  if (framing === 'chunked') return out + 'transfer-encoding: chunked\r\n';
  if (contentLength >= 0 && framing !== 'close-delimited') return out + 'content-length: ' + contentLength + '\r\n';
  return out;
}

export function encodeRequestHead(
  method: string,
  path: string,
  headers: HeaderMap,
  framing: OutgoingFraming,
  contentLength: number,
  upgrade: string | undefined,
): string {
  let out = appendHeaders(method + ' ' + path + ' HTTP/1.1\r\n', headers);
  out = appendFraming(out, framing, contentLength);
  if (upgrade !== undefined) out += 'connection: upgrade\r\nupgrade: ' + upgrade + '\r\n';
  return out + '\r\n';
}

export function encodeResponseHead(
  status: number,
  reason: string,
  headers: HeaderMap,
  framing: OutgoingFraming,
  contentLength: number,
  connection: 'close' | 'keep-alive' | 'upgrade' | undefined,
  upgrade?: string,
): string {
  let out = appendHeaders('HTTP/1.1 ' + status + ' ' + reason + '\r\n', headers);
  out = appendFraming(out, framing, contentLength);
  if (connection !== undefined) out += 'connection: ' + connection + '\r\n';
  if (upgrade !== undefined) out += 'upgrade: ' + upgrade + '\r\n';
  return out + '\r\n';
}

/** The size line of one chunk; the data follows, then CRLF. */
export function chunkHeader(length: number): string {
  return length.toString(16) + '\r\n';
}

/** The last chunk, with trailers if any. */
export function encodeLastChunk(trailers: HeaderMap | undefined): string {
  if (trailers === undefined || trailers.size === 0) return '0\r\n\r\n';
  let out = '0\r\n';
  for (let i = 0; i < trailers.size; i++) out += trailers.nameAt(i) + ': ' + trailers.valueAt(i) + '\r\n';
  return out + '\r\n';
}

/** Reason phrases for the statuses the proxy itself produces or commonly relays without one. */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Continue', 101: 'Switching Protocols', 200: 'OK', 201: 'Created', 204: 'No Content', 206: 'Partial Content',
  301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 408: 'Request Timeout', 413: 'Payload Too Large', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? 'Unknown';
}
