/** Validators for networking.istio.io kinds, keyed by kind. */
import type { Validator } from '../validator.ts';
import { validateGateway } from './gateway.ts';

export const NETWORKING_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ['Gateway', validateGateway],
]);
