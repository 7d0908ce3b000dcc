/**
 * What Istio's telemetry adds to the listeners it generates, with the
 * default Telemetry (Prometheus metrics) and MeshConfig access logging:
 * - `istio.metadata_exchange` (first) and `istio.stats` (before the router)
 *   in every HCM, configured per listener class as Istio's pilot does
 *   (inbound discovers the downstream peer and answers with its own
 *   metadata; outbound and gateways the reverse; inbound and gateway stats
 *   disable the Host-header fallback: PluginConfig `MAE=` on the wire);
 * - `istio.stats` before every tcp_proxy;
 * - when MeshConfig accessLogFile is set, an `envoy.access_loggers.file`
 *   access_log on every HCM and tcp_proxy (FileAccessLogFromMeshConfig):
 *   accessLogEncoding TEXT with accessLogFormat or Istio's default format,
 *   JSON with accessLogFormat parsed as the label map or Istio's default.
 * `withTelemetry` returns a changed copy: built listeners are frozen and shared.
 */
import { TypeUrl } from '@skiff/api';
import { jsonToStruct, type JsonValue } from '@skiff/api/envoy/struct.ts';
import type { MeshSettings } from '../../registry/mesh-settings.ts';
import type { ListenerClass } from './http-filters.ts';
import { HTTP_CONNECTION_MANAGER, TCP_PROXY } from './well-known.ts';
import type { ListenerWire, NetworkFilterWire } from './wire.ts';

export const ISTIO_METADATA_EXCHANGE = 'istio.metadata_exchange';
export const ISTIO_STATS = 'istio.stats';
export const FILE_ACCESS_LOG = 'envoy.access_loggers.file';

/** pilot/pkg/model/telemetry_logging.go EnvoyTextLogFormat. */
export const ISTIO_TEXT_LOG_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% ' +
  '%RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% ' +
  '%DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" ' +
  '%UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

/** EnvoyJSONLogFormatIstio. */
export const ISTIO_JSON_LOG_FORMAT: Readonly<Record<string, string>> = {
  start_time: '%START_TIME%',
  route_name: '%ROUTE_NAME%',
  method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  response_code: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  response_code_details: '%RESPONSE_CODE_DETAILS%',
  connection_termination_details: '%CONNECTION_TERMINATION_DETAILS%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  duration: '%DURATION%',
  upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
  x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
  user_agent: '%REQ(USER-AGENT)%',
  request_id: '%REQ(X-REQUEST-ID)%',
  authority: '%REQ(:AUTHORITY)%',
  upstream_host: '%UPSTREAM_HOST%',
  upstream_cluster: '%UPSTREAM_CLUSTER%',
  upstream_local_address: '%UPSTREAM_LOCAL_ADDRESS%',
  downstream_local_address: '%DOWNSTREAM_LOCAL_ADDRESS%',
  downstream_remote_address: '%DOWNSTREAM_REMOTE_ADDRESS%',
  requested_server_name: '%REQUESTED_SERVER_NAME%',
  upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
};

/** Istio's HTTP metadata exchange filter for a listener class. */
export function metadataExchangeFilter(listenerClass: ListenerClass): NetworkFilterWire {
  const headers = [{ istio_headers: {} }, { workload_discovery: {} }];
  const propagate = [{ istio_headers: {} }];
  const config = listenerClass === 'sidecar-inbound'
    ? { downstream_discovery: headers, downstream_propagation: propagate }
    : { upstream_discovery: headers, upstream_propagation: propagate };
  return { name: ISTIO_METADATA_EXCHANGE, typed_config: { '@type': TypeUrl.IstioPeerMetadata, ...config } };
}

/** Istio's stats filter (HTTP or network) for a listener class. */
export function statsFilter(listenerClass: ListenerClass): NetworkFilterWire {
  return { name: ISTIO_STATS, typed_config: { '@type': TypeUrl.IstioStats, ...(listenerClass === 'sidecar-outbound' ? {} : { disable_host_header_fallback: true }) } };
}

/** FileAccessLogFromMeshConfig; undefined when accessLogFile is empty. */
export function buildMeshAccessLog(mesh: Pick<MeshSettings, 'accessLogFile' | 'accessLogEncoding' | 'accessLogFormat'>): Record<string, unknown> | undefined {
  if (mesh.accessLogFile === '') return undefined;
  let logFormat: Record<string, unknown>;
  if (mesh.accessLogEncoding === 'JSON') {
    let labels: Record<string, JsonValue> = { ...ISTIO_JSON_LOG_FORMAT };
    if (mesh.accessLogFormat !== '') {
      try {
        const parsed: unknown = JSON.parse(mesh.accessLogFormat);
        // Istio: an unparsable format falls back to the default (and is logged by istiod).
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) labels = parsed as Record<string, JsonValue>;
      } catch {
        labels = { ...ISTIO_JSON_LOG_FORMAT };
      }
    }
    logFormat = { json_format: jsonToStruct(labels) };
  } else {
    // "Istio will insert a newline ('\n') on all formats (if missing)."
    const text = mesh.accessLogFormat === '' ? ISTIO_TEXT_LOG_FORMAT : mesh.accessLogFormat.endsWith('\n') ? mesh.accessLogFormat : `${mesh.accessLogFormat}\n`;
    logFormat = { text_format_source: { inline_string: text } };
  }
  return { name: FILE_ACCESS_LOG, typed_config: { '@type': TypeUrl.FileAccessLog, path: mesh.accessLogFile, log_format: logFormat } };
}

function classOf(listener: ListenerWire, isGateway: boolean): ListenerClass {
  if (isGateway) return 'gateway';
  return (listener as { traffic_direction?: string }).traffic_direction === 'INBOUND' ? 'sidecar-inbound' : 'sidecar-outbound';
}

type ChainWire = { filters: NetworkFilterWire[] };

/**
 * A copy of the listener with the mesh access log on every HCM and tcp_proxy
 * and istio.stats before every tcp_proxy (built listeners are frozen and
 * shared, so this never edits its input).
 */
export function withTelemetry(listener: ListenerWire, mesh: MeshSettings, isGateway: boolean): ListenerWire {
  const accessLog = buildMeshAccessLog(mesh);
  const listenerClass = classOf(listener, isGateway);
  const copy = structuredClone(listener) as unknown as { filter_chains?: ChainWire[]; default_filter_chain?: ChainWire };
  const chains = [...(copy.filter_chains ?? []), ...(copy.default_filter_chain ? [copy.default_filter_chain] : [])];
  for (const chain of chains) {
    const filters: NetworkFilterWire[] = [];
    for (const f of chain.filters) {
      if (f.name === HTTP_CONNECTION_MANAGER || f.name === TCP_PROXY) {
        const typed = f.typed_config as Record<string, unknown>;
        if (accessLog !== undefined) typed.access_log = [accessLog];
        else delete typed.access_log;
        if (f.name === TCP_PROXY && filters[filters.length - 1]?.name !== ISTIO_STATS) filters.push(statsFilter(listenerClass));
      }
      filters.push(f);
    }
    chain.filters = filters;
  }
  return copy as unknown as ListenerWire;
}
