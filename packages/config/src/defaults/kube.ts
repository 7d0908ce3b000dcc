/** Kubernetes API server defaults for the kinds a mesh reads, keyed `group/Kind` ('' for core). */
import type { Defaulter } from './index.ts';

export const KUBE_DEFAULTS: ReadonlyMap<string, Defaulter> = new Map<string, Defaulter>([
]);
