/**
 * DestinationRule `tls` → the cluster's transport socket, as Istio's
 * cluster builder does it (pilot/pkg/networking/core/cluster_tls.go:
 * buildUpstreamTLSSettings, buildUpstreamClusterTLSContext,
 * applyUpstreamTLSSettings). Certificates are SDS references only; the
 * security issue serves them.
 *
 *   DISABLE        no transport socket.
 *   SIMPLE         UpstreamTlsContext, no client certificate; trust from
 *                  `kubernetes://<credentialName>-cacert` or
 *                  `file-root:<caCertificates>` (`file-root:system` when
 *                  unset), SAN checks from subjectAltNames; nothing to
 *                  verify with insecureSkipVerify.
 *   MUTUAL         the same plus the client certificate,
 *                  `kubernetes://<credentialName>` or `file-cert:<cert>~<key>`.
 *   ISTIO_MUTUAL   SDS `default` and `ROOTCA`, ALPN `istio-peer-exchange,
 *                  istio` (+ `h2` on HTTP/2 clusters), SNI
 *                  `outbound_.<port>_.<subset>_.<host>` and the destination's
 *                  service accounts as SPIFFE SANs, unless the rule sets them.
 *   (no tls)       auto mTLS: ISTIO_MUTUAL for endpoints whose EDS metadata
 *                  says `tlsMode: istio`, plain text for the others, as a
 *                  transport_socket_matches pair. Not for mesh-external
 *                  services, nor when MeshConfig.enableAutoMtls is false,
 *                  nor for passthrough services with any endpoint lacking a
 *                  sidecar (Istio's BestEffortInferServiceMTLSMode);
 *                  ORIGINAL_DST clusters cannot match per endpoint and get
 *                  the mTLS socket directly.
 *
 * Like Istio, SIMPLE/MUTUAL with a credentialName build nothing on a
 * sidecar unless the DestinationRule has a workloadSelector (every sidecar
 * would otherwise ask for a secret it may not read): credentials are for
 * gateways. SIMPLE/MUTUAL without sni or subjectAltNames turn on Envoy's
 * auto_sni / auto_san_validation. The TLS version range is Istio's
 * 1.2–1.3; MeshConfig tlsDefaults add curves and ciphers to originated TLS.
 *
 * PeerAuthentication (which can also turn auto mTLS off for a namespace)
 * belongs to the security issue and is not read here yet.
 *
 * SANs are written as match_typed_subject_alt_names (Envoy's replacement
 * for the deprecated match_subject_alt_names), so each needs a type: URI
 * for anything with a scheme (SPIFFE ids), IP_ADDRESS for IP literals,
 * EMAIL for `user@host`, DNS otherwise.
 */
import { TypeUrl, type ClientTLSSettings } from '@skiff/api';
import { jsonToStruct } from '@skiff/api/envoy/struct.ts';
import { isIP } from 'node:net';
import type { TlsDefaults } from '../../registry/mesh-settings.ts';
import {
  credentialCaSdsName, credentialSdsName, fileCertificateSdsName, fileRootSdsName,
  ROOT_CA_SDS_NAME, TLS_MODE_DISABLED_SOCKET_MATCH, TLS_MODE_ISTIO_SOCKET_MATCH, WORKLOAD_CERTIFICATE_SDS_NAME,
} from '../names.ts';
import { TLS_MODE_METADATA_KEY } from '../endpoint/locality-endpoints.ts';
import type { ClusterDraft } from './cluster-draft.ts';
import type {
  CertificateValidationContextWire, CommonTlsContextWire, SdsSecretConfigWire, SubjectAltNameMatcherWire,
  TransportSocketMatchWire, TransportSocketWire, UpstreamTlsContextWire,
} from './wire.ts';

export const TRANSPORT_SOCKET_TLS = 'envoy.transport_sockets.tls';
export const TRANSPORT_SOCKET_RAW_BUFFER = 'envoy.transport_sockets.raw_buffer';

/** Istio's ALPNInMeshWithMxc / ALPNInMeshH2WithMxc (metadata exchange on, Istio's default). */
export const ALPN_IN_MESH: readonly string[] = ['istio-peer-exchange', 'istio'];
export const ALPN_IN_MESH_H2: readonly string[] = ['istio-peer-exchange', 'istio', 'h2'];
/** Istio's ALPNH2Only, for TLS originated to HTTP/2 clusters. */
const ALPN_H2_ONLY: readonly string[] = ['h2'];
/** caCertificates unset: the agent serves the system trust store. */
const SYSTEM_ROOTS = 'system';

/**
 * Istio's model.MutualTLSMode as BestEffortInferServiceMTLSMode infers it:
 * `unknown` for mesh-external services, `disable` for passthrough services
 * with an endpoint that has no sidecar (or none at all), else `permissive`.
 */
export type ServiceMtlsMode = 'unknown' | 'disable' | 'permissive';

/** Everything about the cluster and its destination the TLS settings read. */
export interface UpstreamTlsInputs {
  readonly proxyType: 'sidecar' | 'router';
  /** `outbound_.<port>_.<subset>_.<host>`. */
  readonly sni: string;
  /** SPIFFE ids (and ServiceEntry subjectAltNames) of the destination, sorted. */
  readonly serviceAccounts: readonly string[];
  readonly meshExternal: boolean;
  /** The service came from a ServiceEntry: its SANs stand in when SIMPLE/MUTUAL name none. */
  readonly fromServiceEntry: boolean;
  readonly enableAutoMtls: boolean;
  readonly serviceMtlsMode: ServiceMtlsMode;
  /** The DestinationRule in effect has a workloadSelector. */
  readonly ruleHasWorkloadSelector: boolean;
  readonly tlsDefaults: TlsDefaults | undefined;
}

const SDS_OVER_ADS = { ads: {}, resource_api_version: 'V3' } as const;
const RAW_BUFFER_SOCKET: TransportSocketWire = { name: TRANSPORT_SOCKET_RAW_BUFFER, typed_config: { '@type': TypeUrl.RawBuffer } };

/** Istio's buildUpstreamTLSSettings: the settings in effect, and whether auto mTLS chose them. */
export function resolveUpstreamTls(tls: ClientTLSSettings | undefined, inputs: UpstreamTlsInputs): { tls: ClientTLSSettings | undefined; autoDetected: boolean } {
  if (tls) {
    if (tls.mode !== 'ISTIO_MUTUAL') return { tls, autoDetected: false };
    return {
      // An empty list is an unset one (proto3), so the service accounts stand in for it too.
      tls: { mode: 'ISTIO_MUTUAL', sni: tls.sni || inputs.sni, subjectAltNames: tls.subjectAltNames?.length ? tls.subjectAltNames : [...inputs.serviceAccounts] },
      autoDetected: false,
    };
  }
  if (inputs.meshExternal || !inputs.enableAutoMtls || inputs.serviceMtlsMode !== 'permissive') return { tls: undefined, autoDetected: false };
  return { tls: { mode: 'ISTIO_MUTUAL', sni: inputs.sni, subjectAltNames: [...inputs.serviceAccounts] }, autoDetected: true };
}

/** Sets transport_socket (or, for auto mTLS, transport_socket_matches) on the draft. */
export function applyUpstreamTls(draft: ClusterDraft, rule: ClientTLSSettings | undefined, inputs: UpstreamTlsInputs): void {
  const { tls, autoDetected } = resolveUpstreamTls(rule, inputs);
  const context = tls ? buildUpstreamTlsContext(draft, tls, inputs) : undefined;
  if (!context) return;
  const socket: TransportSocketWire = { name: TRANSPORT_SOCKET_TLS, typed_config: { '@type': TypeUrl.UpstreamTlsContext, ...context } };
  if (autoDetected && draft.cluster.type !== 'ORIGINAL_DST') {
    draft.cluster.transport_socket_matches = autoMtlsSocketMatches(socket);
  } else {
    draft.cluster.transport_socket = socket;
  }
}

function autoMtlsSocketMatches(mtls: TransportSocketWire): TransportSocketMatchWire[] {
  return [
    { name: TLS_MODE_ISTIO_SOCKET_MATCH, match: jsonToStruct({ [TLS_MODE_METADATA_KEY]: 'istio' }), transport_socket: mtls },
    { name: TLS_MODE_DISABLED_SOCKET_MATCH, match: { fields: {} }, transport_socket: RAW_BUFFER_SOCKET },
  ];
}

/** Istio's buildUpstreamClusterTLSContext; undefined means plain text. */
function buildUpstreamTlsContext(draft: ClusterDraft, tls: ClientTLSSettings, inputs: UpstreamTlsInputs): UpstreamTlsContextWire | undefined {
  switch (tls.mode) {
    case 'ISTIO_MUTUAL':
      return {
        common_tls_context: {
          ...commonTlsContext(),
          alpn_protocols: [...(draft.isHttp2 ? ALPN_IN_MESH_H2 : ALPN_IN_MESH)],
          tls_certificate_sds_secret_configs: [sds(WORKLOAD_CERTIFICATE_SDS_NAME)],
          combined_validation_context: {
            default_validation_context: sanValidation(tls.subjectAltNames ?? []),
            validation_context_sds_secret_config: sds(ROOT_CA_SDS_NAME),
          },
        },
        sni: tls.sni ?? '',
      };
    case 'SIMPLE':
    case 'MUTUAL':
      if (tls.credentialName && inputs.proxyType === 'sidecar' && !inputs.ruleHasWorkloadSelector) return undefined;
      return originatedTls(draft, tls, inputs);
    default:
      return undefined;
  }
}

/** Istio's constructUpstreamTLS: TLS the proxy originates with the user's certificates. */
function originatedTls(draft: ClusterDraft, tls: ClientTLSSettings, inputs: UpstreamTlsInputs): UpstreamTlsContextWire {
  const common = commonTlsContext();
  const mutual = tls.mode === 'MUTUAL';
  const skipVerify = tls.insecureSkipVerify === true;
  applyAutoSniAndSanValidation(draft, tls);
  const userSans = tls.subjectAltNames ?? [];
  const sans = inputs.fromServiceEntry && userSans.length === 0 ? inputs.serviceAccounts : userSans;
  if (tls.credentialName) {
    if (mutual) common.tls_certificate_sds_secret_configs = [sds(credentialSdsName(tls.credentialName))];
    if (!skipVerify) {
      common.combined_validation_context = { default_validation_context: sanValidation(sans), validation_context_sds_secret_config: sds(credentialCaSdsName(tls.credentialName)) };
    }
  } else {
    // Validation rejected MUTUAL without both files; an empty name here would only make SDS wait forever.
    if (mutual && tls.clientCertificate && tls.privateKey) {
      common.tls_certificate_sds_secret_configs = [sds(fileCertificateSdsName(tls.clientCertificate, tls.privateKey))];
    }
    if (skipVerify) {
      common.validation_context = {};
    } else {
      const validation = sanValidation(sans);
      if (tls.caCrl) validation.crl = { filename: tls.caCrl };
      common.combined_validation_context = { default_validation_context: validation, validation_context_sds_secret_config: sds(fileRootSdsName(tls.caCertificates || SYSTEM_ROOTS)) };
    }
  }
  if ((inputs.tlsDefaults?.ecdhCurves?.length ?? 0) > 0) common.tls_params.ecdh_curves = [...inputs.tlsDefaults!.ecdhCurves!];
  if ((inputs.tlsDefaults?.cipherSuites?.length ?? 0) > 0) common.tls_params.cipher_suites = [...inputs.tlsDefaults!.cipherSuites!];
  if (draft.isHttp2) common.alpn_protocols = [...ALPN_H2_ONLY];
  return { common_tls_context: common, ...(tls.sni ? { sni: tls.sni } : {}) };
}

/** Istio's setAutoSniAndAutoSanValidation: let Envoy take SNI and the SAN check from the request's host. */
function applyAutoSniAndSanValidation(draft: ClusterDraft, tls: ClientTLSSettings): void {
  const autoSni = !tls.sni;
  const autoSan = autoSni && (tls.subjectAltNames?.length ?? 0) === 0 && tls.insecureSkipVerify !== true;
  if (!autoSni && !autoSan) return;
  draft.httpOptions.upstream_http_protocol_options = { ...(autoSni ? { auto_sni: true } : {}), ...(autoSan ? { auto_san_validation: true } : {}) };
  draft.hasHttpOptions = true;
}

/** Istio's defaultUpstreamCommonTLSContext: TLS 1.2 to 1.3. */
function commonTlsContext(): CommonTlsContextWire {
  return { tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' } };
}

function sds(name: string): SdsSecretConfigWire {
  return { name, sds_config: SDS_OVER_ADS };
}

function sanValidation(sans: readonly string[]): CertificateValidationContextWire {
  return sans.length === 0 ? {} : { match_typed_subject_alt_names: sans.map(sanMatcher) };
}

export function sanMatcher(san: string): SubjectAltNameMatcherWire {
  let type: SubjectAltNameMatcherWire['san_type'] = 'DNS';
  if (san.includes('://')) type = 'URI';
  else if (isIP(san) !== 0) type = 'IP_ADDRESS';
  else if (san.includes('@')) type = 'EMAIL';
  return { san_type: type, matcher: { exact: san } };
}
