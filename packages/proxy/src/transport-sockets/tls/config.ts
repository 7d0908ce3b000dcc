/**
 * The validated forms of Envoy's TLS transport socket configs and SDS
 * Secrets (envoy.extensions.transport_sockets.tls.v3): CommonTlsContext,
 * DownstreamTlsContext, UpstreamTlsContext, Secret, with their parsers
 * (wire → config, every error with its field path, so a bad listener or
 * cluster is NACKed at the xDS boundary). Certificates are referenced, not
 * loaded: a DataSource stays a reference until the secret manager builds a
 * context, and SDS references stay names until the secret arrives.
 */
import type { FieldPath } from '@skiff/common';
import { parseStringMatcher } from '../../http/route-table/parse-matchers.ts';
import type { StringMatcherConfig } from '../../http/route-table/types.ts';
import type { WireObject, WireReader } from '../../http/route-table/wire-reader.ts';

/** envoy.config.core.v3.DataSource; inline bytes are already decoded. */
export type DataSourceConfig = { readonly kind: 'inline'; readonly value: Buffer } | { readonly kind: 'filename'; readonly path: string };

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface TlsParamsConfig {
  /** Undefined: Envoy's default (TLS_AUTO), 1.2 minimum and 1.3 maximum. */
  readonly minVersion: TlsVersion | undefined;
  readonly maxVersion: TlsVersion | undefined;
  readonly cipherSuites: readonly string[];
  readonly ecdhCurves: readonly string[];
}

export interface TlsCertificateConfig {
  readonly certificateChain: DataSourceConfig;
  readonly privateKey: DataSourceConfig;
}

export type SanType = 'EMAIL' | 'DNS' | 'URI' | 'IP_ADDRESS' | 'OTHER_NAME';

export interface SanMatcherConfig {
  readonly sanType: SanType;
  readonly matcher: StringMatcherConfig;
}

export interface CertificateValidationConfig {
  readonly trustedCa: DataSourceConfig | undefined;
  readonly matchTypedSubjectAltNames: readonly SanMatcherConfig[];
  /** ACCEPT_UNTRUSTED skips chain verification (SAN checks still apply). */
  readonly acceptUntrusted: boolean;
}

/** An SDS reference: over ADS (sds_config.ads) or, without sds_config, a static secret of the bootstrap. */
export interface SdsSecretRef {
  readonly name: string;
  readonly source: 'ads' | 'static';
}

export interface CommonTlsContextConfig {
  readonly tlsParams: TlsParamsConfig;
  readonly tlsCertificates: readonly TlsCertificateConfig[];
  readonly tlsCertificateSds: readonly SdsSecretRef[];
  /** validation_context, or combined_validation_context.default_validation_context. */
  readonly validation: CertificateValidationConfig | undefined;
  /** validation_context_sds_secret_config, or combined_validation_context.validation_context_sds_secret_config. */
  readonly validationSds: SdsSecretRef | undefined;
  readonly alpnProtocols: readonly string[];
}

export interface DownstreamTlsConfig {
  readonly common: CommonTlsContextConfig;
  readonly requireClientCertificate: boolean;
}

export interface UpstreamTlsConfig {
  readonly common: CommonTlsContextConfig;
  readonly sni: string;
}

/** What a Secret resource (SDS or static) carries; session_ticket_keys and generic_secret are not used. */
export interface SecretConfig {
  readonly name: string;
  readonly tlsCertificate: TlsCertificateConfig | undefined;
  readonly validationContext: CertificateValidationConfig | undefined;
}

const VERSIONS: Record<string, TlsVersion | undefined> = { TLS_AUTO: undefined, TLSv1_0: 'TLSv1', TLSv1_1: 'TLSv1.1', TLSv1_2: 'TLSv1.2', TLSv1_3: 'TLSv1.3' };
const SAN_TYPES: readonly string[] = ['EMAIL', 'DNS', 'URI', 'IP_ADDRESS', 'OTHER_NAME'];

export function parseDataSource(r: WireReader, wire: WireObject, at: FieldPath): DataSourceConfig | undefined {
  const filename = r.string(wire, 'filename', at);
  if (filename !== undefined) return { kind: 'filename', path: filename };
  const bytes = r.string(wire, 'inline_bytes', at);
  if (bytes !== undefined) return { kind: 'inline', value: Buffer.from(bytes, 'base64') };
  const text = r.string(wire, 'inline_string', at);
  if (text !== undefined) return { kind: 'inline', value: Buffer.from(text) };
  if (wire.environment_variable !== undefined) {
    r.errors.add([...at, 'environment_variable'], 'environment variable data sources are not supported');
    return undefined;
  }
  r.errors.add([...at, 'specifier'], 'value is required');
  return undefined;
}

function parseTlsCertificate(r: WireReader, wire: WireObject, at: FieldPath): TlsCertificateConfig | undefined {
  const chain = r.object(wire, 'certificate_chain', at);
  const key = r.object(wire, 'private_key', at);
  if (!chain) r.errors.add([...at, 'certificate_chain'], 'value is required');
  if (!key) r.errors.add([...at, 'private_key'], 'value is required');
  if (wire.private_key_provider !== undefined) r.errors.add([...at, 'private_key_provider'], 'private key providers are not supported');
  const certificateChain = chain && parseDataSource(r, chain, [...at, 'certificate_chain']);
  const privateKey = key && parseDataSource(r, key, [...at, 'private_key']);
  return certificateChain && privateKey ? { certificateChain, privateKey } : undefined;
}

export function parseValidationContext(r: WireReader, wire: WireObject, at: FieldPath): CertificateValidationConfig {
  const ca = r.object(wire, 'trusted_ca', at);
  const matchers = r.objects(wire, 'match_typed_subject_alt_names', at).map((m, i): SanMatcherConfig => {
    const mAt = [...at, 'match_typed_subject_alt_names', i];
    const sanType = r.string(m, 'san_type', mAt) ?? 'SAN_TYPE_UNSPECIFIED';
    if (!SAN_TYPES.includes(sanType)) r.errors.add([...mAt, 'san_type'], 'value must not be in list [SAN_TYPE_UNSPECIFIED]');
    const sm = r.object(m, 'matcher', mAt);
    if (!sm) r.errors.add([...mAt, 'matcher'], 'value is required');
    return { sanType: sanType as SanType, matcher: sm ? parseStringMatcher(r, sm, [...mAt, 'matcher']) : { kind: 'exact', value: '', ignoreCase: false } };
  });
  // The deprecated untyped form: each matcher applies to every SAN type, as Envoy did.
  const legacy = r.objects(wire, 'match_subject_alt_names', at).flatMap((m, i) => {
    const matcher = parseStringMatcher(r, m, [...at, 'match_subject_alt_names', i]);
    return (['DNS', 'URI', 'EMAIL', 'IP_ADDRESS'] as const).map((sanType) => ({ sanType, matcher }));
  });
  const trust = r.string(wire, 'trust_chain_verification', at) ?? 'VERIFY_TRUST_CHAIN';
  return {
    trustedCa: ca ? parseDataSource(r, ca, [...at, 'trusted_ca']) : undefined,
    matchTypedSubjectAltNames: [...matchers, ...legacy],
    acceptUntrusted: trust === 'ACCEPT_UNTRUSTED',
  };
}

function parseSdsRef(r: WireReader, wire: WireObject, at: FieldPath): SdsSecretRef {
  const name = r.string(wire, 'name', at) ?? '';
  if (name === '') r.errors.add([...at, 'name'], 'value length must be at least 1 characters');
  // Any sds_config is dynamic: over ADS, unless a local secret provider (the in-process agent, standing in for
  // Istio's SDS on a unix socket) serves the name. Without sds_config the name is a static bootstrap secret.
  return { name, source: r.object(wire, 'sds_config', at) ? 'ads' : 'static' };
}

function parseTlsParams(r: WireReader, wire: WireObject | undefined, at: FieldPath): TlsParamsConfig {
  if (!wire) return { minVersion: undefined, maxVersion: undefined, cipherSuites: [], ecdhCurves: [] };
  const version = (key: string) => {
    const v = r.string(wire, key, at) ?? 'TLS_AUTO';
    if (!(v in VERSIONS)) r.errors.add([...at, key], 'value must be one of the defined enum values');
    return VERSIONS[v];
  };
  const minVersion = version('tls_minimum_protocol_version');
  const maxVersion = version('tls_maximum_protocol_version');
  if (minVersion && maxVersion && minVersion > maxVersion) r.errors.add(at, `Minimum TLS protocol version ${minVersion} is greater than maximum ${maxVersion}`);
  return { minVersion, maxVersion, cipherSuites: r.strings(wire, 'cipher_suites', at), ecdhCurves: r.strings(wire, 'ecdh_curves', at) };
}

export function parseCommonTlsContext(r: WireReader, wire: WireObject, at: FieldPath): CommonTlsContextConfig {
  const tlsCertificates = r.objects(wire, 'tls_certificates', at).map((c, i) => parseTlsCertificate(r, c, [...at, 'tls_certificates', i])).filter((c) => c !== undefined);
  const tlsCertificateSds = r.objects(wire, 'tls_certificate_sds_secret_configs', at).map((c, i) => parseSdsRef(r, c, [...at, 'tls_certificate_sds_secret_configs', i]));
  let validation: CertificateValidationConfig | undefined;
  let validationSds: SdsSecretRef | undefined;
  const vc = r.object(wire, 'validation_context', at);
  const vcSds = r.object(wire, 'validation_context_sds_secret_config', at);
  const combined = r.object(wire, 'combined_validation_context', at);
  if (vc) validation = parseValidationContext(r, vc, [...at, 'validation_context']);
  if (vcSds) validationSds = parseSdsRef(r, vcSds, [...at, 'validation_context_sds_secret_config']);
  if (combined) {
    const cAt = [...at, 'combined_validation_context'];
    const def = r.object(combined, 'default_validation_context', cAt);
    if (def) validation = parseValidationContext(r, def, [...cAt, 'default_validation_context']);
    const sds = r.object(combined, 'validation_context_sds_secret_config', cAt);
    if (!sds) r.errors.add([...cAt, 'validation_context_sds_secret_config'], 'value is required');
    else validationSds = parseSdsRef(r, sds, [...cAt, 'validation_context_sds_secret_config']);
  }
  return {
    tlsParams: parseTlsParams(r, r.object(wire, 'tls_params', at), [...at, 'tls_params']),
    tlsCertificates,
    tlsCertificateSds,
    validation,
    validationSds,
    alpnProtocols: r.strings(wire, 'alpn_protocols', at),
  };
}

export function parseDownstreamTlsContext(r: WireReader, wire: WireObject, at: FieldPath): DownstreamTlsConfig {
  const common = parseCommonTlsContext(r, r.object(wire, 'common_tls_context', at) ?? {}, [...at, 'common_tls_context']);
  // Envoy's ServerContextConfigImpl: a server needs a certificate.
  if (common.tlsCertificates.length === 0 && common.tlsCertificateSds.length === 0) {
    r.errors.add([...at, 'common_tls_context'], 'No TLS certificates found for server context');
  }
  const requireClientCertificate = r.wrapped(wire, 'require_client_certificate', at, 'boolean') ?? false;
  if (requireClientCertificate && !common.validation?.trustedCa && !common.validationSds) {
    r.errors.add([...at, 'require_client_certificate'], 'require_client_certificate is set but no trusted CA is configured');
  }
  return { common, requireClientCertificate };
}

export function parseUpstreamTlsContext(r: WireReader, wire: WireObject, at: FieldPath): UpstreamTlsConfig {
  const common = parseCommonTlsContext(r, r.object(wire, 'common_tls_context', at) ?? {}, [...at, 'common_tls_context']);
  const sni = r.string(wire, 'sni', at) ?? '';
  if (sni.length > 255) r.errors.add([...at, 'sni'], 'value length must be at most 255 bytes');
  return { common, sni };
}

/** A Secret resource's payload (its name is the resource name). */
export function parseSecretBody(r: WireReader, wire: WireObject, at: FieldPath): SecretConfig {
  const name = r.string(wire, 'name', at) ?? '';
  if (name === '') r.errors.add([...at, 'name'], 'value length must be at least 1 characters');
  const cert = r.object(wire, 'tls_certificate', at);
  const vc = r.object(wire, 'validation_context', at);
  if (!cert && !vc && wire.session_ticket_keys === undefined && wire.generic_secret === undefined) r.errors.add([...at, 'type'], 'value is required');
  return {
    name,
    tlsCertificate: cert ? parseTlsCertificate(r, cert, [...at, 'tls_certificate']) : undefined,
    validationContext: vc ? parseValidationContext(r, vc, [...at, 'validation_context']) : undefined,
  };
}

/** Every SDS name a context depends on. */
export function sdsNamesOf(common: CommonTlsContextConfig): SdsSecretRef[] {
  return common.validationSds ? [...common.tlsCertificateSds, common.validationSds] : [...common.tlsCertificateSds];
}
