/**
 * istio.stats (stats.PluginConfig) on an HCM: when a request ends it
 * records istio_requests_total, istio_request_duration_milliseconds,
 * istio_request_bytes and istio_response_bytes under Istio's labels. The
 * reporter comes from the listener's traffic direction (Envoy's listener
 * info), or `waypoint` with reporter SERVER_GATEWAY. Sizes are header plus
 * body bytes, as Istio's request.total_size / response.total_size.
 */
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, ok, type Clock, type FieldPath, type Result } from '@skiff/common';
import type { HeaderMap } from '../../../http/codec/header-map.ts';
import type { HttpFilterExtension } from '../extension.ts';
import type { HeadersStatus, HttpFilter, RequestHeaders, StreamContext, TrailersStatus } from '../filter.ts';
import { istioLabels, serviceFromClusterName, type Reporter, type ServiceRef } from './labels.ts';
import { istioMetricsFor, type IstioMetrics } from './metrics.ts';
import { peerStateIfAny } from './peer-state.ts';
import { workloadFromMetadata, type NodeIdentity, type WorkloadInfo } from './workload.ts';

export interface IstioStatsConfig {
  readonly disableHostHeaderFallback: boolean;
  readonly serverGateway: boolean;
  /** tcp_reporting_duration; Istio's default 5 s. */
  readonly tcpReportingMs: number;
}

export function parseIstioStatsConfig(wire: WireMessage, at: FieldPath): Result<IstioStatsConfig> {
  const reporter = wire.reporter ?? 'UNSPECIFIED';
  if (reporter !== 'UNSPECIFIED' && reporter !== 'SERVER_GATEWAY' && reporter !== 0 && reporter !== 1) {
    return fail(`${[...at, 'reporter'].join('.')}: value must be one of the defined enum values`);
  }
  const d = wire.tcp_reporting_duration as { seconds?: string | number; nanos?: number } | undefined;
  return ok({
    disableHostHeaderFallback: wire.disable_host_header_fallback === true,
    serverGateway: reporter === 'SERVER_GATEWAY' || reporter === 1,
    tcpReportingMs: d === undefined ? 5000 : Number(d.seconds ?? 0) * 1000 + (d.nanos ?? 0) / 1e6,
  });
}

/** What the Istio filters know about this proxy (from the bootstrap and the xDS snapshot). */
export interface IstioNodeContext {
  readonly node: NodeIdentity;
  /** The services behind a cluster (its `istio` filter metadata), if the control plane said. */
  clusterService(clusterName: string): ServiceRef | undefined;
}

interface Shared {
  readonly config: IstioStatsConfig;
  readonly reporter: Reporter;
  readonly self: WorkloadInfo;
  readonly metrics: IstioMetrics;
  readonly clock: Clock;
  readonly istio: IstioNodeContext;
}

function headerBytes(h: HeaderMap): number {
  let n = 0;
  for (let i = 0; i < h.size; i++) n += h.nameAt(i).length + h.valueAt(i).length + 4;
  return n;
}

class IstioStatsFilter implements HttpFilter {
  readonly #s: Shared;
  readonly #stream: StreamContext;
  #done = false;
  /** Request line and header bytes, counted when the headers pass. */
  #requestHeaderBytes = 0;
  /** grpc-status from the response trailers (a trailers-only reply has it in the headers). */
  #grpcStatus: string | undefined;
  #isGrpc = false;

  constructor(shared: Shared, stream: StreamContext) {
    this.#s = shared;
    this.#stream = stream;
  }

  // HttpFilter (decoder)
  decodeHeaders(request: RequestHeaders): HeadersStatus {
    this.#requestHeaderBytes = request.method.length + request.path.length + 12 + headerBytes(request.headers);
    this.#isGrpc = (request.headers.get('content-type') ?? '').startsWith('application/grpc');
    return 'Continue';
  }

  // HttpFilter (encoder)
  encodeTrailers(trailers: HeaderMap): TrailersStatus {
    this.#grpcStatus = trailers.get('grpc-status');
    return 'Continue';
  }

  // HttpFilter: the stream ended (completed or reset).
  onDestroy(): void {
    if (this.#done) return;
    this.#done = true;
    const { config, reporter, self, metrics, clock, istio } = this.#s;
    const stream = this.#stream;
    const info = stream.info;
    const request = stream.routeRequest;
    const peers = peerStateIfAny(info);
    const cluster = info.upstreamClusterName;
    const isGrpc = this.#isGrpc;
    const labels = istioLabels({
      reporter,
      self,
      peer: reporter === 'source' ? peers?.upstream : peers?.downstream,
      service: cluster === '' ? undefined : istio.clusterService(cluster) ?? serviceFromClusterName(cluster),
      clusterName: cluster,
      hostHeader: request.authority,
      hostHeaderFallback: !config.disableHostHeaderFallback,
      requestProtocol: isGrpc ? 'grpc' : 'http',
      responseCode: String(info.responseCode),
      grpcStatus: isGrpc ? this.#grpcStatus ?? info.responseHeaders?.get('grpc-status') ?? '' : '',
      responseFlags: info.formatResponseFlags(),
      securityPolicy: reporter === 'source' ? 'unknown' : stream.downstream.mutualTls === true ? 'mutual_tls' : 'none',
      peerPrincipal: reporter === 'source' ? undefined : stream.downstream.peerPrincipal,
    });
    const m = metrics.http(labels);
    m.requests.inc();
    m.duration.record(clock.now() - info.startMs);
    m.requestBytes.record(info.bytesReceived + this.#requestHeaderBytes);
    m.responseBytes.record(info.bytesSent + (info.responseHeaders ? headerBytes(info.responseHeaders) : 0));
  }
}

export function createIstioStatsFilter(istio: IstioNodeContext): HttpFilterExtension<IstioStatsConfig> {
  const self = workloadFromMetadata(istio.node.metadata, istio.node.id);
  return {
    name: 'istio.stats',
    typeUrl: TypeUrl.IstioStats,
    status: 'alpha',
    parseConfig: parseIstioStatsConfig,
    createFactory(config, ctx) {
      const reporter: Reporter = config.serverGateway ? 'waypoint' : ctx.trafficDirection === 'INBOUND' ? 'destination' : 'source';
      const shared: Shared = { config, reporter, self, metrics: istioMetricsFor(ctx.stats), clock: ctx.clock, istio };
      return (stream) => new IstioStatsFilter(shared, stream);
    },
  };
}
