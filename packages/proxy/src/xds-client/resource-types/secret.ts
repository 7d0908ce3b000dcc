/**
 * SDS: envoy.extensions.transport_sockets.tls.v3.Secret → SecretConfig
 * (a certificate with its key, or a validation context), requested by name
 * as listeners' and clusters' TLS contexts reference them (Istio: `default`,
 * `ROOTCA`, `kubernetes://<credential>`, `file-root:…`).
 */
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, ok, type Result } from '@skiff/common';
import { ParseErrors, WireReader } from '../../http/route-table/wire-reader.ts';
import { parseSecretBody, type SecretConfig } from '../../transport-sockets/tls/config.ts';
import { joinFailures, type ResourceType } from './resource-type.ts';

export function parseSecret(wire: WireMessage): Result<SecretConfig> {
  const r = new WireReader(new ParseErrors());
  const secret = parseSecretBody(r, wire, []);
  return r.errors.list.length > 0 ? fail(...r.errors.list) : ok(secret);
}

export const secretResourceType: ResourceType<SecretConfig> = {
  typeUrl: TypeUrl.Secret,
  shortName: 'sds',
  isFullState: false,
  nameOf: (wire) => String(wire.name ?? ''),
  parse: parseSecret,
  // Envoy's sds_api.cc rejects with the validation exception of the secret.
  rejectionMessage: joinFailures,
};
