/**
 * HTTPFaultInjection → envoy.filters.http.fault per-route config (Istio's
 * translateFault): fixed delays only (exponential delays are dropped, as
 * Istio does), aborts by HTTP status or gRPC status name; percentages in
 * parts per million, the deprecated integer `percent` in hundredths.
 */
import { TypeUrl, type HTTPFaultInjection } from '@skiff/api';
import { parseDurationMs } from '@skiff/common';
import { protoDuration } from '../cluster/wire.ts';
import { integerToFractional, percentToFractional } from './percent.ts';
import type { TypedConfigWire } from './wire.ts';

export const FAULT_FILTER_NAME = 'envoy.filters.http.fault';

/** gRPC status names Istio accepts (grpc.SupportedGRPCStatus). */
export const GRPC_STATUS: Readonly<Record<string, number>> = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
};

export function buildFaultConfig(fault: HTTPFaultInjection | undefined): TypedConfigWire | undefined {
  if (!fault) return undefined;
  let delay: Record<string, unknown> | undefined;
  if (fault.delay?.fixedDelay !== undefined) {
    const d = fault.delay;
    delay = {
      fixed_delay: protoDuration(parseDurationMs(d.fixedDelay!) ?? 0),
      percentage: d.percentage ? percentToFractional(d.percentage) : integerToFractional(d.percent ?? 0),
    };
  }
  let abort: Record<string, unknown> | undefined;
  const a = fault.abort;
  if (a && (a.httpStatus !== undefined || (a.grpcStatus !== undefined && a.grpcStatus in GRPC_STATUS))) {
    abort = {
      ...(a.httpStatus !== undefined ? { http_status: a.httpStatus } : { grpc_status: GRPC_STATUS[a.grpcStatus!] }),
      ...(a.percentage ? { percentage: percentToFractional(a.percentage) } : {}),
    };
  }
  if (!delay && !abort) return undefined;
  return { '@type': TypeUrl.HttpFault, ...(delay ? { delay } : {}), ...(abort ? { abort } : {}) };
}
