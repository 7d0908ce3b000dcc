/**
 * Istio's virtualservice.DestinationHostAnalyzer: each route and mirror
 * destination must name a known host (IST0101 "host" / "mirror host"); when
 * it gives a port, the service must expose it (IST0101 "host:port"); when it
 * gives none, the service must expose only one port (IST0112).
 */
import { VirtualServiceKind, type VirtualService } from '@skiff/api';
import type { AnalysisContext, AnalyzedResource, Analyzer } from '../../analyzer.ts';
import { ReferencedResourceNotFound, VirtualServiceDestinationPortSelectorRequired } from '../../messages.gen.ts';
import type { ServiceRecord } from '../../service-registry.ts';
import { mirrorDestinations, routeDestinations, type RouteDestination } from './route-destinations.ts';

export const destinationHostAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  description: 'Checks the destination hosts associated with each virtual service',
  inputs: [VirtualServiceKind],
  analyze(ctx) {
    for (const vs of ctx.list<VirtualService>(VirtualServiceKind)) {
      const namespace = vs.namespace ?? ctx.defaultNamespace;
      for (const d of [...routeDestinations(vs.object.spec ?? {}), ...mirrorDestinations(vs.object.spec ?? {})]) {
        const host = d.destination.host ?? '';
        const service = ctx.services.lookup(host, namespace);
        if (!service) {
          ctx.report(ReferencedResourceNotFound, vs, [...d.path, 'host'], d.isMirror ? 'mirror host' : 'host', host);
          continue;
        }
        checkPorts(ctx, vs, d, service);
      }
    }
  },
};

function checkPorts(ctx: AnalysisContext, vs: AnalyzedResource<VirtualService>, d: RouteDestination, service: ServiceRecord): void {
  const host = d.destination.host ?? '';
  const port = d.destination.port?.number;
  if (port === undefined) {
    if (service.ports.length > 1) {
      ctx.report(VirtualServiceDestinationPortSelectorRequired, vs, [...d.path, 'host'], host, service.ports.map((p) => p.number));
    }
    return;
  }
  if (!service.ports.some((p) => p.number === port)) {
    ctx.report(ReferencedResourceNotFound, vs, [...d.path, 'port'], 'host:port', `${host}:${port}`);
  }
}
