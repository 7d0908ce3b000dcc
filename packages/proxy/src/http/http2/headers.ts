/**
 * Header conversion between Skiff's HeaderMap (HTTP/1-shaped, `host` as a
 * header) and node:http2's header objects (pseudo-headers, lowercase names).
 * Connection-specific headers (RFC 9113 §8.2.2) never cross into HTTP/2:
 * nghttp2 would refuse the frame, and Envoy drops them the same way; `te`
 * survives only as `trailers`, which gRPC needs.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { HeaderMap } from '../codec/header-map.ts';

const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings', 'host', 'content-length']);

/** Copies `headers` into `out` (names lowercased, duplicates as arrays), minus connection-specific ones. */
export function toHttp2Headers(headers: HeaderMap, out: OutgoingHttpHeaders): OutgoingHttpHeaders {
  for (let i = 0; i < headers.size; i++) {
    const name = headers.lowerNameAt(i);
    if (CONNECTION_SPECIFIC.has(name) || name.charCodeAt(0) === 58 /* : */) continue;
    const value = headers.valueAt(i);
    if (name === 'te' && value.trim().toLowerCase() !== 'trailers') continue;
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (name === 'cookie') out[name] = `${String(prev)}; ${value}`;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [String(prev), value];
  }
  return out;
}

/**
 * A node:http2 flat raw header list ([name, value, ...]) without pseudo-headers, as a HeaderMap.
 * Split `cookie` fields are joined with "; " (RFC 9113 §8.2.3), as HTTP/1.1 upstreams need one.
 */
export function headerMapFromRaw(raw: readonly string[]): HeaderMap {
  const map = new HeaderMap();
  let cookie: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name === 'cookie') cookie = cookie === undefined ? raw[i + 1] : `${cookie}; ${raw[i + 1]}`;
    else if (name.charCodeAt(0) !== 58) map.addLower(name, raw[i + 1]);
  }
  if (cookie !== undefined) map.addLower('cookie', cookie);
  return map;
}

/** A node:http2 header object without pseudo-headers, as a HeaderMap (arrays become repeated pairs). */
export function headerMapFromObject(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap();
  for (const name in headers) {
    if (name.charCodeAt(0) === 58) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) map.addLower(name, v);
    else map.addLower(name, String(value));
  }
  return map;
}

/** A trailer block (HeaderMap) as a node:http2 header object. */
export function trailersToHttp2(trailers: HeaderMap | undefined): OutgoingHttpHeaders {
  return trailers === undefined ? {} : toHttp2Headers(trailers, {});
}
