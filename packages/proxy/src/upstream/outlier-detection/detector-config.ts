/**
 * Outlier detection settings (envoy.config.cluster.v3.OutlierDetection),
 * validated, with Envoy's defaults: 5 consecutive 5xx (enforced 100%), 5
 * consecutive gateway failures (enforced 0%), 10 s interval, 30 s base
 * ejection time, 10% max ejection, 300 s max ejection time.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { ParseErrors, WireReader } from '../../http/route-table/wire-reader.ts';

export interface OutlierDetectionConfig {
  readonly consecutive5xx: number;
  readonly consecutiveGatewayFailure: number;
  readonly intervalMs: number;
  readonly baseEjectionTimeMs: number;
  readonly maxEjectionTimeMs: number;
  readonly maxEjectionPercent: number;
  readonly enforcingConsecutive5xx: number;
  readonly enforcingConsecutiveGatewayFailure: number;
}

export function parseOutlierDetection(wire: WireMessage, at: FieldPath): Result<OutlierDetectionConfig> {
  const r = new WireReader(new ParseErrors());
  const percent = (key: string, def: number): number => {
    const v = r.wrapped(wire, key, at, 'number') ?? def;
    if (v > 100) r.errors.add([...at, key, 'value'], 'value must be less than or equal to 100');
    return v;
  };
  const intervalMs = r.durationMs(wire, 'interval', at) ?? 10_000;
  if (intervalMs <= 0) r.errors.add([...at, 'interval'], 'value must be greater than 0s');
  const baseEjectionTimeMs = r.durationMs(wire, 'base_ejection_time', at) ?? 30_000;
  if (baseEjectionTimeMs <= 0) r.errors.add([...at, 'base_ejection_time'], 'value must be greater than 0s');
  const config: OutlierDetectionConfig = {
    consecutive5xx: r.wrapped(wire, 'consecutive_5xx', at, 'number') ?? 5,
    consecutiveGatewayFailure: r.wrapped(wire, 'consecutive_gateway_failure', at, 'number') ?? 5,
    intervalMs,
    baseEjectionTimeMs,
    maxEjectionTimeMs: Math.max(r.durationMs(wire, 'max_ejection_time', at) ?? 300_000, baseEjectionTimeMs),
    maxEjectionPercent: percent('max_ejection_percent', 10),
    enforcingConsecutive5xx: percent('enforcing_consecutive_5xx', 100),
    enforcingConsecutiveGatewayFailure: percent('enforcing_consecutive_gateway_failure', 0),
  };
  return r.errors.list.length > 0 ? fail(...r.errors.list) : ok(config);
}
