/** install.istio.io (IstioOperator) and MeshConfig kinds. */
import type { KindDefinition } from '../../kind.ts';

export const INSTALL_KINDS: readonly KindDefinition[] = [
];
