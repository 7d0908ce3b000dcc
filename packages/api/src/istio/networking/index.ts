/** networking.istio.io kinds. */
import type { KindDefinition } from '../../kind.ts';
import { GatewayKind } from './gateway.ts';

export * from './gateway.ts';

export const NETWORKING_KINDS: readonly KindDefinition[] = [
  GatewayKind,
];
