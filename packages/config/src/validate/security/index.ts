/** Validators for security kinds, keyed by kind. */
import type { Validator } from '../validator.ts';

export const SECURITY_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
]);
