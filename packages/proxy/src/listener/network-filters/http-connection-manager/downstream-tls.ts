/**
 * What a terminated TLS downstream tells the request path: SNI, whether the
 * peer presented a certificate, and its SPIFFE identity (the URI SAN) —
 * Istio's source_principal and connection_security_policy `mutual_tls`.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { subjectAltNames } from '../../../transport-sockets/tls/san-matcher.ts';

export interface DownstreamTlsInfo {
  readonly requestedServerName: string | undefined;
  /** The connection is TLS and the peer sent a verified certificate. */
  readonly mutualTls: boolean;
  /** `spiffe://cluster.local/ns/default/sa/productpage`, when the peer certificate has a spiffe URI SAN. */
  readonly peerPrincipal: string | undefined;
}

const PLAINTEXT: DownstreamTlsInfo = { requestedServerName: undefined, mutualTls: false, peerPrincipal: undefined };

export function downstreamTlsInfo(socket: Socket): DownstreamTlsInfo {
  if ((socket as { encrypted?: boolean }).encrypted !== true) return PLAINTEXT;
  const tls = socket as TLSSocket;
  const peer = tls.getPeerCertificate();
  const hasPeer = peer !== null && peer !== undefined && Object.keys(peer).length > 0;
  const uri = hasPeer ? subjectAltNames(peer).find((s) => s.type === 'URI' && s.value.startsWith('spiffe://'))?.value : undefined;
  return { requestedServerName: tls.servername || undefined, mutualTls: hasPeer, peerPrincipal: uri };
}
