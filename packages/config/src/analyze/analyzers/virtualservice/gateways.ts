/**
 * IST0101 for VirtualService gateways (Istio's virtualservice.GatewayAnalyzer):
 * every name in `spec.gateways` and `spec.http[].match[].gateways`, other than
 * `mesh`, must name a Gateway (`name` in the VirtualService's namespace, or `ns/name`).
 */
import { GatewayKind, VirtualServiceKind, type VirtualService } from '@skiff/api';
import type { FieldPath } from '@skiff/common';
import type { AnalysisContext, AnalyzedResource, Analyzer } from '../../analyzer.ts';
import { shortOrFullName } from '../../hosts.ts';
import { ReferencedResourceNotFound } from '../../messages.gen.ts';

export const MESH_GATEWAY = 'mesh';

export const virtualServiceGatewayAnalyzer: Analyzer = {
  name: 'virtualservice.GatewayAnalyzer',
  description: 'Checks the gateways associated with each virtual service',
  inputs: [GatewayKind, VirtualServiceKind],
  analyze(ctx) {
    for (const vs of ctx.list<VirtualService>(VirtualServiceKind)) {
      const spec = vs.object.spec ?? {};
      (spec.gateways ?? []).forEach((gw, i) => check(ctx, vs, gw, ['spec', 'gateways', i]));
      (spec.http ?? []).forEach((rule, i) => (rule.match ?? []).forEach((m, j) =>
        (m.gateways ?? []).forEach((gw, k) => check(ctx, vs, gw, ['spec', 'http', i, 'match', j, 'gateways', k]))));
    }
  },
};

function check(ctx: AnalysisContext, vs: AnalyzedResource<VirtualService>, gateway: string, path: FieldPath): void {
  if (gateway === MESH_GATEWAY) return;
  const ref = shortOrFullName(vs.namespace ?? ctx.defaultNamespace, gateway);
  if (!ctx.get(GatewayKind, ref.namespace, ref.name)) ctx.report(ReferencedResourceNotFound, vs, path, 'gateway', gateway);
}
