/**
 * The SecretsConfigDump part of /config_dump (envoy.admin.v3.SecretsConfigDump),
 * which `istioctl proxy-config secret` reads: static secrets from the
 * bootstrap, dynamic active secrets (SDS over ADS, and those the local
 * provider — the in-process agent — serves, listed as Istio's agent-served
 * `default` / `ROOTCA` appear), and names still awaited as warming. Private
 * keys are redacted as Envoy redacts them (`[redacted]`).
 */
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { ResourceEntry } from '../../xds-client/types.ts';
import type { CertificateValidationConfig, DataSourceConfig, SecretConfig } from './config.ts';
import type { SecretManager } from './secret-manager.ts';

const REDACTED = Buffer.from('[redacted]').toString('base64');

function dataSource(s: DataSourceConfig): WireMessage {
  return s.kind === 'inline' ? { inline_bytes: s.value.toString('base64') } : { filename: s.path };
}

function validationWire(v: CertificateValidationConfig): WireMessage {
  return {
    ...(v.trustedCa ? { trusted_ca: dataSource(v.trustedCa) } : {}),
    ...(v.matchTypedSubjectAltNames.length > 0 ? { match_typed_subject_alt_names: v.matchTypedSubjectAltNames.map((m) => ({ san_type: m.sanType, matcher: m.matcher })) } : {}),
  };
}

/** A secret as Envoy dumps it: typed, the private key redacted. */
export function secretWire(s: SecretConfig): WireMessage {
  return {
    '@type': TypeUrl.Secret,
    name: s.name,
    ...(s.tlsCertificate ? { tls_certificate: { certificate_chain: dataSource(s.tlsCertificate.certificateChain), private_key: { inline_bytes: REDACTED } } } : {}),
    ...(s.validationContext ? { validation_context: validationWire(s.validationContext) } : {}),
  };
}

function redactWire(wire: WireMessage): WireMessage {
  const cert = wire.tls_certificate as WireMessage | undefined;
  return { '@type': TypeUrl.Secret, ...wire, ...(cert ? { tls_certificate: { ...cert, private_key: { inline_bytes: REDACTED } } } : {}) };
}

export function buildSecretsConfigDump(sds: ReadonlyMap<string, ResourceEntry<SecretConfig>>, manager: SecretManager | undefined, time: (ms: number) => string, bootedAtMs: number): Record<string, unknown> {
  const local = manager?.localSecrets() ?? [];
  return {
    '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
    static_secrets: (manager?.staticSecrets() ?? []).map((s) => ({ name: s.name, last_updated: time(bootedAtMs), secret: secretWire(s) })),
    dynamic_active_secrets: [
      ...local.filter((l) => l.secret !== undefined).map((l) => ({ name: l.name, version_info: String(manager!.generation), last_updated: time(bootedAtMs), secret: secretWire(l.secret!) })),
      ...[...sds.values()].map((e) => ({ name: e.name, version_info: e.version, last_updated: time(e.lastUpdatedMs), secret: redactWire(e.wire) })),
    ],
    dynamic_warming_secrets: local.filter((l) => l.secret === undefined).map((l) => ({ name: l.name, secret: { '@type': TypeUrl.Secret, name: l.name } })),
  };
}
