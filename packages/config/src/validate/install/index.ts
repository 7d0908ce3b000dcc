/** Validators for install kinds, keyed by kind. */
import type { Validator } from '../validator.ts';

export const INSTALL_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
]);
