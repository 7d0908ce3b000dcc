/**
 * istio.stats as a network filter before tcp_proxy: istio_tcp_connections_opened_total
 * and _closed_total, istio_tcp_sent_bytes_total and _received_bytes_total,
 * with Istio's labels (no request labels; the peer is `unknown` without TCP
 * metadata exchange). Bytes are reported every tcp_reporting_duration while
 * the connection is open (Istio's default 5 s, on the injected clock) and
 * the rest when it closes.
 */
import type { Cancel, Clock } from '@skiff/common';
import type { StatsRegistry } from '../../../stats/index.ts';
import type { TcpConnectionRecord, TcpObserver } from '../../../listener/network-filters/tcp-proxy/connection-record.ts';
import { istioLabels, serviceFromClusterName, type Reporter } from './labels.ts';
import { istioMetricsFor } from './metrics.ts';
import type { IstioNodeContext, IstioStatsConfig } from './stats-filter.ts';
import { workloadFromMetadata } from './workload.ts';

export function createIstioTcpObserver(config: IstioStatsConfig, istio: IstioNodeContext, stats: StatsRegistry, trafficDirection: string | undefined, clock: Clock): TcpObserver {
  const reporter: Reporter = config.serverGateway ? 'waypoint' : trafficDirection === 'INBOUND' ? 'destination' : 'source';
  const self = workloadFromMetadata(istio.node.metadata, istio.node.id);
  const metrics = istioMetricsFor(stats);
  /** Per open connection: bytes already reported, and the reporting timer. */
  const open = new WeakMap<TcpConnectionRecord, { sent: number; received: number; cancel: Cancel }>();
  const forRecord = (r: TcpConnectionRecord) => metrics.tcp(istioLabels({
    reporter,
    self,
    peer: undefined,
    service: r.clusterName === '' ? undefined : istio.clusterService(r.clusterName) ?? serviceFromClusterName(r.clusterName),
    clusterName: r.clusterName,
    hostHeader: undefined,
    hostHeaderFallback: false,
    requestProtocol: 'tcp',
    responseCode: '0',
    grpcStatus: '',
    responseFlags: r.responseFlags.length === 0 ? '-' : r.responseFlags.join(','),
    securityPolicy: reporter === 'source' ? 'unknown' : 'none',
    peerPrincipal: undefined,
  }));
  const report = (r: TcpConnectionRecord) => {
    const m = forRecord(r);
    const o = open.get(r);
    m.sent.inc(r.bytesSent - (o?.sent ?? 0));
    m.received.inc(r.bytesReceived - (o?.received ?? 0));
    if (o) {
      o.sent = r.bytesSent;
      o.received = r.bytesReceived;
    }
    return m;
  };
  return {
    onOpen(r) {
      forRecord(r).opened.inc();
      const cancel = config.tcpReportingMs > 0 ? clock.setInterval(() => report(r), config.tcpReportingMs) : () => {};
      open.set(r, { sent: 0, received: 0, cancel });
    },
    onClose(r) {
      const o = open.get(r);
      o?.cancel();
      const m = report(r);
      if (o === undefined) m.opened.inc();
      m.closed.inc();
      open.delete(r);
    },
  };
}
