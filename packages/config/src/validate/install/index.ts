/** Validators for install.istio.io kinds, keyed by kind. */
import type { Validator } from '../validator.ts';
import { validateIstioOperator } from './istio-operator.ts';

export const INSTALL_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ['IstioOperator', validateIstioOperator],
]);
