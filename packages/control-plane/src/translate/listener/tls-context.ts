/**
 * The DownstreamTlsContext shape of a gateway server that terminates TLS
 * (Istio's BuildListenerTLSContext), as a transport socket. Certificates
 * are SDS references the security issue serves: `kubernetes://<credentialName>`
 * for credentialName, `default` for ISTIO_MUTUAL, `file-cert:<cert>~<key>`
 * for certificate files, all over ADS. ALPN offers h2 and http/1.1.
 */
import { TypeUrl, type ServerTLSSettings } from '@skiff/api';
import { TRANSPORT_SOCKET_TLS } from './well-known.ts';
import { credentialSdsName, fileCertificateSdsName, WORKLOAD_CERTIFICATE_SDS_NAME } from '../names.ts';
import type { TransportSocketWire } from './wire.ts';

const ALPN_HTTP = ['h2', 'http/1.1'];
const SDS_OVER_ADS = { ads: {}, resource_api_version: 'V3' } as const;

/** Istio's SDS resource name for a server's certificate. */
export function serverCertificateSdsName(tls: ServerTLSSettings): string {
  if (tls.mode === 'ISTIO_MUTUAL') return WORKLOAD_CERTIFICATE_SDS_NAME;
  if (tls.credentialName) return credentialSdsName(tls.credentialName);
  return fileCertificateSdsName(tls.serverCertificate ?? '', tls.privateKey ?? '');
}

export function buildDownstreamTlsTransportSocket(tls: ServerTLSSettings): TransportSocketWire {
  const requireClientCertificate = tls.mode === 'MUTUAL' || tls.mode === 'ISTIO_MUTUAL';
  return {
    name: TRANSPORT_SOCKET_TLS,
    typed_config: {
      '@type': TypeUrl.DownstreamTlsContext,
      common_tls_context: {
        alpn_protocols: ALPN_HTTP,
        tls_certificate_sds_secret_configs: [{ name: serverCertificateSdsName(tls), sds_config: SDS_OVER_ADS }],
      },
      require_client_certificate: { value: requireClientCertificate },
    },
  };
}
