/**
 * The generators the control plane serves, one per type URL: the single
 * place where translation plugs into the xDS server (Istio's
 * InitGenerators). CDS and EDS today; LDS and RDS join this list when
 * translate/listener and translate/route export `listenerGenerator` and
 * `routeGenerator`.
 */
import type { PushContext } from '../model/push-context.ts';
import { clusterGenerator } from '../translate/cluster/index.ts';
import { endpointGenerator } from '../translate/endpoint/index.ts';
import type { GeneratorEntry } from '../xds/types.ts';

export const CONTROL_PLANE_GENERATORS: readonly GeneratorEntry<PushContext>[] = [
  clusterGenerator,
  endpointGenerator,
];
