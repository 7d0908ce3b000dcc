/**
 * envoy.extensions.filters.http.fault.v3.HTTPFault → FaultConfig (wire,
 * snake_case → validated, camelCase; pure). Used for the listener-level
 * config and for typed_per_filter_config on routes (same message).
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { ParseErrors, WireReader, type WireObject } from '../../../http/route-table/wire-reader.ts';

export interface FractionalPercentConfig {
  readonly numerator: number;
  readonly denominator: number;
}

export interface FaultConfig {
  readonly delay: { readonly fixedDelayMs: number; readonly percentage: FractionalPercentConfig } | undefined;
  readonly abort: { readonly httpStatus: number; readonly percentage: FractionalPercentConfig } | undefined;
  /** Envoy's default: unlimited. */
  readonly maxActiveFaults: number;
}

const DENOMINATORS: Readonly<Record<string, number>> = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000, 0: 100, 1: 10_000, 2: 1_000_000 };

function percentage(r: WireReader, parent: WireObject, at: FieldPath): FractionalPercentConfig {
  const p = r.object(parent, 'percentage', at);
  if (!p) return { numerator: 100, denominator: 100 };
  const denominator = DENOMINATORS[String(p.denominator ?? 'HUNDRED')];
  if (denominator === undefined) r.errors.add([...at, 'percentage', 'denominator'], 'value must be one of the defined enum values');
  const numerator = r.number(p, 'numerator', [...at, 'percentage']) ?? 0;
  // Envoy clamps numerator > denominator to 100%.
  return { numerator: Math.min(numerator, denominator ?? 100), denominator: denominator ?? 100 };
}

export function parseFaultConfig(wire: WireMessage, at: FieldPath): Result<FaultConfig> {
  const r = new WireReader(new ParseErrors());
  const d = r.object(wire, 'delay', at);
  let delay: FaultConfig['delay'];
  if (d) {
    const dAt = [...at, 'delay'];
    const fixed = r.durationMs(d, 'fixed_delay', dAt);
    if (fixed === undefined && !r.object(d, 'header_delay', dAt)) r.errors.add([...dAt, 'fault_delay_secifier'], 'value is required');
    if (r.object(d, 'header_delay', dAt)) r.errors.add([...dAt, 'header_delay'], 'header-controlled delays are not supported');
    delay = { fixedDelayMs: fixed ?? 0, percentage: percentage(r, d, dAt) };
  }
  const a = r.object(wire, 'abort', at);
  let abort: FaultConfig['abort'];
  if (a) {
    const aAt = [...at, 'abort'];
    const status = r.number(a, 'http_status', aAt);
    if (status === undefined) r.errors.add([...aAt, 'error_type'], a.grpc_status !== undefined || a.header_abort !== undefined ? 'only http_status aborts are supported' : 'value is required');
    else if (status < 200 || status >= 600) r.errors.add([...aAt, 'http_status'], 'value must be inside range [200, 600)');
    abort = { httpStatus: status ?? 503, percentage: percentage(r, a, aAt) };
  }
  const maxActiveFaults = r.wrapped(wire, 'max_active_faults', at, 'number') ?? Number.MAX_SAFE_INTEGER;
  return r.errors.list.length > 0 ? fail(...r.errors.list) : ok({ delay, abort, maxActiveFaults });
}
