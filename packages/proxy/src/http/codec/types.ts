/**
 * The HTTP/1.1 codec's data types: parsed message heads, limits and the
 * protocol errors a peer can cause. A head is produced once per message by the
 * parser and trusted afterwards (STYLE.md rule 1): framing has already been
 * decided and validated, so nothing downstream re-reads Content-Length or
 * Transfer-Encoding.
 */
import type { HeaderMap } from './header-map.ts';

/** How a message body is delimited on the wire. */
export type BodyFraming = 'none' | 'content-length' | 'chunked' | 'close-delimited';

export interface RequestHead {
  readonly method: string;
  /** The request target exactly as sent (origin-form, absolute-form, authority-form or `*`). */
  readonly path: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  readonly versionMinor: 0 | 1;
  readonly headers: HeaderMap;
  readonly framing: BodyFraming;
  /** Declared length for `content-length` framing, else -1. */
  readonly contentLength: number;
  /** Whether the connection may carry another request after this one (HTTP/1.1 default, `Connection: close`, 1.0 keep-alive). */
  readonly keepAlive: boolean;
  /** `Connection: upgrade` with an `Upgrade` header: after a 101 the sockets are handed over raw. */
  readonly upgrade: boolean;
  /** `Expect: 100-continue` was sent (and removed from `headers`; the codec answers it, as Envoy does by default). */
  readonly expectContinue: boolean;
}

export interface ResponseHead {
  readonly status: number;
  readonly reason: string;
  readonly versionMinor: 0 | 1;
  readonly headers: HeaderMap;
  readonly framing: BodyFraming;
  readonly contentLength: number;
  /** Whether the upstream connection may be reused after this response. */
  readonly keepAlive: boolean;
}

/** Limits with Envoy's defaults (HttpConnectionManager / Http1ProtocolOptions). */
export interface CodecLimits {
  /** max_request_headers_kb × 1024; Envoy's default is 60 KiB. Over it: 431. */
  readonly maxHeadersBytes: number;
  /** common_http_protocol_options.max_headers_count; Envoy's default is 100. Over it: 431. */
  readonly maxHeadersCount: number;
}

export const DEFAULT_CODEC_LIMITS: CodecLimits = { maxHeadersBytes: 60 * 1024, maxHeadersCount: 100 };

/**
 * A protocol error found while parsing. `status` is what a server answers
 * (Envoy's codes); `details` is Envoy's response-code-details string.
 */
export interface CodecError {
  readonly status: 400 | 413 | 431 | 501 | 502;
  readonly details: string;
}

export const CodecErrors = {
  malformed: (details = 'http1.codec_error'): CodecError => ({ status: 400, details }),
  headersTooLarge: { status: 431, details: 'http1.headers_too_large' } as CodecError,
  tooManyHeaders: { status: 431, details: 'http1.too_many_headers' } as CodecError,
  invalidTransferEncoding: { status: 501, details: 'http1.invalid_transfer_encoding' } as CodecError,
} as const;
