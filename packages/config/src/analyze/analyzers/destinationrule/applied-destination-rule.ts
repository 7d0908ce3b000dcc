/**
 * Which DestinationRule a client's sidecar applies to a service host, as
 * Istio's PushContext.destinationRule picks it: first a rule in the client's
 * own namespace, then one in the service's namespace, then one in the root
 * namespace; at each step only rules exported to the client's namespace, and
 * the most specific host (exact before wildcard, longer wildcard first).
 * Rules with a workloadSelector apply only to some clients and are left out.
 */
import type { DestinationRule } from '@skiff/api';
import type { AnalyzedResource } from '../../analyzer.ts';
import { hostToFqdn, isVisibleFrom, wildcardCovers } from '../../hosts.ts';

export interface DestinationRuleIndex {
  applied(clientNamespace: string, serviceNamespace: string, fqdn: string): AnalyzedResource<DestinationRule> | undefined;
}

export function destinationRuleIndex(rules: readonly AnalyzedResource<DestinationRule>[], defaultNamespace: string, root: string): DestinationRuleIndex {
  const candidates = rules
    .filter((r) => !r.object.spec?.workloadSelector)
    .map((r) => {
      const namespace = r.namespace ?? defaultNamespace;
      return { rule: r, namespace, host: hostToFqdn(namespace, r.object.spec?.host ?? ''), exportTo: r.object.spec?.exportTo };
    });
  return {
    applied(clientNamespace, serviceNamespace, fqdn) {
      for (const namespace of new Set([clientNamespace, serviceNamespace, root])) {
        const matching = candidates
          .filter((c) => c.namespace === namespace && isVisibleFrom(c.exportTo, c.namespace, clientNamespace)
            && (c.host === fqdn || wildcardCovers(c.host, fqdn)))
          .sort((a, b) => specificity(b.host, fqdn) - specificity(a.host, fqdn));
        if (matching.length > 0) return matching[0].rule;
      }
      return undefined;
    },
  };
}

function specificity(host: string, fqdn: string): number {
  return host === fqdn ? Number.MAX_SAFE_INTEGER : host.length;
}
