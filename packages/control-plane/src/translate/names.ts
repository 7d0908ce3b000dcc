/**
 * Every name translation generates, exactly as Istio generates it, so that
 * `proxy-config` output reads like Istio's. Nothing else in the control
 * plane spells these formats (STYLE.md §5).
 *
 *   clusters        outbound|80|v1|reviews.default.svc.cluster.local   inbound|9080||
 *                   PassthroughCluster  BlackHoleCluster  InboundPassthroughCluster
 *   SNI             outbound_.80_.v1_.reviews.default.svc.cluster.local
 *   listeners       0.0.0.0_80  10.0.0.1_9080  virtualOutbound  virtualInbound
 *   route configs   80 (sidecar outbound)  reviews.default.svc.cluster.local:8000 (sniffed port with a VIP)
 *                   http.8080 (gateway HTTP)  https.443.https.gw.ns (gateway HTTPS)  http.8080.10.0.0.1 (bind)
 *   virtual hosts   reviews.default.svc.cluster.local:9080  allow_any  block_all
 */

export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';
export const INBOUND_PASSTHROUGH_CLUSTER = 'InboundPassthroughCluster';
export const VIRTUAL_OUTBOUND_LISTENER = 'virtualOutbound';
export const VIRTUAL_INBOUND_LISTENER = 'virtualInbound';
/** Virtual host sending unknown hosts to PassthroughCluster (ALLOW_ANY). */
export const ALLOW_ANY_VIRTUAL_HOST = 'allow_any';
/** Virtual host answering unknown hosts with 502 (REGISTRY_ONLY). */
export const BLOCK_ALL_VIRTUAL_HOST = 'block_all';

/** Filter chain names Istio gives the capture listeners' fixed chains. */
export const VIRTUAL_OUTBOUND_BLACKHOLE_CHAIN = 'virtualOutbound-blackhole';
export const VIRTUAL_OUTBOUND_CATCH_ALL_TCP_CHAIN = 'virtualOutbound-catchall-tcp';
export const VIRTUAL_INBOUND_BLACKHOLE_CHAIN = 'virtualInbound-blackhole';
export const VIRTUAL_INBOUND_CATCH_ALL_HTTP_CHAIN = 'virtualInbound-catchall-http';
export const PASSTHROUGH_FILTER_CHAIN = 'PassthroughFilterChain';

/** The virtual host of an inbound HTTP chain's inline route: `inbound|http|9080`. */
export function inboundVirtualHostName(port: number): string {
  return `inbound|http|${port}`;
}

/** SDS resource names for certificates: the workload's own (`default`), a credential (`kubernetes://api-cert`), files. */
export const WORKLOAD_CERTIFICATE_SDS_NAME = 'default';
export const ROOT_CA_SDS_NAME = 'ROOTCA';
export function credentialSdsName(credentialName: string): string {
  return `kubernetes://${credentialName}`;
}
export function fileCertificateSdsName(certificate: string, privateKey: string): string {
  return `file-cert:${certificate}~${privateKey}`;
}
/** The CA bundle of a credential (Istio's SdsCaSuffix): `kubernetes://api-cert-cacert`. */
export function credentialCaSdsName(credentialName: string): string {
  return `${credentialSdsName(credentialName)}-cacert`;
}
/** A CA bundle file (Istio's SdsCertificateConfig root resource): `file-root:/etc/certs/ca.pem`; `file-root:system` is the system trust store. */
export function fileRootSdsName(caCertificates: string): string {
  return `file-root:${caCertificates}`;
}

/** Auto-mTLS transport_socket_matches entries: mTLS to endpoints labelled `tlsMode: istio`, plain text to the rest. */
export const TLS_MODE_ISTIO_SOCKET_MATCH = 'tlsMode-istio';
export const TLS_MODE_DISABLED_SOCKET_MATCH = 'tlsMode-disabled';

export type TrafficDirection = 'inbound' | 'outbound';

export interface ClusterKey {
  readonly direction: TrafficDirection;
  readonly port: number;
  /** '' when not a subset cluster. */
  readonly subset: string;
  /** '' for inbound clusters. */
  readonly hostname: string;
}

/** Istio's BuildSubsetKey: `outbound|80|v1|reviews.default.svc.cluster.local`. */
export function clusterName(key: ClusterKey): string {
  return `${key.direction}|${key.port}|${key.subset}|${key.hostname}`;
}

export function outboundClusterName(port: number, subset: string, hostname: string): string {
  return clusterName({ direction: 'outbound', port, subset, hostname });
}

/** Istio's BuildInboundSubsetKey: `inbound|9080||`. */
export function inboundClusterName(port: number): string {
  return clusterName({ direction: 'inbound', port, subset: '', hostname: '' });
}

/** Istio's ParseSubsetKey; undefined for names that are not `direction|port|subset|host`. */
export function parseClusterName(name: string): ClusterKey | undefined {
  const parts = name.split('|');
  if (parts.length !== 4) return undefined;
  const [direction, port, subset, hostname] = parts;
  if ((direction !== 'inbound' && direction !== 'outbound') || !/^\d+$/.test(port)) return undefined;
  return { direction, port: Number(port), subset, hostname };
}

/** Istio's BuildDNSSrvSubsetKey, the SNI of mTLS connections: `outbound_.80_.v1_.reviews.default.svc.cluster.local`. */
export function clusterSni(key: ClusterKey): string {
  return `${key.direction}_.${key.port}_.${key.subset}_.${key.hostname}`;
}

/** `0.0.0.0_80`, `10.0.0.1_9080`. */
export function listenerName(address: string, port: number): string {
  return `${address}_${port}`;
}

/** Stat prefix of an outbound listener's HCM/tcp_proxy: `outbound_0.0.0.0_80`. */
export function listenerStatPrefix(direction: TrafficDirection, address: string, port: number): string {
  return `${direction}_${listenerName(address, port)}`;
}

/** A sidecar's outbound HTTP route configuration for a port: `80`. */
export function outboundRouteName(port: number): string {
  return String(port);
}

/**
 * The route configuration of a sniffed (protocol unknown) service port
 * that has its own listener (a VIP or an endpoint address):
 * `reviews.default.svc.cluster.local:8000`, Istio's
 * buildSidecarOutboundHTTPListenerOpts.
 */
export function sniffedOutboundRouteName(hostname: string, port: number): string {
  return `${hostname}:${port}`;
}

/** Istio's extractListenerPort: `80` → port 80; `<host>:80` → port 80 of that sniffed host; anything else undefined. */
export function parseOutboundRouteName(name: string): { readonly port: number; readonly sniffedHost?: string } | undefined {
  const colon = name.lastIndexOf(':');
  const port = name.slice(colon + 1);
  if (!/^\d+$/.test(port)) return undefined;
  return colon < 0 ? { port: Number(port) } : { port: Number(port), sniffedHost: name.slice(0, colon) };
}

/**
 * What names a gateway route configuration (Istio's gatewayRDSRouteName).
 * `listenerPort` is the port the workload listens on (the Service's
 * targetPort after gateway port translation), `serverPort` the Gateway
 * server's own port number.
 */
export interface GatewayRouteNameParts {
  /** `http` for plain-text HTTP servers, `https` for HTTPS servers terminating TLS. */
  readonly kind: 'http' | 'https';
  readonly listenerPort: number;
  readonly serverPort: number;
  readonly portName: string;
  readonly gatewayName: string;
  readonly gatewayNamespace: string;
  /** The server's `bind`; '' when unset. */
  readonly bind: string;
}

/**
 * A gateway's route configuration, as Istio's gatewayRDSRouteName names it:
 * `http.<listener port>` for plain HTTP (all HTTP servers on a port share
 * it), `https.<server port>.<port name>.<gateway>.<namespace>` for an
 * HTTPS server terminating TLS, each followed by `.<bind>` when the server
 * sets `bind`. The listener's HCM and the RDS generator both take their
 * names from here.
 */
export function gatewayRouteName(p: GatewayRouteNameParts): string {
  const bind = p.bind === '' ? '' : `.${p.bind}`;
  if (p.kind === 'http') return `http.${p.listenerPort}${bind}`;
  return `https.${p.serverPort}.${p.portName}.${p.gatewayName}.${p.gatewayNamespace}${bind}`;
}

/** The inbound HTTP route configuration of a workload port: `inbound|9080||`. */
export function inboundRouteName(port: number): string {
  return inboundClusterName(port);
}

/** A virtual host for a service port: `reviews.default.svc.cluster.local:9080`. */
export function virtualHostName(hostname: string, port: number): string {
  return `${hostname}:${port}`;
}

/** A proxyless gRPC client's api_listener: `reviews.default.svc.cluster.local:9080`. */
export function grpcListenerName(hostname: string, port: number): string {
  return `${hostname}:${port}`;
}
