/** security.istio.io RequestAuthentication (istio.security.v1beta1.RequestAuthentication): which JWTs a workload accepts. */
import { array, bool, duration, message, string } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';
import { PolicyTargetReference, WorkloadSelector } from '../type.ts';

export const JWTHeader = message('istio.security.v1beta1.JWTHeader', {
  name: string(),
  /** Stripped from the header value before the token is read, e.g. "Bearer ". */
  prefix: string(),
});
export type JWTHeader = Infer<typeof JWTHeader>;

export const ClaimToHeader = message('istio.security.v1beta1.ClaimToHeader', {
  header: string(),
  claim: string(),
});
export type ClaimToHeader = Infer<typeof ClaimToHeader>;

export const JWTRule = message('istio.security.v1beta1.JWTRule', {
  issuer: string(),
  audiences: array(string()),
  jwksUri: string(),
  jwks: string(),
  fromHeaders: array(JWTHeader),
  fromParams: array(string()),
  fromCookies: array(string()),
  outputPayloadToHeader: string(),
  forwardOriginalToken: bool(),
  outputClaimToHeaders: array(ClaimToHeader),
  /** How long to wait for the JWKS fetch (default 5s). */
  timeout: duration(),
}, { misspellings: { jwksURI: 'the field is spelled jwksUri', jwks_uri: 'the field is spelled jwksUri' } });
export type JWTRule = Infer<typeof JWTRule>;

export const RequestAuthenticationSpec = message('istio.security.v1beta1.RequestAuthentication', {
  selector: WorkloadSelector,
  targetRef: PolicyTargetReference,
  targetRefs: array(PolicyTargetReference),
  jwtRules: array(JWTRule),
});
export type RequestAuthenticationSpec = Infer<typeof RequestAuthenticationSpec>;
export type RequestAuthentication = SpecResource<RequestAuthenticationSpec>;

export const RequestAuthenticationKind: KindDefinition = {
  group: 'security.istio.io',
  kind: 'RequestAuthentication',
  versions: ['v1', 'v1beta1'],
  plural: 'requestauthentications',
  shortNames: ['ra'],
  namespaced: true,
  schema: specEnvelope('security.istio.io.RequestAuthentication', RequestAuthenticationSpec),
};
