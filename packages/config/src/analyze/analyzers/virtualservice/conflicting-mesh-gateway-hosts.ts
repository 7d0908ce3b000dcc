/**
 * IST0109 (Istio's virtualservice.ConflictingMeshGatewayHostsAnalyzer): two
 * VirtualServices bound to the mesh gateway (no `gateways`, or `mesh` among
 * them) must not define the same host in the same scope; each is reported once.
 */
import { VirtualServiceKind, type VirtualService } from '@skiff/api';
import type { AnalyzedResource, Analyzer } from '../../analyzer.ts';
import { hostToFqdn, isExportedToAll } from '../../hosts.ts';
import { ConflictingMeshGatewayVirtualServiceHosts } from '../../messages.gen.ts';
import { MESH_GATEWAY } from './gateways.ts';

export const conflictingMeshGatewayHostsAnalyzer: Analyzer = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  description: 'Checks if multiple virtual services associated with the mesh gateway have conflicting hosts',
  inputs: [VirtualServiceKind],
  analyze(ctx) {
    /** Istio's ScopedFqdn `scope/fqdn` (scope `*` when exported everywhere) → VirtualServices. */
    const byHost = new Map<string, AnalyzedResource<VirtualService>[]>();
    for (const vs of ctx.list<VirtualService>(VirtualServiceKind)) {
      const spec = vs.object.spec ?? {};
      const gateways = spec.gateways ?? [];
      if (gateways.length > 0 && !gateways.includes(MESH_GATEWAY)) continue;
      const namespace = vs.namespace ?? ctx.defaultNamespace;
      const scope = isExportedToAll(spec.exportTo) ? '*' : namespace;
      for (const host of new Set(spec.hosts ?? [])) {
        const key = `${scope}/${hostToFqdn(namespace, host)}`;
        byHost.set(key, [...(byHost.get(key) ?? []), vs]);
      }
    }
    const reported = new Set<AnalyzedResource>();
    for (const [scopedHost, list] of byHost) {
      if (list.length < 2) continue;
      const names = list.map((vs) => `${vs.namespace}/${vs.name}`).join(',');
      for (const vs of list) {
        if (reported.has(vs)) continue;
        reported.add(vs);
        ctx.report(ConflictingMeshGatewayVirtualServiceHosts, vs, ['metadata', 'name'], names, scopedHost);
      }
    }
  },
};
