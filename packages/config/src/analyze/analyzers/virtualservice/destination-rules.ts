/**
 * Istio's virtualservice.DestinationRuleAnalyzer: a destination (or mirror)
 * with a subset needs a DestinationRule for that host defining the subset
 * (IST0101 "host+subset in destinationrule" / "mirror+subset in destinationrule").
 * Hosts are compared as FQDNs, each resolved in its own resource's namespace.
 */
import { DestinationRuleKind, VirtualServiceKind, type DestinationRule, type VirtualService } from '@skiff/api';
import type { Analyzer } from '../../analyzer.ts';
import { hostToFqdn } from '../../hosts.ts';
import { ReferencedResourceNotFound } from '../../messages.gen.ts';
import { mirrorDestinations, routeDestinations } from './route-destinations.ts';

export const destinationRuleAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  description: 'Checks the destination rules associated with each virtual service',
  inputs: [VirtualServiceKind, DestinationRuleKind],
  analyze(ctx) {
    /** FQDN → subset names defined for it. */
    const subsets = new Map<string, Set<string>>();
    for (const dr of ctx.list<DestinationRule>(DestinationRuleKind)) {
      const host = hostToFqdn(dr.namespace ?? ctx.defaultNamespace, dr.object.spec?.host ?? '');
      const names = subsets.get(host) ?? new Set<string>();
      for (const s of dr.object.spec?.subsets ?? []) if (s.name) names.add(s.name);
      subsets.set(host, names);
    }
    for (const vs of ctx.list<VirtualService>(VirtualServiceKind)) {
      const namespace = vs.namespace ?? ctx.defaultNamespace;
      for (const d of [...routeDestinations(vs.object.spec ?? {}), ...mirrorDestinations(vs.object.spec ?? {})]) {
        const subset = d.destination.subset;
        if (!subset) continue;
        const host = d.destination.host ?? '';
        if (subsets.get(hostToFqdn(namespace, host))?.has(subset)) continue;
        ctx.report(ReferencedResourceNotFound, vs, [...d.path, 'subset'],
          d.isMirror ? 'mirror+subset in destinationrule' : 'host+subset in destinationrule', `${host}+${subset}`);
      }
    }
  },
};
