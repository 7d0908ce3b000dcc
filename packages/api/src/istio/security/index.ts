/** security.istio.io kinds. */
import type { KindDefinition } from '../../kind.ts';
import { AuthorizationPolicyKind } from './authorization-policy.ts';
import { PeerAuthenticationKind } from './peer-authentication.ts';
import { RequestAuthenticationKind } from './request-authentication.ts';

export * from './authorization-policy.ts';
export * from './peer-authentication.ts';
export * from './request-authentication.ts';

export const SECURITY_KINDS: readonly KindDefinition[] = [
  AuthorizationPolicyKind,
  PeerAuthenticationKind,
  RequestAuthenticationKind,
];
