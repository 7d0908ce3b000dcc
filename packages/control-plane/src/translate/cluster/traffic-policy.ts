/**
 * Applies one resolved TrafficPolicy to a cluster draft, in Istio's order
 * (applyTrafficPolicy): connection pool (always, so defaults are set), then
 * for outbound clusters the HTTP/2 upgrade, outlier detection, locality
 * load balancing and the load balancer. Inbound clusters take only the
 * connection pool.
 */
import type { ConnectionPoolSettings, TrafficPolicy } from '@skiff/api';
import type { MeshSettings } from '../../registry/mesh-settings.ts';
import { isHttpProtocol } from '../../registry/protocol.ts';
import type { Locality, ServicePort } from '../../registry/types.ts';
import { applyLocalityLb, localityLbSetting } from '../endpoint/locality-lb.ts';
import type { ClusterDraft } from './cluster-draft.ts';
import { applyConnectionPool } from './connection-pool.ts';
import { applyLoadBalancer } from './load-balancer.ts';
import { applyOutlierDetection } from './outlier-detection.ts';

export interface TrafficPolicyContext {
  readonly mesh: MeshSettings;
  readonly port: ServicePort;
  readonly proxyLocality: Locality;
  /** With topology labels, for failoverPriority. */
  readonly proxyLabels: Readonly<Record<string, string>>;
  /** Labels of a DNS cluster's inline endpoints, aligned with its load_assignment. */
  readonly endpointLabels?: readonly (readonly Readonly<Record<string, string>>[])[];
}

export function applyOutboundTrafficPolicy(draft: ClusterDraft, policy: TrafficPolicy | undefined, ctx: TrafficPolicyContext): void {
  applyConnectionPool(draft, policy?.connectionPool, ctx.mesh);
  if (shouldH2Upgrade(ctx.port, ctx.mesh, policy?.connectionPool)) draft.upgradeToHttp2();
  applyOutlierDetection(draft, policy?.outlierDetection, ctx.mesh.sendUnhealthyEndpoints);
  applyClusterLocalityLb(draft, policy, ctx);
  applyLoadBalancer(draft, policy?.loadBalancer);
}

export function applyInboundTrafficPolicy(draft: ClusterDraft, pool: ConnectionPoolSettings | undefined, mesh: MeshSettings): void {
  applyConnectionPool(draft, pool, mesh);
  if (draft.cluster.type === 'ORIGINAL_DST') draft.cluster.lb_policy = 'CLUSTER_PROVIDED';
}

/** Istio's shouldH2Upgrade: the rule's h2UpgradePolicy wins; otherwise HTTP ports follow MeshConfig. */
function shouldH2Upgrade(port: ServicePort, mesh: MeshSettings, pool: ConnectionPoolSettings | undefined): boolean {
  const override = pool?.http?.h2UpgradePolicy;
  if (override === 'UPGRADE') return true;
  if (override === 'DO_NOT_UPGRADE') return false;
  return isHttpProtocol(port.protocol) && mesh.h2UpgradePolicy === 'UPGRADE';
}

/**
 * Istio's applyLocalityLoadBalancer on the cluster: locality-weighted LB
 * when weights are distributed, or when failover rules exist and outlier
 * detection makes failover possible; priorities on a DNS cluster's inline
 * load assignment (EDS clusters get them in EDS).
 */
function applyClusterLocalityLb(draft: ClusterDraft, policy: TrafficPolicy | undefined, ctx: TrafficPolicyContext): void {
  const setting = localityLbSetting(ctx.mesh, policy?.loadBalancer?.localityLbSetting);
  const enableFailover = draft.cluster.outlier_detection !== undefined;
  const hasFailoverRules = (setting?.failover?.length ?? 0) > 0 || (setting?.failoverPriority?.length ?? 0) > 0;
  if ((setting?.distribute?.length ?? 0) > 0 || (enableFailover && hasFailoverRules)) {
    draft.cluster.common_lb_config = { ...draft.cluster.common_lb_config, locality_weighted_lb_config: {} };
  }
  const la = draft.cluster.load_assignment;
  if (!la) return;
  const endpoints = applyLocalityLb(la.endpoints, { proxyLocality: ctx.proxyLocality, proxyLabels: ctx.proxyLabels, setting, enableFailover, endpointLabels: ctx.endpointLabels });
  draft.cluster.load_assignment = { ...la, endpoints };
}
