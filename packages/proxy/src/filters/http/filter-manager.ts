/**
 * Envoy's filter manager for one HTTP request (FilterManager +
 * ActiveStream): runs the HCM's filter instances over the request (decode,
 * in order) and the response (encode, in reverse), and writes the result to
 * the downstream codec stream. Iteration stops when a filter returns a stop
 * status and resumes on continueDecoding/continueEncoding; body chunks that
 * reach a stopped filter are buffered until then. A headers callback that
 * returns a promise is awaited; every other path is synchronous. It also
 * implements the route lookup filters see (cached, clearable) and local
 * replies, which run through the encoder filters of the filters already
 * reached, as Envoy's do.
 */
import type { Duplex } from 'node:stream';
import type { Clock } from '@skiff/common';
import { reasonPhrase } from '../../http/codec/encoder.ts';
import { HeaderMap } from '../../http/codec/header-map.ts';
import type { RequestBodySink } from '../../http/codec/server-connection.ts';
import type { DownstreamStream } from '../../http/downstream-stream.ts';
import { grpcLocalReplyHeaders, isGrpcContentType } from '../../http/grpc/local-reply.ts';
import type { RouteMatch, RouteRequest, RouteTable } from '../../http/route-table/index.ts';
import type {
  DownstreamConnectionInfo, HeadersStatus, HttpFilter, LocalReplyDetails, MaybeAsync, RequestHeaders, ResponseHeaders, StreamContext,
} from './filter.ts';
import { StreamInfo } from './stream-info.ts';

const EMPTY = Buffer.alloc(0);
/** Envoy's default per_connection_buffer_limit_bytes: what a stopped filter chain may hold before the downstream is paused. */
export const DECODER_BUFFER_LIMIT = 1024 * 1024;

/** What the HCM gives each stream: its filters, route table (captured at stream start), and completion hooks. */
export interface FilterManagerHost {
  readonly clock: Clock;
  readonly routeTable: RouteTable | null;
  /** Response headers the HCM adds to every response (`server: istio-envoy`). */
  readonly serverName: string | undefined;
  onStreamComplete(stream: FilterManager): void;
}

export class FilterManager implements StreamContext, RouteRequest, RequestBodySink {
  readonly info: StreamInfo;
  readonly downstream: DownstreamConnectionInfo;
  readonly request: RequestHeaders;
  readonly #host: FilterManagerHost;
  readonly #stream: DownstreamStream;
  #filters: HttpFilter[] = [];
  #names: readonly string[] = [];
  /** Next filter to run decodeHeaders; filters.length when decoding reached the end. */
  #decodeIndex = 0;
  #decodeStopped = false;
  #decodeEndStream = false;
  /** Body chunks waiting at #decodeIndex: [chunk, endStream, chunk, endStream ...]. */
  #buffered: (Buffer | boolean)[] | null = null;
  /** Their size; over DECODER_BUFFER_LIMIT the downstream is paused until they flow (Envoy's high watermark). */
  #bufferedBytes = 0;
  #pausedForBuffer = false;
  #trailers: HeaderMap | null = null;
  #encodeIndex = -1;
  #response: ResponseHeaders | null = null;
  #responseEndStream = false;
  #route: RouteMatch | null | undefined = undefined;
  #localReplySent = false;
  #done = false;
  #responseStarted = false;

  constructor(host: FilterManagerHost, stream: DownstreamStream, downstream: DownstreamConnectionInfo) {
    this.#host = host;
    this.#stream = stream;
    this.downstream = downstream;
    this.info = new StreamInfo(host.clock.now());
    if (stream.protocol !== undefined) this.info.protocol = stream.protocol;
    const head = stream.head;
    let path = head.path;
    let authority = head.headers.get('host') ?? '';
    // Absolute-form (a client using the proxy as HTTP_PROXY): Envoy takes host and path from the URL.
    if (path.charCodeAt(0) !== 47 /* / */ && (path.startsWith('http://') || path.startsWith('https://'))) {
      const slash = path.indexOf('/', path.indexOf('//') + 2);
      authority = path.slice(path.indexOf('//') + 2, slash < 0 ? undefined : slash);
      path = slash < 0 ? '/' : path.slice(slash);
      head.headers.set('host', authority);
    }
    this.request = { method: head.method, path, authority, scheme: 'http', headers: head.headers, framing: head.framing, contentLength: head.contentLength, upgrade: head.upgrade ? head.headers.get('upgrade') : undefined };
    stream.onReset = () => this.#onDownstreamReset();
  }

  // RouteRequest (what the route table reads)
  get authority(): string {
    return this.request.authority;
  }

  get path(): string {
    return this.request.path;
  }

  get method(): string {
    return this.request.method;
  }

  get scheme(): string {
    return this.request.scheme;
  }

  header(name: string): string | undefined {
    switch (name) {
      case ':authority':
      case 'host':
        return this.request.authority;
      case ':path': return this.request.path;
      case ':method': return this.request.method;
      case ':scheme': return this.request.scheme;
    }
    const h = this.request.headers;
    const first = h.get(name);
    if (first === undefined) return undefined;
    let count = 0;
    for (let i = 0; i < h.size; i++) if (h.lowerNameAt(i) === name) count++;
    return count === 1 ? first : h.getAll(name).join(',');
  }

  /** Instantiates the filters and starts decoding. */
  start(factories: readonly ((s: StreamContext) => HttpFilter)[], names: readonly string[]): void {
    const filters: HttpFilter[] = new Array(factories.length);
    for (let i = 0; i < factories.length; i++) filters[i] = factories[i](this);
    this.#filters = filters;
    this.#names = names;
    const endStream = this.request.framing === 'none';
    this.#decodeEndStream = endStream;
    if (!endStream) this.#stream.setBodySink(this);
    this.#decodeHeaders(0);
  }

  // StreamContext

  get routeRequest(): RouteRequest {
    return this;
  }

  get responseStarted(): boolean {
    return this.#responseStarted;
  }

  route(): RouteMatch | null {
    if (this.#route === undefined) {
      const table = this.#host.routeTable;
      this.#route = table === null ? null : table.route(this);
      if (this.#route?.route) this.info.routeName = this.#route.route.name;
    }
    return this.#route;
  }

  clearRouteCache(): void {
    this.#route = undefined;
  }

  perRouteConfig<T>(filterName: string): T | undefined {
    const m = this.route();
    if (m === null) return undefined;
    const fromRoute = m.route?.typedPerFilterConfig.get(filterName);
    if (fromRoute !== undefined) return fromRoute as T;
    return m.virtualHost.typedPerFilterConfig.get(filterName) as T | undefined;
  }

  continueDecoding(): void {
    if (!this.#decodeStopped || this.#done || this.#localReplySent) return;
    this.#decodeStopped = false;
    this.#decodeHeaders(this.#decodeIndex + 1);
  }

  continueEncoding(): void {
    const response = this.#response;
    if (response === null || this.#done) return;
    this.#encodeHeaders(this.#encodeIndex - 1, response, this.#responseEndStream);
  }

  sendLocalReply(status: number, body: string, details: LocalReplyDetails): void {
    if (this.#done) return;
    if (details.responseFlag !== undefined) this.info.setResponseFlag(details.responseFlag);
    this.info.responseCodeDetails = details.details;
    if (this.#responseStarted) {
      this.resetStream();
      return;
    }
    this.#localReplySent = true;
    const headers = new HeaderMap();
    if (details.headers !== undefined) for (const [k, v] of details.headers) headers.add(k, v);
    if (isGrpcContentType(this.request.headers.get('content-type'))) {
      // Envoy: a gRPC request gets a trailers-only reply, grpc-status mapped from the HTTP status.
      for (const [k, v] of grpcLocalReplyHeaders(status, body)) headers.set(k, v);
      this.#encodeHeaders(Math.min(this.#decodeIndex, this.#filters.length - 1), { status: 200, reason: 'OK', headers, framing: 'none', contentLength: -1 }, true);
      return;
    }
    const bytes = body.length > 0 ? Buffer.from(body, 'utf8') : EMPTY;
    if (bytes.length > 0) headers.addLower('content-type', 'text/plain');
    const response: ResponseHeaders = { status, reason: reasonPhrase(status), headers, framing: bytes.length > 0 ? 'content-length' : 'none', contentLength: bytes.length };
    // Encoder filters of the filters decoding already reached, in reverse.
    this.#encodeHeaders(Math.min(this.#decodeIndex, this.#filters.length - 1), response, bytes.length === 0);
    if (bytes.length > 0) this.encodeData(bytes, true);
  }

  encodeHeaders(headers: ResponseHeaders, endStream: boolean): void {
    if (this.#done || this.#responseStarted) return;
    // The terminal filter's response goes through every other filter's encoder.
    this.#encodeHeaders(this.#filters.length - 2, headers, endStream);
  }

  encodeData(chunk: Buffer, endStream: boolean): boolean {
    if (this.#done) return true;
    const filters = this.#filters;
    for (let i = filters.length - 1; i >= 0; i--) filters[i].encodeData?.(chunk, endStream);
    this.info.bytesSent += chunk.length;
    const ok = this.#stream.write(chunk);
    if (endStream) this.#finish(undefined);
    return ok;
  }

  encodeTrailers(trailers: HeaderMap): void {
    if (this.#done) return;
    const filters = this.#filters;
    for (let i = filters.length - 1; i >= 0; i--) filters[i].encodeTrailers?.(trailers);
    this.#finish(trailers);
  }

  onDownstreamDrain(fn: () => void): void {
    this.#stream.onceDrain(fn);
  }

  pauseDecoding(): void {
    this.#stream.pauseBody();
  }

  resumeDecoding(): void {
    this.#stream.resumeBody();
  }

  takeUpgradedDownstream(): { socket: Duplex; head: Buffer | null } | null {
    if (this.#done || !this.#responseStarted || this.#stream.takeUpgrade === undefined) return null;
    return this.#stream.takeUpgrade();
  }

  resetStream(): void {
    if (this.#done) return;
    this.#done = true;
    this.#stream.reset();
    this.#destroyFilters();
    this.#host.onStreamComplete(this);
  }

  // RequestBodySink (the downstream request body)

  onData(chunk: Buffer): void {
    this.#decodeData(chunk, false);
  }

  onTrailers(trailers: HeaderMap): void {
    this.#trailers = trailers;
  }

  onEnd(): void {
    this.#decodeData(EMPTY, true);
  }

  // iteration

  #decodeHeaders(from: number): void {
    const filters = this.#filters;
    for (let i = from; i < filters.length; i++) {
      this.#decodeIndex = i;
      const f = filters[i];
      if (f.decodeHeaders === undefined) continue;
      const status = f.decodeHeaders(this.request, this.#decodeEndStream);
      if (typeof status !== 'string') {
        this.#decodeStopped = true;
        void this.#awaitDecode(status);
        return;
      }
      if (this.#done || this.#localReplySent) return;
      if (status !== 'Continue') {
        this.#decodeStopped = true;
        // Stopped at the terminal filter: it takes the body itself (Envoy passes data to the filter that stopped headers).
        if (i === filters.length - 1) this.#flushBuffered();
        return;
      }
    }
    this.#decodeIndex = filters.length;
    this.#flushBuffered();
  }

  async #awaitDecode(pending: Promise<HeadersStatus>): Promise<void> {
    let status: HeadersStatus;
    try {
      status = await pending;
    } catch {
      this.sendLocalReply(500, '', { details: 'filter_failed' });
      return;
    }
    if (this.#done || this.#localReplySent) return;
    if (status === 'Continue') this.continueDecoding();
  }

  #decodeData(chunk: Buffer, endStream: boolean): void {
    this.info.bytesReceived += chunk.length;
    if (this.#done || this.#localReplySent) return;
    if ((this.#decodeStopped && this.#decodeIndex < this.#filters.length - 1) || this.#buffered !== null) {
      (this.#buffered ??= []).push(chunk, endStream);
      this.#bufferedBytes += chunk.length;
      if (this.#bufferedBytes > DECODER_BUFFER_LIMIT && !this.#pausedForBuffer) {
        this.#pausedForBuffer = true;
        this.#stream.pauseBody();
      }
      return;
    }
    this.#passData(0, chunk, endStream);
  }

  #passData(from: number, chunk: Buffer, endStream: boolean): void {
    const filters = this.#filters;
    const last = Math.min(this.#decodeIndex, filters.length - 1);
    // Envoy: a body that ends with trailers ends with decodeTrailers, not decodeData(endStream).
    const trailers = endStream ? this.#trailers : null;
    const dataEnds = endStream && trailers === null;
    let reached = last;
    for (let i = from; i <= last; i++) {
      const f = filters[i];
      if (f.decodeData !== undefined && (chunk.length > 0 || dataEnds) && f.decodeData(chunk, dataEnds) !== 'Continue') {
        if (trailers === null) return;
        reached = i;
        break;
      }
      if (this.#done || this.#localReplySent) return;
    }
    if (trailers !== null) {
      for (let i = 0; i <= reached && !this.#done; i++) filters[i].decodeTrailers?.(trailers);
    }
  }

  #flushBuffered(): void {
    const buffered = this.#buffered;
    if (buffered === null) return;
    this.#buffered = null;
    this.#bufferedBytes = 0;
    // Resume before passing the chunks on, so a pause the next filter asks for (router backpressure) stays.
    if (this.#pausedForBuffer) {
      this.#pausedForBuffer = false;
      this.#stream.resumeBody();
    }
    for (let i = 0; i < buffered.length; i += 2) this.#passData(0, buffered[i] as Buffer, buffered[i + 1] as boolean);
  }

  #encodeHeaders(from: number, response: ResponseHeaders, endStream: boolean): void {
    const filters = this.#filters;
    this.#response = response;
    this.#responseEndStream = endStream;
    for (let i = from; i >= 0; i--) {
      this.#encodeIndex = i;
      const f = filters[i];
      if (f.encodeHeaders === undefined) continue;
      const status: MaybeAsync<HeadersStatus> = f.encodeHeaders(response, endStream);
      if (typeof status !== 'string') {
        void status.then((s) => s === 'Continue' && this.continueEncoding(), () => this.resetStream());
        return;
      }
      if (status !== 'Continue') return;
    }
    this.#encodeIndex = -1;
    this.#writeHead(response, endStream);
  }

  #writeHead(r: ResponseHeaders, endStream: boolean): void {
    if (this.#done || this.#responseStarted) return;
    this.#responseStarted = true;
    this.info.responseCode = r.status;
    this.info.responseHeaders = r.headers;
    const serverName = this.#host.serverName;
    if (serverName !== undefined) r.headers.set('server', serverName);
    if (!this.#stream.requestComplete && this.#localReplySent) this.#stream.closeAfterResponse = true;
    const framing = r.framing === 'none' && !endStream ? 'close-delimited' : r.framing;
    this.#stream.writeHead(r.status, r.reason, r.headers, framing, framing === 'content-length' || framing === 'none' ? r.contentLength : -1);
    if (endStream) this.#finish(undefined);
  }

  #finish(trailers: HeaderMap | undefined): void {
    if (this.#done) return;
    this.#done = true;
    this.#stream.end(trailers);
    this.#destroyFilters();
    this.#host.onStreamComplete(this);
  }

  #onDownstreamReset(): void {
    if (this.#done) return;
    this.#done = true;
    this.info.setResponseFlag('DC');
    this.#destroyFilters();
    this.#host.onStreamComplete(this);
  }

  #destroyFilters(): void {
    const filters = this.#filters;
    for (let i = 0; i < filters.length; i++) filters[i].onDestroy?.();
  }

  /** The configured names of the filters, in order (for debugging and per-route lookups). */
  get filterNames(): readonly string[] {
    return this.#names;
  }
}
