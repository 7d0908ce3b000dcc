/**
 * Istio's protocol selection (pkg/config/protocol and the Kubernetes
 * ConvertProtocol): a port's `appProtocol` wins, then the port-name prefix
 * before the first `-` (`http-web` → HTTP, `grpc-web…` → GRPC-Web), matched
 * case-insensitively. Anything else is Unsupported, which means the sidecar
 * sniffs the protocol.
 */
export type Protocol =
  | 'HTTP' | 'HTTP2' | 'HTTPS' | 'HTTP_PROXY' | 'GRPC' | 'GRPC-Web'
  | 'TCP' | 'TLS' | 'UDP' | 'Mongo' | 'Redis' | 'MySQL' | 'Unsupported';

const BY_NAME: Readonly<Record<string, Protocol>> = {
  http: 'HTTP', http2: 'HTTP2', https: 'HTTPS', http_proxy: 'HTTP_PROXY', grpc: 'GRPC', 'grpc-web': 'GRPC-Web',
  tcp: 'TCP', tls: 'TLS', udp: 'UDP', mongo: 'Mongo', redis: 'Redis', mysql: 'MySQL',
};

/** Istio's protocol.Parse: a protocol name, case-insensitive. */
export function parseProtocol(name: string | undefined): Protocol {
  return BY_NAME[(name ?? '').toLowerCase()] ?? 'Unsupported';
}

/** The protocol of a Kubernetes Service port (Istio's kube.ConvertProtocol). */
export function kubePortProtocol(port: { name?: string; protocol?: string; appProtocol?: string }): Protocol {
  if (port.protocol === 'UDP') return 'UDP';
  let name = port.name ?? '';
  if (port.appProtocol !== undefined && port.appProtocol !== '') {
    name = port.appProtocol;
    if (name === 'kubernetes.io/h2c') return 'HTTP2';
    if (name === 'kubernetes.io/ws') return 'HTTP';
    if (name === 'kubernetes.io/wss') return 'HTTPS';
  }
  if (name.toLowerCase().startsWith('grpc-web')) return 'GRPC-Web';
  const dash = name.indexOf('-');
  return parseProtocol(dash >= 0 ? name.slice(0, dash) : name);
}

/** HTTP/1.1 or HTTP/2 (HCM on the listener). */
export function isHttpProtocol(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
}

/** Needs HTTP/2 upstream. */
export function isHttp2Protocol(p: Protocol): boolean {
  return p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-Web';
}

/** Opaque TCP (tcp_proxy on the listener). */
export function isTcpProtocol(p: Protocol): boolean {
  return p === 'TCP' || p === 'HTTPS' || p === 'TLS' || p === 'Mongo' || p === 'Redis' || p === 'MySQL';
}
