/** Validators for kube kinds, keyed by kind. */
import type { Validator } from '../validator.ts';

export const KUBE_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
]);
