/**
 * Envoy's local replies: a plain-text body (for codec errors the reason phrase,
 * e.g. `Bad Request`; for upstream failures `upstream connect error or
 * disconnect/reset before headers. reset reason: …`) and a
 * response-code-details string kept for access logs.
 */
import { HeaderMap } from './header-map.ts';

export interface LocalReply {
  readonly status: number;
  readonly body: string;
  /** Envoy's response code details, e.g. `http1.codec_error`, `upstream_reset_before_response_started{connection_failure}`. */
  readonly details: string;
  /** Extra headers, e.g. `x-envoy-overloaded: true` for UO. */
  readonly headers?: HeaderMap;
}

/** Builds the head for a local reply; the caller writes `body` after it. */
export function localReplyHeaders(reply: LocalReply): HeaderMap {
  const headers = new HeaderMap();
  if (reply.headers !== undefined) for (const [name, value] of reply.headers) headers.add(name, value);
  if (reply.body.length > 0) headers.addLower('content-type', 'text/plain');
  return headers;
}
