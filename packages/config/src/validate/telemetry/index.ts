/** Validators for telemetry.istio.io kinds, keyed by kind. */
import type { Validator } from '../validator.ts';
import { validateTelemetry } from './telemetry.ts';

export const TELEMETRY_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ['Telemetry', validateTelemetry],
]);
