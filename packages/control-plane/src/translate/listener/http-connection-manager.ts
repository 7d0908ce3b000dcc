/**
 * envoy.filters.network.http_connection_manager as Istio configures it
 * (ListenerBuilder.buildHTTPConnectionManager with GetProxyHeaders'
 * defaults): codec AUTO, `server_name: istio-envoy`, x-request-id
 * generation, websocket upgrades, path normalization for Istio's default
 * `pathNormalization: BASE` (normalize_path on, escaped slashes kept), no
 * stream idle timeout, and either RDS over ADS or an inline route
 * configuration. `use_remote_address` is false on sidecars and true on
 * gateways. Access logs are left to the observability issue.
 */
import { TypeUrl } from '@skiff/api';
import { buildHttpFilters, type ListenerClass } from './http-filters.ts';
import { ENVOY_SERVER_NAME, HTTP_CONNECTION_MANAGER, STAT_PREFIX_DELIMITER } from './well-known.ts';
import type { NetworkFilterWire } from './wire.ts';

export interface HcmOptions {
  readonly listenerClass: ListenerClass;
  /** Without Istio's `;` delimiter; it is appended here. */
  readonly statPrefix: string;
  /** RDS route configuration name. */
  readonly rds?: string;
  /** Inline route configuration (inbound chains). */
  readonly routeConfig?: Record<string, unknown>;
  /** The port speaks HTTP/2 only (gRPC, h2c): inbound chains set http2_protocol_options. */
  readonly http2?: boolean;
}

const ZERO = { seconds: '0' } as const;

/** The HCM typed_config, unpacked. */
export function buildHttpConnectionManagerConfig(o: HcmOptions): Record<string, unknown> {
  const hcm: Record<string, unknown> = {
    '@type': TypeUrl.HttpConnectionManager,
    stat_prefix: `${o.statPrefix}${STAT_PREFIX_DELIMITER}`,
    codec_type: 'AUTO',
  };
  if (o.rds !== undefined) {
    hcm.rds = { route_config_name: o.rds, config_source: { ads: {}, initial_fetch_timeout: ZERO, resource_api_version: 'V3' } };
  } else if (o.routeConfig) {
    hcm.route_config = o.routeConfig;
  }
  hcm.http_filters = buildHttpFilters(o.listenerClass);
  hcm.use_remote_address = { value: o.listenerClass === 'gateway' };
  hcm.generate_request_id = { value: true };
  hcm.server_name = ENVOY_SERVER_NAME;
  hcm.upgrade_configs = [{ upgrade_type: 'websocket' }];
  hcm.normalize_path = { value: true };
  hcm.path_with_escaped_slashes_action = 'KEEP_UNCHANGED';
  hcm.stream_idle_timeout = ZERO;
  switch (o.listenerClass) {
    case 'gateway':
      hcm.http_protocol_options = {};
      hcm.forward_client_cert_details = 'SANITIZE_SET';
      hcm.set_current_client_cert_details = { subject: { value: true }, cert: true, dns: true, uri: true };
      break;
    case 'sidecar-inbound':
      hcm.forward_client_cert_details = 'APPEND_FORWARD';
      hcm.set_current_client_cert_details = { subject: { value: true }, dns: true, uri: true };
      if (o.http2) hcm.http2_protocol_options = {};
      break;
    case 'sidecar-outbound':
      break;
  }
  return hcm;
}

export function buildHttpConnectionManager(o: HcmOptions): NetworkFilterWire {
  return { name: HTTP_CONNECTION_MANAGER, typed_config: buildHttpConnectionManagerConfig(o) as NetworkFilterWire['typed_config'] };
}
