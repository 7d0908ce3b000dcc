/**
 * Per-request facts the filters, the router and the access log share
 * (Envoy's StreamInfo): response flags, response code details, the upstream
 * host and cluster, attempt count and timings. One object per request, filled
 * in as the request goes; response flags are a bitmask so setting one
 * allocates nothing.
 */
import type { HeaderMap } from '../../http/codec/header-map.ts';
import type { Host } from '../../upstream/host.ts';

/** Envoy's response flags, in the order Envoy prints them (ResponseFlagUtils). */
export const RESPONSE_FLAGS = ['DC', 'DI', 'DPE', 'FI', 'IH', 'LH', 'LR', 'NC', 'NR', 'OM', 'RL', 'RLSE', 'SI', 'UAEX', 'UC', 'UF', 'UH', 'UMSDR', 'UO', 'UPE', 'URX', 'UT'] as const;
export type ResponseFlag = (typeof RESPONSE_FLAGS)[number];

const BIT: Readonly<Record<ResponseFlag, number>> = Object.fromEntries(RESPONSE_FLAGS.map((f, i) => [f, 1 << i])) as Record<ResponseFlag, number>;

export class StreamInfo {
  readonly startMs: number;
  #flags = 0;
  /** Envoy's response-code-details (`via_upstream`, `route_not_found`, `fault_filter_abort`, ...). */
  responseCodeDetails = '';
  responseCode = 0;
  upstreamHost: Host | null = null;
  upstreamClusterName = '';
  /** Upstream attempts made (1 + retries). */
  attemptCount = 0;
  /** The matched route's name, for logs. */
  routeName = '';
  /** The downstream protocol, Envoy's %PROTOCOL%. */
  protocol: 'HTTP/1.1' | 'HTTP/2' = 'HTTP/1.1';

  /** Body bytes read from / written to the downstream (%BYTES_RECEIVED% / %BYTES_SENT%). */
  bytesReceived = 0;
  bytesSent = 0;
  /** The response headers as sent downstream (access log %RESP(...)%). */
  responseHeaders: HeaderMap | null = null;
  /** Why the upstream transport failed (a TLS handshake error), Envoy's %UPSTREAM_TRANSPORT_FAILURE_REASON%. */
  upstreamTransportFailureReason = '';

  constructor(startMs: number) {
    this.startMs = startMs;
  }

  setResponseFlag(flag: ResponseFlag): void {
    this.#flags |= BIT[flag];
  }

  hasResponseFlag(flag: ResponseFlag): boolean {
    return (this.#flags & BIT[flag]) !== 0;
  }

  get hasAnyResponseFlag(): boolean {
    return this.#flags !== 0;
  }

  /** `UO,URX` as Envoy's %RESPONSE_FLAGS% prints them; `-` when none. */
  formatResponseFlags(): string {
    if (this.#flags === 0) return '-';
    const out: string[] = [];
    for (const f of RESPONSE_FLAGS) if ((this.#flags & BIT[f]) !== 0) out.push(f);
    return out.join(',');
  }
}
