/**
 * Which DestinationRule traffic policy applies to one cluster, as Istio
 * computes it (networking/util GetPortLevelTrafficPolicy and
 * MergeSubsetTrafficPolicy): a `portLevelSettings` entry for the port
 * overrides the top level component by component; a subset's policy
 * (itself port-level resolved) overrides the result component by
 * component, and wholesale when the subset has a port-level entry.
 */
import type { TrafficPolicy } from '@skiff/api';

export function portLevelTrafficPolicy(policy: TrafficPolicy | undefined, port: number | undefined): { policy: TrafficPolicy | undefined; hasPortLevel: boolean } {
  if (!policy || port === undefined) return { policy, hasPortLevel: false };
  const p = policy.portLevelSettings?.find((s) => s.port?.number === port);
  if (!p) return { policy, hasPortLevel: false };
  const merged: TrafficPolicy = { ...policy };
  if (p.connectionPool) merged.connectionPool = p.connectionPool;
  if (p.outlierDetection) merged.outlierDetection = p.outlierDetection;
  if (p.loadBalancer) merged.loadBalancer = p.loadBalancer;
  if (p.tls) merged.tls = p.tls;
  return { policy: merged, hasPortLevel: true };
}

export function subsetTrafficPolicy(top: TrafficPolicy | undefined, subset: TrafficPolicy | undefined, port: number | undefined): TrafficPolicy | undefined {
  const original = portLevelTrafficPolicy(top, port).policy;
  if (!subset) return original;
  const { policy: sub, hasPortLevel } = portLevelTrafficPolicy(subset, port);
  if (!original) return sub;
  const merged: TrafficPolicy = { ...original };
  if (sub?.connectionPool || hasPortLevel) merged.connectionPool = sub?.connectionPool;
  if (sub?.outlierDetection || hasPortLevel) merged.outlierDetection = sub?.outlierDetection;
  if (sub?.loadBalancer || hasPortLevel) merged.loadBalancer = sub?.loadBalancer;
  if (sub?.tls || hasPortLevel) merged.tls = sub?.tls;
  if (sub?.tunnel) merged.tunnel = sub.tunnel;
  if (sub?.proxyProtocol) merged.proxyProtocol = sub.proxyProtocol;
  return merged;
}
