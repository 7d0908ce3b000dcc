/**
 * DestinationRule outlierDetection → Envoy outlier_detection (Istio's
 * applyOutlierDetection). Success-rate ejection is always off
 * (enforcing_success_rate 0). A consecutive5xxErrors or
 * consecutiveGatewayErrors that is set is enforced at 100% (0 disables it);
 * interval, baseEjectionTime and a positive maxEjectionPercent are copied;
 * unset fields keep Envoy's defaults (5 consecutive 5xx, 10s, 30s, 10%).
 * The panic threshold becomes minHealthPercent (0 by default: Istio turns
 * Envoy's 50% panic mode off), and 0 whenever not-ready endpoints are sent.
 *
 * `consecutiveErrors` (deprecated) keeps the meaning Istio gave it before
 * its removal: that many consecutive gateway errors (502/503/504) eject,
 * enforced at 100%, with 5xx ejection disabled. It only applies when
 * neither newer field is set.
 */
import type { OutlierDetection } from '@skiff/api';
import { parseDurationMs } from '@skiff/common';
import type { ClusterDraft } from './cluster-draft.ts';
import { protoDuration, type OutlierDetectionWire } from './wire.ts';

export function applyOutlierDetection(draft: ClusterDraft, outlier: OutlierDetection | undefined, sendUnhealthyEndpoints: boolean): void {
  if (!outlier) return;
  const out: OutlierDetectionWire = { enforcing_success_rate: { value: 0 } };
  const enforced = (v: number) => ({ value: v > 0 ? 100 : 0 });
  if (outlier.consecutive5xxErrors !== undefined) {
    out.consecutive_5xx = { value: outlier.consecutive5xxErrors };
    out.enforcing_consecutive_5xx = enforced(outlier.consecutive5xxErrors);
  }
  if (outlier.consecutiveGatewayErrors !== undefined) {
    out.consecutive_gateway_failure = { value: outlier.consecutiveGatewayErrors };
    out.enforcing_consecutive_gateway_failure = enforced(outlier.consecutiveGatewayErrors);
  }
  const legacy = outlier.consecutiveErrors ?? 0;
  if (legacy > 0 && outlier.consecutive5xxErrors === undefined && outlier.consecutiveGatewayErrors === undefined) {
    out.consecutive_gateway_failure = { value: legacy };
    out.enforcing_consecutive_gateway_failure = { value: 100 };
    out.enforcing_consecutive_5xx = { value: 0 };
  }
  if (outlier.interval !== undefined) out.interval = protoDuration(parseDurationMs(outlier.interval) ?? 0);
  if (outlier.baseEjectionTime !== undefined) out.base_ejection_time = protoDuration(parseDurationMs(outlier.baseEjectionTime) ?? 0);
  if ((outlier.maxEjectionPercent ?? 0) > 0) out.max_ejection_percent = { value: outlier.maxEjectionPercent! };
  if (outlier.splitExternalLocalOriginErrors) {
    out.split_external_local_origin_errors = true;
    if ((outlier.consecutiveLocalOriginFailures ?? 0) > 0) {
      out.consecutive_local_origin_failure = { value: outlier.consecutiveLocalOriginFailures! };
      out.enforcing_consecutive_local_origin_failure = { value: 100 };
    }
    out.enforcing_local_origin_success_rate = { value: 0 };
  }
  draft.cluster.outlier_detection = out;
  const minHealthPercent = outlier.minHealthPercent ?? 0;
  if (minHealthPercent >= 0) {
    draft.cluster.common_lb_config = { ...draft.cluster.common_lb_config, healthy_panic_threshold: { value: sendUnhealthyEndpoints ? 0 : minHealthPercent } };
  }
}
