/**
 * gRPC-aware local replies, as Envoy's Utility::sendLocalReply does them: a
 * request whose content-type is application/grpc (or application/grpc+proto,
 * application/grpc;...) gets a trailers-only response — `:status 200`,
 * content-type application/grpc, grpc-status mapped from the HTTP status
 * (Grpc::Utility::httpToGrpcStatus) and grpc-message = the body text,
 * percent-encoded — instead of an HTTP error page no gRPC client can read.
 */

/** gRPC status codes the mapping produces. */
export const GrpcStatus = { Unknown: 2, Internal: 13, Unauthenticated: 16, PermissionDenied: 7, Unimplemented: 12, Unavailable: 14 } as const;

/** Envoy's Grpc::Common::isGrpcRequestHeaders content-type test (gRPC-Web is a different protocol and excluded). */
export function isGrpcContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || !contentType.startsWith('application/grpc')) return false;
  if (contentType.length === 16) return true;
  const next = contentType.charCodeAt(16);
  return next === 43 /* + */ || next === 59 /* ; */;
}

/** https://github.com/grpc/grpc/blob/master/doc/http-grpc-status-mapping.md, as Envoy applies it. */
export function httpToGrpcStatus(httpStatus: number): number {
  switch (httpStatus) {
    case 400: return GrpcStatus.Internal;
    case 401: return GrpcStatus.Unauthenticated;
    case 403: return GrpcStatus.PermissionDenied;
    case 404: return GrpcStatus.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504: return GrpcStatus.Unavailable;
    default: return GrpcStatus.Unknown;
  }
}

/** Envoy's PercentEncoding::encode for grpc-message: bytes outside 0x20–0x7e, and '%', become %XX. */
export function encodeGrpcMessage(text: string): string {
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x25) {
      plain = false;
      break;
    }
  }
  if (plain) return text;
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte < 0x20 || byte > 0x7e || byte === 0x25 ? '%' + byte.toString(16).toUpperCase().padStart(2, '0') : String.fromCharCode(byte);
  }
  return out;
}

/** The headers of a trailers-only gRPC local reply for an HTTP status and body text (JSON formatters' trailing newline dropped). */
export function grpcLocalReplyHeaders(httpStatus: number, body: string): [string, string][] {
  const headers: [string, string][] = [['content-type', 'application/grpc'], ['grpc-status', String(httpToGrpcStatus(httpStatus))]];
  const text = body.endsWith('\n') ? body.slice(0, -1) : body;
  if (text.length > 0) headers.push(['grpc-message', encodeGrpcMessage(text)]);
  return headers;
}
