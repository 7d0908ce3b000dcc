/**
 * Every destination a VirtualService routes or mirrors to, with the field path
 * of its `host` (Istio's getRouteDestinations / getHTTPMirrorDestinations).
 */
import type { FieldPath } from '@skiff/common';
import type { Destination, VirtualServiceSpec } from '@skiff/api';

export interface RouteDestination {
  readonly destination: Destination;
  /** Path of the `destination` object, e.g. spec.http[0].route[1].destination. */
  readonly path: FieldPath;
  readonly isMirror: boolean;
}

export function routeDestinations(spec: VirtualServiceSpec): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const section of ['http', 'tls', 'tcp'] as const) {
    (spec[section] ?? []).forEach((rule, i) => {
      (rule.route ?? []).forEach((r, j) => {
        if (r.destination) out.push({ destination: r.destination, path: ['spec', section, i, 'route', j, 'destination'], isMirror: false });
      });
    });
  }
  return out;
}

export function mirrorDestinations(spec: VirtualServiceSpec): RouteDestination[] {
  const out: RouteDestination[] = [];
  (spec.http ?? []).forEach((rule, i) => {
    if (rule.mirror) out.push({ destination: rule.mirror, path: ['spec', 'http', i, 'mirror'], isMirror: true });
    (rule.mirrors ?? []).forEach((m, j) => {
      if (m.destination) out.push({ destination: m.destination, path: ['spec', 'http', i, 'mirrors', j, 'destination'], isMirror: true });
    });
  });
  return out;
}
