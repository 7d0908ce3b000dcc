/**
 * EDS for proxyless gRPC: Istio serves gRPC the sidecar's
 * ClusterLoadAssignments unchanged, and so do we, through the same builder,
 * with one difference in form: gRPC's xDS client rejects a
 * LocalityLbEndpoints without a locality ("locality unset"), where Envoy
 * reads a missing one as the empty locality. Istio always writes the field;
 * the sidecar builder leaves it out when the endpoints have no
 * region/zone/subzone, so here it is made explicit as `{}`.
 */
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { ClusterLoadAssignmentWire } from '../cluster/wire.ts';
import { buildClusterLoadAssignment } from '../endpoint/load-assignment.ts';

export function buildGrpcLoadAssignments(proxy: Proxy, push: PushContext, names: ReadonlySet<string>): ClusterLoadAssignmentWire[] {
  return [...names].map((name) => withExplicitLocality(buildClusterLoadAssignment(proxy, push, name)));
}

function withExplicitLocality(cla: ClusterLoadAssignmentWire): ClusterLoadAssignmentWire {
  if (cla.endpoints.every((l) => l.locality)) return cla;
  return { ...cla, endpoints: cla.endpoints.map((l) => (l.locality ? l : { locality: {}, ...l })) };
}
