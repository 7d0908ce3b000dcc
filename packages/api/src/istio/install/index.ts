/** install.istio.io (IstioOperator) kinds and the MeshConfig message it embeds. */
import type { KindDefinition } from '../../kind.ts';
import { IstioOperatorKind } from './istio-operator.ts';

export * from './mesh-config.ts';
export * from './istio-operator.ts';

export const INSTALL_KINDS: readonly KindDefinition[] = [
  IstioOperatorKind,
];
