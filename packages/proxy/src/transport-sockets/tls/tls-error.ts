/**
 * Node's TLS errors in Envoy's words. Envoy's SslSocket reports a failed
 * handshake as `TLS_error:|<packed code>:SSL routines:OPENSSL_internal:<REASON>:TLS_error_end`
 * (BoringSSL's packed error: library SSL = 16 << 24, plus the reason code;
 * an alert received from the peer is reason 1000 + alert number), which is
 * what the router appends to `transport failure reason: ` in its 503 body.
 */

const SSL_LIB = 16 * 2 ** 24;

/** BoringSSL reason names for the alerts a peer sends on a failed handshake. */
const ALERT_REASONS: Readonly<Record<number, string>> = {
  10: 'SSLV3_ALERT_UNEXPECTED_MESSAGE',
  40: 'SSLV3_ALERT_HANDSHAKE_FAILURE',
  42: 'SSLV3_ALERT_BAD_CERTIFICATE',
  45: 'SSLV3_ALERT_CERTIFICATE_EXPIRED',
  46: 'SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  48: 'TLSV1_ALERT_UNKNOWN_CA',
  70: 'TLSV1_ALERT_PROTOCOL_VERSION',
  80: 'TLSV1_ALERT_INTERNAL_ERROR',
  112: 'TLSV1_ALERT_UNRECOGNIZED_NAME',
  116: 'TLSV1_ALERT_CERTIFICATE_REQUIRED',
  120: 'TLSV1_ALERT_NO_APPLICATION_PROTOCOL',
};

export const CERTIFICATE_VERIFY_FAILED = 125;
const WRONG_VERSION_NUMBER = 247;
const HANDSHAKE_FAILURE_ON_CLIENT_HELLO = 227;

export function envoyTlsError(reason: number, name: string): string {
  return `TLS_error:|${SSL_LIB + reason}:SSL routines:OPENSSL_internal:${name}:TLS_error_end`;
}

/** Verification (chain, expiry or SAN) failed on our side. */
export const VERIFY_FAILED = envoyTlsError(CERTIFICATE_VERIFY_FAILED, 'CERTIFICATE_VERIFY_FAILED');

/** Envoy's failure reason for a Node TLS error (handshake or alert). */
export function tlsFailureReason(err: Error & { code?: string }): string {
  const alert = /SSL alert number (\d+)/.exec(err.message);
  if (alert) {
    const n = Number(alert[1]);
    return envoyTlsError(1000 + n, ALERT_REASONS[n] ?? `ALERT_${n}`);
  }
  const code = err.code ?? '';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || code === 'ERR_SSL_HTTP_REQUEST') {
    return envoyTlsError(WRONG_VERSION_NUMBER, 'WRONG_VERSION_NUMBER');
  }
  if (code.startsWith('ERR_SSL_')) return envoyTlsError(HANDSHAKE_FAILURE_ON_CLIENT_HELLO, code.slice('ERR_SSL_'.length));
  // Chain errors from Node's verification (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, ...) and our SAN check.
  return VERIFY_FAILED;
}
