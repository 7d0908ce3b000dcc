/**
 * Istio's telemetry filters for one proxy: istio.metadata_exchange and
 * istio.stats, bound to this node's identity (they are created per proxy,
 * not listed among the stateless builtins).
 */
import type { AnyHttpFilterExtension } from '../extension.ts';
import { createMetadataExchangeFilter } from './metadata-exchange.ts';
import { createIstioStatsFilter, type IstioNodeContext } from './stats-filter.ts';

export function createIstioHttpFilters(istio: IstioNodeContext): AnyHttpFilterExtension[] {
  return [createMetadataExchangeFilter(istio.node), createIstioStatsFilter(istio)];
}

export { type IstioNodeContext, type IstioStatsConfig, parseIstioStatsConfig } from './stats-filter.ts';
export { istioMetricsFor, IstioMetrics, ISTIO_LABELS, type IstioLabels } from './metrics.ts';
export { istioLabels, serviceFromClusterName, serviceFromClusterWire, type ServiceRef, type Reporter } from './labels.ts';
export { createIstioTcpObserver } from './tcp-stats.ts';
export { workloadFromMetadata, encodePeerMetadata, decodePeerMetadata, type WorkloadInfo, type NodeIdentity } from './workload.ts';
