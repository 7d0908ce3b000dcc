/** telemetry.istio.io kinds. */
import type { KindDefinition } from '../../kind.ts';

export const TELEMETRY_KINDS: readonly KindDefinition[] = [
];
