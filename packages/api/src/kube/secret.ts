/** core/v1 Secret: credentials, e.g. a gateway's `kubernetes.io/tls` certificate named by `credentialName`. */
import { bool, bytes, map, message, string } from '../schema/builders.ts';
import type { Infer } from '../schema/schema.ts';
import type { ResourceObject } from '../meta/object-meta.ts';
import type { KindDefinition } from '../kind.ts';
import { topLevelEnvelope } from './meta.ts';

/** Well-known types; any other `type` string is allowed, as in Kubernetes. */
export const SECRET_TYPES = [
  'Opaque', 'kubernetes.io/service-account-token', 'kubernetes.io/dockercfg', 'kubernetes.io/dockerconfigjson',
  'kubernetes.io/basic-auth', 'kubernetes.io/ssh-auth', 'kubernetes.io/tls', 'bootstrap.kubernetes.io/token',
] as const;

/** The fields beside metadata (a Secret has no `spec`). */
export const SecretSpec = message('io.k8s.api.core.v1.Secret', {
  /** Base64-encoded values. */
  data: map(bytes()),
  /** Plain-text values, merged into `data` on write. */
  stringData: map(string()),
  type: string(),
  immutable: bool(),
});
export type SecretSpec = Infer<typeof SecretSpec>;
export type Secret = ResourceObject & SecretSpec;

export const SecretKind: KindDefinition = {
  group: '',
  kind: 'Secret',
  versions: ['v1'],
  plural: 'secrets',
  namespaced: true,
  schema: topLevelEnvelope('io.k8s.api.core.v1.Secret', SecretSpec.fields),
};
