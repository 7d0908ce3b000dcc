/**
 * envoy.filters.network.http_connection_manager for one filter chain: the
 * HTTP/1.1 codec on each connection, Envoy's request-header handling
 * (x-request-id generated or preserved, x-forwarded-for appended and
 * x-forwarded-proto set with use_remote_address, x-envoy-* stripped from
 * external downstreams, `server` overwritten with server_name), the HTTP
 * filter chain compiled once, and the route table — inline, or the RDS one,
 * swapped atomically on update (a stream reads it once, at its first route
 * lookup). `drain()` closes every connection after its request in progress.
 */
import type { Socket } from 'node:net';
import type { Clock, Random } from '@skiff/common';
import { AccessLogs, httpAccessLogContext, parseAccessLogs, type SinkLookup } from '../../../access-log/index.ts';
import { ServerConnection, type DownstreamTimeout } from '../../../http/codec/server-connection.ts';
import type { DownstreamStream } from '../../../http/downstream-stream.ts';
import { selectCodec } from '../../../http/http2/codec-select.ts';
import { startHttp2, type DownstreamConnection } from '../../../http/http2/downstream.ts';
import { createRouteTable, type RouteTable, type RouteTableConfig } from '../../../http/route-table/index.ts';
import { FilterManager, type FilterManagerHost } from '../../../filters/http/filter-manager.ts';
import type { HttpFilterChain } from '../../../filters/http/filter-chain.ts';
import type { DownstreamConnectionInfo } from '../../../filters/http/filter.ts';
import { originalDestinationOf } from '../../original-destination.ts';
import type { HttpConnectionManagerConfig } from '../../../xds-client/types.ts';
import { parseHcmSettings, type HcmSettings } from './config.ts';
import { downstreamTlsInfo } from './downstream-tls.ts';
import { parseHcmProtocolSettings, type HcmProtocolSettings } from './protocol.ts';
import type { HcmStats } from './stats.ts';

const tables = new WeakMap<RouteTableConfig, RouteTable>();

/** Compiled once per route configuration object, shared by every HCM that uses it. */
export function routeTableFor(config: RouteTableConfig): RouteTable {
  let t = tables.get(config);
  if (t === undefined) {
    t = createRouteTable(config);
    tables.set(config, t);
  }
  return t;
}

export interface HcmDeps {
  readonly clock: Clock;
  readonly random: Random;
  readonly stats: HcmStats;
  readonly chain: HttpFilterChain;
  readonly requestId: () => string;
  /** The proxy's access log sinks; without them access_log entries are ignored. */
  readonly accessLogSinks?: SinkLookup;
}

/** RFC 1918, loopback and link-local: Envoy's default internal addresses. */
function isInternal(address: string): boolean {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a.startsWith('10.') || a.startsWith('192.168.') || a.startsWith('127.') || a === '::1' || /^172\.(1[6-9]|2\d|3[01])\./.test(a) || a.startsWith('169.254.') || a.startsWith('fd');
}

/** Envoy's counter for each downstream timeout. */
const TIMEOUT_COUNTERS = {
  connection_idle: 'downstream_cx_idle_timeout',
  request_headers: 'downstream_rq_header_timeout',
  request: 'downstream_rq_timeout',
  stream_idle: 'downstream_rq_idle_timeout',
} as const satisfies Record<DownstreamTimeout, string>;

export class HttpConnectionManager implements FilterManagerHost {
  readonly config: HttpConnectionManagerConfig;
  readonly settings: HcmSettings;
  readonly protocol: HcmProtocolSettings;
  readonly clock: Clock;
  readonly serverName: string;
  routeTable: RouteTable | null;
  readonly #deps: HcmDeps;
  readonly #connections = new Set<DownstreamConnection>();
  readonly #accessLogs: AccessLogs;
  #draining = false;

  constructor(config: HttpConnectionManagerConfig, deps: HcmDeps) {
    this.config = config;
    this.settings = parseHcmSettings(config.config);
    this.protocol = parseHcmProtocolSettings(config.config);
    this.clock = deps.clock;
    this.serverName = this.settings.serverName;
    this.#deps = deps;
    this.routeTable = 'inline' in config.route ? routeTableFor(config.route.inline) : null;
    const logs = deps.accessLogSinks && parseAccessLogs(config.config.access_log, ['access_log']);
    this.#accessLogs = logs?.ok && deps.accessLogSinks ? new AccessLogs(logs.value, deps.accessLogSinks) : AccessLogs.EMPTY;
  }

  /** The RDS name this HCM follows, if any. */
  get rdsName(): string | undefined {
    return 'rds' in this.config.route ? this.config.route.rds : undefined;
  }

  setRouteConfig(config: RouteTableConfig | undefined): void {
    this.routeTable = config === undefined ? null : routeTableFor(config);
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  onConnection(socket: Socket): void {
    const local = originalDestinationOf(socket); // Envoy restores the original destination as the local address
    const tls = downstreamTlsInfo(socket);
    const info: DownstreamConnectionInfo = {
      remoteAddress: socket.remoteAddress ?? '', localAddress: local.address, localPort: local.port, remotePort: socket.remotePort,
      requestedServerName: tls.requestedServerName, mutualTls: tls.mutualTls, peerPrincipal: tls.peerPrincipal,
    };
    const stats = this.#deps.stats;
    stats.counters.downstream_cx_total.inc();
    stats.cxActive.inc();
    let conn: DownstreamConnection | null = null;
    socket.once('close', () => {
      if (conn !== null) this.#connections.delete(conn);
      stats.cxActive.dec();
    });
    // codec_type: AUTO picks HTTP/2 by ALPN or the connection preface.
    selectCodec(socket, this.protocol.codecType, this.#deps.clock, this.settings.idleTimeoutMs, (codec) => {
      if (socket.destroyed) return;
      const onRequest = (stream: DownstreamStream): void => this.#handle(stream, info);
      if (codec === 'http2') {
        stats.counters.downstream_cx_http2_total.inc();
        conn = startHttp2(socket, this.protocol.http2, this.#deps.clock, this.settings.idleTimeoutMs, onRequest, () => stats.counters.downstream_rq_too_many_premature_resets.inc());
      } else {
        stats.counters.downstream_cx_http1_total.inc();
        const s = this.settings;
        conn = new ServerConnection(socket, {
          clock: this.#deps.clock, idleTimeoutMs: s.idleTimeoutMs, requestHeadersTimeoutMs: s.requestHeadersTimeoutMs,
          requestTimeoutMs: s.requestTimeoutMs, streamIdleTimeoutMs: s.streamIdleTimeoutMs, limits: s.limits, onRequest,
          onProtocolError: () => stats.counters.downstream_cx_protocol_error.inc(),
          onTimeout: (kind) => stats.counters[TIMEOUT_COUNTERS[kind]].inc(),
        });
        socket.resume();
      }
      this.#connections.add(conn);
      if (this.#draining) conn.close();
    });
  }

  /** Envoy's drain: every connection closes once its request in progress (if any) is answered. */
  drain(): void {
    this.#draining = true;
    for (const conn of this.#connections) conn.close();
  }

  destroy(): void {
    for (const conn of this.#connections) conn.destroy();
    this.#connections.clear();
  }

  onStreamComplete(stream: FilterManager): void {
    const stats = this.#deps.stats;
    stats.rqActive.dec();
    stats.counters.downstream_rq_completed.inc();
    const code = stream.info.responseCode;
    if (code >= 500) stats.counters.downstream_rq_5xx.inc();
    else if (code >= 400) stats.counters.downstream_rq_4xx.inc();
    else if (code >= 300) stats.counters.downstream_rq_3xx.inc();
    else if (code >= 200) stats.counters.downstream_rq_2xx.inc();
    else if (code >= 100) stats.counters.downstream_rq_1xx.inc();
    else stats.counters.downstream_rq_rx_reset.inc();
    if (this.#accessLogs.size > 0) this.#accessLogs.log(httpAccessLogContext(stream, this.clock.now()));
  }

  #handle(stream: DownstreamStream, info: DownstreamConnectionInfo): void {
    const remote = info.remoteAddress;
    const fm = new FilterManager(this, stream, info);
    const h = fm.request.headers;
    const s = this.settings;
    const edge = s.useRemoteAddress && !isInternal(remote);
    if (edge) {
      for (let i = h.size - 1; i >= 0; i--) {
        const name = h.lowerNameAt(i);
        if (name.startsWith('x-envoy-')) h.remove(name);
      }
    }
    if (s.useRemoteAddress) {
      if (!s.skipXffAppend) {
        const xff = h.get('x-forwarded-for');
        h.set('x-forwarded-for', xff === undefined ? remote : `${xff},${remote}`);
      }
      h.set('x-forwarded-proto', fm.request.scheme);
      if (!edge) h.set('x-envoy-internal', 'true');
    } else if (!h.has('x-forwarded-proto')) h.addLower('x-forwarded-proto', fm.request.scheme);
    if (s.generateRequestId && (!h.has('x-request-id') || (edge && !s.preserveExternalRequestId))) h.set('x-request-id', this.#deps.requestId());
    const stats = this.#deps.stats;
    stats.counters.downstream_rq_total.inc();
    stats.rqActive.inc();
    if (stream.head.upgrade && !this.protocol.upgradeTypes.has((h.get('upgrade') ?? '').toLowerCase())) {
      // Envoy: an upgrade no upgrade_configs entry allows is refused.
      fm.sendLocalReply(403, '', { details: 'upgrade_failed' });
      return;
    }
    fm.start(this.#deps.chain.factories, this.#deps.chain.names);
  }
}
