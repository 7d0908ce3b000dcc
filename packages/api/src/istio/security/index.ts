/** security.istio.io kinds. */
import type { KindDefinition } from '../../kind.ts';

export const SECURITY_KINDS: readonly KindDefinition[] = [
];
