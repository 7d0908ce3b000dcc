/**
 * Outlier detection settings (envoy.config.cluster.v3.OutlierDetection),
 * validated, with Envoy's defaults: 5 consecutive 5xx (enforced 100%), 5
 * consecutive gateway failures (enforced 0%), 5 consecutive local-origin
 * failures (enforced 100%, counted apart only with
 * split_external_local_origin_errors), success rate over hosts with ≥ 100
 * requests in an interval when ≥ 5 such hosts exist, threshold mean −
 * 1.9 × stdev (enforced 100%), failure percentage ≥ 85% over hosts with ≥ 50
 * requests when ≥ 5 exist (enforced 0%), 10 s interval, 30 s base ejection
 * time, 10% max ejection, 300 s max ejection time.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { ParseErrors, WireReader } from '../../http/route-table/wire-reader.ts';

export interface OutlierDetectionConfig {
  readonly consecutive5xx: number;
  readonly consecutiveGatewayFailure: number;
  readonly consecutiveLocalOriginFailure: number;
  readonly splitExternalLocalOriginErrors: boolean;
  readonly intervalMs: number;
  readonly baseEjectionTimeMs: number;
  readonly maxEjectionTimeMs: number;
  readonly maxEjectionTimeJitterMs: number;
  readonly maxEjectionPercent: number;
  readonly enforcingConsecutive5xx: number;
  readonly enforcingConsecutiveGatewayFailure: number;
  readonly enforcingConsecutiveLocalOriginFailure: number;
  readonly successRateMinimumHosts: number;
  readonly successRateRequestVolume: number;
  /** success_rate_stdev_factor / 1000 (Envoy's default 1900 → 1.9). */
  readonly successRateStdevFactor: number;
  readonly enforcingSuccessRate: number;
  readonly enforcingLocalOriginSuccessRate: number;
  readonly failurePercentageThreshold: number;
  readonly failurePercentageMinimumHosts: number;
  readonly failurePercentageRequestVolume: number;
  readonly enforcingFailurePercentage: number;
  readonly enforcingFailurePercentageLocalOrigin: number;
  /** An ejected host that passes an active health check comes back at once (Envoy's default true). */
  readonly successfulActiveHealthCheckUnejectHost: boolean;
}

export function parseOutlierDetection(wire: WireMessage, at: FieldPath): Result<OutlierDetectionConfig> {
  const r = new WireReader(new ParseErrors());
  const percent = (key: string, def: number): number => {
    const v = r.wrapped(wire, key, at, 'number') ?? def;
    if (v > 100) r.errors.add([...at, key, 'value'], 'value must be less than or equal to 100');
    return v;
  };
  const count = (key: string, def: number): number => r.wrapped(wire, key, at, 'number') ?? def;
  const intervalMs = r.durationMs(wire, 'interval', at) ?? 10_000;
  if (intervalMs <= 0) r.errors.add([...at, 'interval'], 'value must be greater than 0s');
  const baseEjectionTimeMs = r.durationMs(wire, 'base_ejection_time', at) ?? 30_000;
  if (baseEjectionTimeMs <= 0) r.errors.add([...at, 'base_ejection_time'], 'value must be greater than 0s');
  const explicitMax = r.durationMs(wire, 'max_ejection_time', at);
  // Envoy's DetectorImpl::create wording.
  if (explicitMax !== undefined && explicitMax < baseEjectionTimeMs) r.errors.add([...at, 'max_ejection_time'], "outlier detector's max_ejection_time cannot be smaller than base_ejection_time");
  const config: OutlierDetectionConfig = {
    consecutive5xx: count('consecutive_5xx', 5),
    consecutiveGatewayFailure: count('consecutive_gateway_failure', 5),
    consecutiveLocalOriginFailure: count('consecutive_local_origin_failure', 5),
    splitExternalLocalOriginErrors: r.bool(wire, 'split_external_local_origin_errors', at) ?? false,
    intervalMs,
    baseEjectionTimeMs,
    maxEjectionTimeMs: Math.max(explicitMax ?? 300_000, baseEjectionTimeMs),
    maxEjectionTimeJitterMs: r.durationMs(wire, 'max_ejection_time_jitter', at) ?? 0,
    maxEjectionPercent: percent('max_ejection_percent', 10),
    enforcingConsecutive5xx: percent('enforcing_consecutive_5xx', 100),
    enforcingConsecutiveGatewayFailure: percent('enforcing_consecutive_gateway_failure', 0),
    enforcingConsecutiveLocalOriginFailure: percent('enforcing_consecutive_local_origin_failure', 100),
    successRateMinimumHosts: count('success_rate_minimum_hosts', 5),
    successRateRequestVolume: count('success_rate_request_volume', 100),
    successRateStdevFactor: count('success_rate_stdev_factor', 1900) / 1000,
    enforcingSuccessRate: percent('enforcing_success_rate', 100),
    enforcingLocalOriginSuccessRate: percent('enforcing_local_origin_success_rate', 100),
    failurePercentageThreshold: percent('failure_percentage_threshold', 85),
    failurePercentageMinimumHosts: count('failure_percentage_minimum_hosts', 5),
    failurePercentageRequestVolume: count('failure_percentage_request_volume', 50),
    enforcingFailurePercentage: percent('enforcing_failure_percentage', 0),
    enforcingFailurePercentageLocalOrigin: percent('enforcing_failure_percentage_local_origin', 0),
    successfulActiveHealthCheckUnejectHost: r.wrapped(wire, 'successful_active_health_check_uneject_host', at, 'boolean') ?? true,
  };
  return r.errors.list.length > 0 ? fail(...r.errors.list) : ok(config);
}
