/**
 * The HttpConnectionManager settings the network filter owns (the xDS
 * parser already validated the route specifier and filter list): Envoy's
 * defaults, `server_name` (Istio sets `istio-envoy`), use_remote_address,
 * x-request-id generation and preservation, XFF handling, and the limits and
 * timeouts that protect the proxy from slow or hostile clients:
 * max_request_headers_kb (60 KiB) and max_headers_count (100) → 431,
 * request_headers_timeout and request_timeout (off) → 408, stream_idle_timeout
 * (5 min) → 408 `stream timeout`, idle_timeout (1 h) closes the connection.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { FieldPath } from '@skiff/common';
import type { CodecLimits } from '../../../http/codec/types.ts';
import { ParseErrors, WireReader } from '../../../http/route-table/wire-reader.ts';

export interface HcmSettings {
  readonly serverName: string;
  readonly useRemoteAddress: boolean;
  readonly generateRequestId: boolean;
  readonly preserveExternalRequestId: boolean;
  readonly skipXffAppend: boolean;
  /** common_http_protocol_options.idle_timeout; Envoy's default 1 h. */
  readonly idleTimeoutMs: number;
  /** request_headers_timeout; 0 (Envoy's default) disables. */
  readonly requestHeadersTimeoutMs: number;
  /** request_timeout; 0 (Envoy's default) disables. */
  readonly requestTimeoutMs: number;
  /** stream_idle_timeout; Envoy's default 5 min, 0 disables. */
  readonly streamIdleTimeoutMs: number;
  /** max_request_headers_kb (default 60, at most 8192) and common_http_protocol_options.max_headers_count (default 100). */
  readonly limits: CodecLimits;
}

export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;

/** LDS validation of the limits (protoc-gen-validate wording), so a bad value NACKs instead of being clamped. */
export function validateHcmLimits(r: WireReader, wire: WireMessage, at: FieldPath): void {
  const kb = r.wrapped(wire, 'max_request_headers_kb', at, 'number');
  if (kb !== undefined && (kb <= 0 || kb > 8192)) r.errors.add([...at, 'max_request_headers_kb', 'value'], 'value must be inside range (0, 8192]');
  const common = r.object(wire, 'common_http_protocol_options', at);
  const count = common ? r.wrapped(common, 'max_headers_count', [...at, 'common_http_protocol_options'], 'number') : undefined;
  if (count !== undefined && count < 1) r.errors.add([...at, 'common_http_protocol_options', 'max_headers_count', 'value'], 'value must be greater than or equal to 1');
}

export function parseHcmSettings(wire: WireMessage): HcmSettings {
  const r = new WireReader(new ParseErrors());
  const common = r.object(wire, 'common_http_protocol_options', []);
  return {
    serverName: r.string(wire, 'server_name', []) || 'envoy',
    useRemoteAddress: r.wrapped(wire, 'use_remote_address', [], 'boolean') ?? false,
    generateRequestId: r.wrapped(wire, 'generate_request_id', [], 'boolean') ?? true,
    preserveExternalRequestId: r.bool(wire, 'preserve_external_request_id', []) ?? false,
    skipXffAppend: r.bool(wire, 'skip_xff_append', []) ?? false,
    idleTimeoutMs: (common ? r.durationMs(common, 'idle_timeout', ['common_http_protocol_options']) : undefined) ?? 3_600_000,
    requestHeadersTimeoutMs: r.durationMs(wire, 'request_headers_timeout', []) ?? 0,
    requestTimeoutMs: r.durationMs(wire, 'request_timeout', []) ?? 0,
    streamIdleTimeoutMs: r.durationMs(wire, 'stream_idle_timeout', []) ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    limits: {
      maxHeadersBytes: Math.min(8192, Math.max(1, r.wrapped(wire, 'max_request_headers_kb', [], 'number') ?? 60)) * 1024,
      maxHeadersCount: Math.max(1, (common ? r.wrapped(common, 'max_headers_count', ['common_http_protocol_options'], 'number') : undefined) ?? 100),
    },
  };
}
