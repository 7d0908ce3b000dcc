/**
 * A TLS ClientHello reader for the TLS inspector (Envoy's
 * envoy.filters.listener.tls_inspector): given the first bytes of a
 * connection, says whether they are TLS and, once the whole ClientHello has
 * arrived (it may span several handshake records), its SNI host name and
 * ALPN protocol list. Pure: it never consumes the socket; the caller feeds
 * the bytes it peeked so far and hands them back to the stream afterwards.
 */

/** Envoy's default max_client_hello_size. */
export const MAX_CLIENT_HELLO_SIZE = 64 * 1024;

export type ClientHelloResult =
  | { readonly kind: 'tls'; readonly serverName: string; readonly applicationProtocols: readonly string[] }
  | { readonly kind: 'not_tls' }
  | { readonly kind: 'need_more' }
  | { readonly kind: 'too_large' };

const CONTENT_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;

/** Reads what `data` (the connection's first bytes) says; `need_more` until the ClientHello is complete. */
export function readClientHello(data: Buffer, maxSize = MAX_CLIENT_HELLO_SIZE): ClientHelloResult {
  if (data.length === 0) return { kind: 'need_more' };
  if (data[0] !== CONTENT_HANDSHAKE) return { kind: 'not_tls' };
  if (data.length >= 2 && data[1] !== 0x03) return { kind: 'not_tls' };
  // Concatenate handshake fragments across records until the ClientHello's length is covered.
  const fragments: Buffer[] = [];
  let have = 0;
  let offset = 0;
  let needed = -1;
  while (offset + 5 <= data.length) {
    if (data[offset] !== CONTENT_HANDSHAKE || data[offset + 1] !== 0x03) return fragments.length === 0 ? { kind: 'not_tls' } : { kind: 'too_large' };
    const len = data.readUInt16BE(offset + 3);
    if (offset + 5 + len > data.length) break;
    fragments.push(data.subarray(offset + 5, offset + 5 + len));
    have += len;
    offset += 5 + len;
    if (needed < 0 && have >= 4) {
      const hs = Buffer.concat(fragments);
      if (hs[0] !== HANDSHAKE_CLIENT_HELLO) return { kind: 'not_tls' };
      needed = 4 + hs.readUIntBE(1, 3);
      if (needed > maxSize) return { kind: 'too_large' };
    }
    if (needed >= 0 && have >= needed) return parseClientHello(Buffer.concat(fragments).subarray(4, needed));
  }
  if (data.length > maxSize + 5) return { kind: 'too_large' };
  return { kind: 'need_more' };
}

/** The ClientHello body (after the 4-byte handshake header). A malformed one is not TLS Envoy can route. */
function parseClientHello(body: Buffer): ClientHelloResult {
  try {
    let p = 2 + 32; // client_version, random
    p += 1 + body[p]; // session_id
    p += 2 + body.readUInt16BE(p); // cipher_suites
    p += 1 + body[p]; // compression_methods
    let serverName = '';
    const alpn: string[] = [];
    if (p + 2 <= body.length) {
      const end = p + 2 + body.readUInt16BE(p);
      p += 2;
      while (p + 4 <= end) {
        const type = body.readUInt16BE(p);
        const len = body.readUInt16BE(p + 2);
        const ext = body.subarray(p + 4, p + 4 + len);
        p += 4 + len;
        if (type === EXT_SERVER_NAME) serverName = readServerName(ext);
        else if (type === EXT_ALPN) alpn.push(...readAlpn(ext));
      }
    }
    return { kind: 'tls', serverName, applicationProtocols: alpn };
  } catch {
    return { kind: 'not_tls' };
  }
}

function readServerName(ext: Buffer): string {
  let p = 2;
  const end = Math.min(ext.length, 2 + ext.readUInt16BE(0));
  while (p + 3 <= end) {
    const type = ext[p];
    const len = ext.readUInt16BE(p + 1);
    if (type === 0) return ext.subarray(p + 3, p + 3 + len).toString('latin1').toLowerCase();
    p += 3 + len;
  }
  return '';
}

function readAlpn(ext: Buffer): string[] {
  const out: string[] = [];
  let p = 2;
  const end = Math.min(ext.length, 2 + ext.readUInt16BE(0));
  while (p < end) {
    const len = ext[p];
    out.push(ext.subarray(p + 1, p + 1 + len).toString('latin1'));
    p += 1 + len;
  }
  return out;
}
