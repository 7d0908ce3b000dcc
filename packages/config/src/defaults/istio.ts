/** Defaults Istio's CRDs apply, keyed `group/Kind`. */
import type { Defaulter } from './index.ts';

export const ISTIO_DEFAULTS: ReadonlyMap<string, Defaulter> = new Map<string, Defaulter>([
]);
