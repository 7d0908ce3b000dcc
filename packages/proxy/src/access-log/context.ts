/**
 * What an access log line is made of (Envoy's formatter context: StreamInfo
 * plus request/response headers), one shape for the HCM and tcp_proxy so
 * the same compiled format serves both. Empty string / 0 means "not
 * available" and prints as `-` (text) or null (JSON), as Envoy does.
 */
export interface AccessLogContext {
  readonly startMs: number;
  /** Total duration (ms); undefined while unknown. */
  readonly durationMs: number | undefined;
  /** `HTTP/1.1`, `HTTP/2`; '' for TCP. */
  readonly protocol: string;
  /** 0: no response (TCP, or reset before headers). */
  readonly responseCode: number;
  /** `UH,URX`; '-' when none (Envoy's %RESPONSE_FLAGS%). */
  readonly responseFlags: string;
  readonly responseCodeDetails: string;
  readonly connectionTerminationDetails: string;
  readonly upstreamTransportFailureReason: string;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  /** `ip:port` of the upstream host. */
  readonly upstreamHost: string;
  readonly upstreamCluster: string;
  readonly upstreamLocalAddress: string;
  /** `ip:port`. */
  readonly downstreamLocalAddress: string;
  /** `ip:port`. */
  readonly downstreamRemoteAddress: string;
  readonly requestedServerName: string;
  readonly routeName: string;
  readonly attemptCount: number;
  /** Lower-case name; pseudo-headers `:method`, `:path`, `:authority`, `:scheme`. */
  requestHeader(name: string): string | undefined;
  responseHeader(name: string): string | undefined;
  responseTrailer(name: string): string | undefined;
}

/** `ip:port`, IPv6 bracketed (Envoy's address printing). */
export function joinHostPort(address: string, port: number | undefined): string {
  if (address === '') return '';
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (port === undefined) return a;
  return a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`;
}
