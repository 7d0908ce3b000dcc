/**
 * Envoy's access log filters (config.accesslog.v3.AccessLogFilter), the
 * ones Istio emits and the simple ones around them: response_flag_filter
 * (any flag, or one of `flags`), status_code_filter and duration_filter
 * (ComparisonFilter EQ/GE/LE against a runtime default_value),
 * not_health_check_filter, and_filter / or_filter. Compiled once per config.
 */
import type { FieldPath } from '@skiff/common';
import { RESPONSE_FLAGS } from '../filters/http/stream-info.ts';
import type { WireObject, WireReader } from '../http/route-table/wire-reader.ts';
import type { AccessLogContext } from './context.ts';

export type AccessLogFilter = (c: AccessLogContext) => boolean;

function comparison(r: WireReader, wire: WireObject, at: FieldPath): (v: number) => boolean {
  const cmp = r.object(wire, 'comparison', at) ?? {};
  const op = r.string(cmp, 'op', [...at, 'comparison']) ?? 'EQ';
  const rv = r.object(cmp, 'value', [...at, 'comparison']) ?? {};
  const value = r.number(rv, 'default_value', [...at, 'comparison', 'value']) ?? 0;
  if (op === 'GE') return (v) => v >= value;
  if (op === 'LE') return (v) => v <= value;
  if (op === 'EQ') return (v) => v === value;
  r.errors.add([...at, 'comparison', 'op'], 'value must be one of the defined enum values');
  return () => false;
}

export function parseAccessLogFilter(r: WireReader, wire: WireObject, at: FieldPath): AccessLogFilter {
  const rf = r.object(wire, 'response_flag_filter', at);
  if (rf) {
    const flags = r.strings(rf, 'flags', [...at, 'response_flag_filter']);
    flags.forEach((f, i) => {
      if (!(RESPONSE_FLAGS as readonly string[]).includes(f)) {
        r.errors.add([...at, 'response_flag_filter', 'flags', i], `value must be in list [${RESPONSE_FLAGS.join(' ')}]`);
      }
    });
    if (flags.length === 0) return (c) => c.responseFlags !== '-';
    const wanted = new Set(flags);
    return (c) => c.responseFlags !== '-' && c.responseFlags.split(',').some((f) => wanted.has(f));
  }
  const sc = r.object(wire, 'status_code_filter', at);
  if (sc) {
    const test = comparison(r, sc, [...at, 'status_code_filter']);
    return (c) => test(c.responseCode);
  }
  const df = r.object(wire, 'duration_filter', at);
  if (df) {
    const test = comparison(r, df, [...at, 'duration_filter']);
    return (c) => test(c.durationMs ?? 0);
  }
  if (r.object(wire, 'not_health_check_filter', at)) return () => true;
  for (const key of ['and_filter', 'or_filter'] as const) {
    const g = r.object(wire, key, at);
    if (!g) continue;
    const parts = r.objects(g, 'filters', [...at, key]).map((f, i) => parseAccessLogFilter(r, f, [...at, key, 'filters', i]));
    if (parts.length < 2) r.errors.add([...at, key, 'filters'], 'value must contain at least 2 item(s)');
    return key === 'and_filter' ? (c) => parts.every((p) => p(c)) : (c) => parts.some((p) => p(c));
  }
  r.errors.add(at, `unsupported access log filter: ${Object.keys(wire).join(', ') || 'filter_specifier is required'}`);
  return () => true;
}
