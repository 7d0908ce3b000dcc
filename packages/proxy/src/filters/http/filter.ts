/**
 * The per-stream HTTP filter contract, with Envoy's status names so Envoy's
 * documentation applies word for word (STYLE.md §3). A filter instance lives
 * for one request; shared state is built once by its extension's
 * createFactory. Decoding runs forward through the chain, encoding in
 * reverse, and the router (terminal, last) turns decoded requests into
 * upstream requests and feeds responses back through `StreamContext`'s
 * encode side. Everything is synchronous unless a filter returns a promise
 * from a headers callback; only then does the filter manager await.
 */
import type { Duplex } from 'node:stream';
import type { HeaderMap } from '../../http/codec/header-map.ts';
import type { BodyFraming } from '../../http/codec/types.ts';
import type { RouteMatch, RouteRequest } from '../../http/route-table/index.ts';
import type { ResponseFlag, StreamInfo } from './stream-info.ts';

export type HeadersStatus = 'Continue' | 'StopIteration' | 'StopAllIterationAndBuffer';
export type DataStatus = 'Continue' | 'StopIterationAndBuffer' | 'StopIterationNoBuffer';
export type TrailersStatus = 'Continue' | 'StopIteration';
/** Sync on the fast path; a filter that must wait (jwt_authn fetching JWKS) may return a promise. */
export type MaybeAsync<T> = T | Promise<T>;

/** A request head as filters see it: pseudo-headers as fields, the rest in codec order and case. */
export interface RequestHeaders {
  method: string;
  /** `:path`, query included. */
  path: string;
  /** `:authority` (Host). */
  authority: string;
  /** `:scheme` of the downstream connection (`http` for plaintext). */
  scheme: string;
  readonly headers: HeaderMap;
  /** How the body is delimited, and its declared length (−1 unknown). */
  readonly framing: BodyFraming;
  readonly contentLength: number;
  /** An HTTP/1.1 upgrade request (`Connection: upgrade`): the Upgrade token, e.g. `websocket`. */
  readonly upgrade?: string;
}

export interface ResponseHeaders {
  status: number;
  reason: string;
  readonly headers: HeaderMap;
  readonly framing: BodyFraming;
  readonly contentLength: number;
}

export interface HttpFilter {
  decodeHeaders?(headers: RequestHeaders, endStream: boolean): MaybeAsync<HeadersStatus>;
  decodeData?(chunk: Buffer, endStream: boolean): DataStatus;
  decodeTrailers?(trailers: HeaderMap): TrailersStatus;
  encodeHeaders?(headers: ResponseHeaders, endStream: boolean): MaybeAsync<HeadersStatus>;
  encodeData?(chunk: Buffer, endStream: boolean): DataStatus;
  encodeTrailers?(trailers: HeaderMap): TrailersStatus;
  onDestroy?(): void;
}

export interface LocalReplyDetails {
  /** Envoy's response code details, e.g. `fault_filter_abort`, `route_not_found`. */
  readonly details: string;
  readonly responseFlag?: ResponseFlag;
  /** Extra response headers, e.g. `x-envoy-overloaded: true`. */
  readonly headers?: readonly (readonly [string, string])[];
}

/** What the downstream connection looks like, for x-forwarded-for and source-IP hashing. */
export interface DownstreamConnectionInfo {
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remotePort?: number;
  /** SNI of a TLS downstream (%REQUESTED_SERVER_NAME%). */
  readonly requestedServerName?: string;
  /** The downstream is TLS with a verified client certificate (Istio's connection_security_policy mutual_tls). */
  readonly mutualTls?: boolean;
  /** The client certificate's SPIFFE URI SAN (Istio's source_principal). */
  readonly peerPrincipal?: string;
}

/** Handed to each filter instance; the filter manager implements it. */
export interface StreamContext {
  readonly info: StreamInfo;
  readonly downstream: DownstreamConnectionInfo;
  /** The matched route, resolved lazily from the current headers and cached; null: no route (404 NR). */
  route(): RouteMatch | null;
  /** The request as the route table reads it (pseudo-headers included). */
  readonly routeRequest: RouteRequest;
  /** Forget the cached route after header edits that may change it. */
  clearRouteCache(): void;
  /** The most specific typed_per_filter_config for this filter name: weighted cluster, route, then virtual host. */
  perRouteConfig<T>(filterName: string): T | undefined;
  continueDecoding(): void;
  continueEncoding(): void;
  /** Answers locally, through the encoder filters; sets the response flag and details. */
  sendLocalReply(status: number, body: string, details: LocalReplyDetails): void;

  // The terminal filter's side (Envoy's StreamDecoderFilterCallbacks::encode*).
  encodeHeaders(headers: ResponseHeaders, endStream: boolean): void;
  /** False: the downstream is full; wait for onDownstreamDrain. */
  encodeData(chunk: Buffer, endStream: boolean): boolean;
  encodeTrailers(trailers: HeaderMap): void;
  onDownstreamDrain(fn: () => void): void;
  /** Request-body backpressure: stop and restart reading the downstream. */
  pauseDecoding(): void;
  resumeDecoding(): void;
  /** Whether the response has started going downstream (after that a failure can only reset). */
  readonly responseStarted: boolean;
  /** Aborts the downstream stream (HTTP/1: closes the connection). */
  resetStream(): void;
  /** After encodeHeaders(101): the downstream's raw transport for an upgrade tunnel, null if the codec cannot hand one over. */
  takeUpgradedDownstream?(): { socket: Duplex; head: Buffer | null } | null;
}
