/**
 * DestinationRule loadBalancer → lb_policy (Istio's applyLoadBalancer).
 * Unset or UNSPECIFIED is LEAST_REQUEST (Istio's default since 1.14),
 * LEAST_CONN is LEAST_REQUEST, ROUND_ROBIN and RANDOM map directly,
 * PASSTHROUGH turns the cluster into ORIGINAL_DST. consistentHash picks
 * MAGLEV (with table_size when set) or RING_HASH (with minimum_ring_size
 * when set; 1024 for the deprecated top-level field's default). Warm-up
 * becomes slow_start_config on ROUND_ROBIN and LEAST_REQUEST. ORIGINAL_DST
 * clusters always use CLUSTER_PROVIDED. The hash key itself belongs to
 * routes: see hash-policy.ts.
 */
import type { LoadBalancerSettings } from '@skiff/api';
import { parseDurationMs } from '@skiff/common';
import type { ClusterDraft } from './cluster-draft.ts';
import { protoDuration, type SlowStartWire } from './wire.ts';

export function applyLoadBalancer(draft: ClusterDraft, lb: LoadBalancerSettings | undefined): void {
  const c = draft.cluster;
  if (c.type === 'ORIGINAL_DST') {
    c.lb_policy = 'CLUSTER_PROVIDED';
    return;
  }
  switch (lb?.simple) {
    case 'RANDOM':
      c.lb_policy = 'RANDOM';
      break;
    case 'ROUND_ROBIN':
      c.lb_policy = 'ROUND_ROBIN';
      applySlowStart(draft, lb);
      break;
    case 'PASSTHROUGH':
      c.lb_policy = 'CLUSTER_PROVIDED';
      c.type = 'ORIGINAL_DST';
      delete c.load_assignment;
      delete c.dns_lookup_family;
      delete c.dns_refresh_rate;
      delete c.respect_dns_ttl;
      break;
    default: // LEAST_CONN, LEAST_REQUEST, UNSPECIFIED, unset
      c.lb_policy = 'LEAST_REQUEST';
      applySlowStart(draft, lb);
  }
  applyConsistentHash(draft, lb);
}

function applySlowStart(draft: ClusterDraft, lb: LoadBalancerSettings | undefined): void {
  const window = lb?.warmup?.duration ?? lb?.warmupDurationSecs;
  if (window === undefined) return;
  const slow: SlowStartWire = { slow_start_window: protoDuration(parseDurationMs(window) ?? 0) };
  if (lb?.warmup?.aggression !== undefined) slow.aggression = { default_value: lb.warmup.aggression, runtime_key: '' };
  if (lb?.warmup?.minimumPercent !== undefined) slow.min_weight_percent = { value: lb.warmup.minimumPercent };
  if (draft.cluster.lb_policy === 'ROUND_ROBIN') draft.cluster.round_robin_lb_config = { slow_start_config: slow };
  else draft.cluster.least_request_lb_config = { slow_start_config: slow };
}

function applyConsistentHash(draft: ClusterDraft, lb: LoadBalancerSettings | undefined): void {
  const hash = lb?.consistentHash;
  if (!hash) return;
  const c = draft.cluster;
  delete c.round_robin_lb_config;
  delete c.least_request_lb_config;
  if (hash.maglev) {
    c.lb_policy = 'MAGLEV';
    if (hash.maglev.tableSize) c.maglev_lb_config = { table_size: { value: String(hash.maglev.tableSize) } };
  } else if (hash.ringHash) {
    c.lb_policy = 'RING_HASH';
    if (hash.ringHash.minimumRingSize) c.ring_hash_lb_config = { minimum_ring_size: { value: String(hash.ringHash.minimumRingSize) } };
  } else {
    c.lb_policy = 'RING_HASH';
    c.ring_hash_lb_config = { minimum_ring_size: { value: String(hash.minimumRingSize || 1024) } };
  }
}
