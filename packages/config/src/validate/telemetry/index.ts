/** Validators for telemetry kinds, keyed by kind. */
import type { Validator } from '../validator.ts';

export const TELEMETRY_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
]);
