/**
 * istio.stats as a network filter before tcp_proxy: istio_tcp_connections_opened_total
 * and _closed_total, istio_tcp_sent_bytes_total and _received_bytes_total,
 * with Istio's labels (no request labels; the peer is `unknown` without TCP
 * metadata exchange). Bytes are reported when the connection closes (Istio
 * also reports every tcp_reporting_duration while it is open).
 */
import type { StatsRegistry } from '../../../stats/index.ts';
import type { TcpConnectionRecord, TcpObserver } from '../../../listener/network-filters/tcp-proxy/connection-record.ts';
import { istioLabels, serviceFromClusterName, type Reporter } from './labels.ts';
import { istioMetricsFor } from './metrics.ts';
import type { IstioNodeContext, IstioStatsConfig } from './stats-filter.ts';
import { workloadFromMetadata } from './workload.ts';

export function createIstioTcpObserver(config: IstioStatsConfig, istio: IstioNodeContext, stats: StatsRegistry, trafficDirection: string | undefined): TcpObserver {
  const reporter: Reporter = config.serverGateway ? 'waypoint' : trafficDirection === 'INBOUND' ? 'destination' : 'source';
  const self = workloadFromMetadata(istio.node.metadata, istio.node.id);
  const metrics = istioMetricsFor(stats);
  const opened = new WeakSet<TcpConnectionRecord>();
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
  return {
    onOpen(r) {
      opened.add(r);
      forRecord(r).opened.inc();
    },
    onClose(r) {
      const m = forRecord(r);
      if (!opened.has(r)) m.opened.inc();
      m.closed.inc();
      m.sent.inc(r.bytesSent);
      m.received.inc(r.bytesReceived);
    },
  };
}
