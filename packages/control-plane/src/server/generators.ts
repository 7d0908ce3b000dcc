/**
 * The generators the control plane serves, one per type URL: the single
 * place where translation plugs into the xDS server (Istio's
 * InitGenerators), in Envoy's push order: CDS, EDS, LDS, RDS. A new type
 * (SDS, ECDS) is one more entry here.
 *
 * Proxyless gRPC clients (node metadata GENERATOR=grpc, as Istio's gRPC
 * bootstrap sets it) are served the same types in the form gRPC's xDS
 * client reads (api_listeners; see translate/grpc): `withProxylessGrpc`
 * picks the generator per proxy, so the registry stays keyed by type URL.
 */
import type { PushContext } from '../model/push-context.ts';
import { clusterGenerator } from '../translate/cluster/index.ts';
import { endpointGenerator } from '../translate/endpoint/index.ts';
import { withProxylessGrpc } from '../translate/grpc/index.ts';
import { listenerGenerator } from '../translate/listener/index.ts';
import { createRouteGenerator, type RouteConflictListener } from '../translate/route/index.ts';
import type { GeneratorEntry } from '../xds/types.ts';

export interface ControlPlaneGeneratorOptions {
  /** Told each proxy's route conflicts whenever its RDS is built. */
  readonly onRouteConflicts?: RouteConflictListener;
}

export function controlPlaneGenerators(options: ControlPlaneGeneratorOptions = {}): readonly GeneratorEntry<PushContext>[] {
  return withProxylessGrpc([
    clusterGenerator,
    endpointGenerator,
    listenerGenerator,
    createRouteGenerator(options.onRouteConflicts),
  ]);
}

export const CONTROL_PLANE_GENERATORS: readonly GeneratorEntry<PushContext>[] = controlPlaneGenerators();
