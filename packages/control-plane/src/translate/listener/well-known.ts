/**
 * Envoy's canonical extension names and the fixed filter chain names Istio
 * gives its catch-all chains (pilot/pkg/model VirtualOutbound*,
 * VirtualInbound*, util.PassthroughFilterChain), so that `proxy-config
 * listener` reads like Istio's.
 */
export const HTTP_CONNECTION_MANAGER = 'envoy.filters.network.http_connection_manager';
export const TCP_PROXY = 'envoy.filters.network.tcp_proxy';
export const TLS_INSPECTOR = 'envoy.filters.listener.tls_inspector';
export const HTTP_INSPECTOR = 'envoy.filters.listener.http_inspector';
export const ORIGINAL_DST = 'envoy.filters.listener.original_dst';
export const TRANSPORT_SOCKET_TLS = 'envoy.transport_sockets.tls';

export const HTTP_FAULT = 'envoy.filters.http.fault';
export const HTTP_CORS = 'envoy.filters.http.cors';
export const HTTP_ROUTER = 'envoy.filters.http.router';

/** filter_chain_match.transport_protocol values the TLS inspector sets. */
export const RAW_BUFFER = 'raw_buffer';
export const TLS = 'tls';
/** ALPNs the HTTP inspector reports for plaintext HTTP (Istio's plaintextHTTPALPNs). */
export const PLAINTEXT_HTTP_ALPNS: readonly string[] = ['http/1.1', 'h2c'];

/** Istio's ports for traffic capture (mesh proxyListenPort / proxyInboundListenPort). */
export const OUTBOUND_CAPTURE_PORT = 15001;
export const INBOUND_CAPTURE_PORT = 15006;

/** Istio's wildcard bind address (IPv4). */
export const WILDCARD_ADDRESS = '0.0.0.0';

/** Istio's `server_name` for HCMs (ProxyHeaders default). */
export const ENVOY_SERVER_NAME = 'istio-envoy';

/** Istio's StatPrefixDelimiter, appended to HCM stat prefixes. */
export const STAT_PREFIX_DELIMITER = ';';
