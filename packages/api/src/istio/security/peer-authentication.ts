/** security.istio.io PeerAuthentication (istio.security.v1beta1.PeerAuthentication): which mTLS mode a workload accepts. */
import { enumOf, map, message } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';
import { WorkloadSelector } from '../type.ts';

export const PeerAuthenticationMtlsMode = enumOf('istio.security.v1beta1.PeerAuthentication.MutualTLS.Mode',
  ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']);

export const PeerAuthenticationMutualTLS = message('istio.security.v1beta1.PeerAuthentication.MutualTLS', {
  mode: PeerAuthenticationMtlsMode,
});
export type PeerAuthenticationMutualTLS = Infer<typeof PeerAuthenticationMutualTLS>;

export const PeerAuthenticationSpec = message('istio.security.v1beta1.PeerAuthentication', {
  selector: WorkloadSelector,
  mtls: PeerAuthenticationMutualTLS,
  /** Keyed by port number (map<uint32, MutualTLS>); JSON writes the key as a string, the validator checks the range. */
  portLevelMtls: map(PeerAuthenticationMutualTLS),
});
export type PeerAuthenticationSpec = Infer<typeof PeerAuthenticationSpec>;
export type PeerAuthentication = SpecResource<PeerAuthenticationSpec>;

export const PeerAuthenticationKind: KindDefinition = {
  group: 'security.istio.io',
  kind: 'PeerAuthentication',
  versions: ['v1', 'v1beta1'],
  plural: 'peerauthentications',
  shortNames: ['pa'],
  namespaced: true,
  schema: specEnvelope('security.istio.io.PeerAuthentication', PeerAuthenticationSpec),
};
