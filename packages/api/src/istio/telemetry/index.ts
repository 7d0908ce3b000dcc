/** telemetry.istio.io kinds. */
import type { KindDefinition } from '../../kind.ts';
import { TelemetryKind } from './telemetry.ts';

export * from './telemetry.ts';

export const TELEMETRY_KINDS: readonly KindDefinition[] = [
  TelemetryKind,
];
