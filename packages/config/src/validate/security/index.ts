/** Validators for security.istio.io kinds, keyed by kind. */
import type { Validator } from '../validator.ts';
import { validateAuthorizationPolicy } from './authorization-policy.ts';
import { validatePeerAuthentication } from './peer-authentication.ts';
import { validateRequestAuthentication } from './request-authentication.ts';

export const SECURITY_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ['AuthorizationPolicy', validateAuthorizationPolicy],
  ['PeerAuthentication', validatePeerAuthentication],
  ['RequestAuthentication', validateRequestAuthentication],
]);
