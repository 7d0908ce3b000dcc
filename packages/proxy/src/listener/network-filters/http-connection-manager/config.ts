/**
 * The HttpConnectionManager settings the network filter owns (the xDS
 * parser already validated the route specifier and filter list): Envoy's
 * defaults, `server_name` (Istio sets `istio-envoy`), use_remote_address,
 * x-request-id generation and preservation, XFF handling.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
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
  };
}
