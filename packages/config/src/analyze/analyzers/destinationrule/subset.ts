/**
 * Istio's destinationrule.SubsetSelectPodAnalyzer: a DestinationRule's host
 * must be a service the mesh knows (IST0174, resolved from the rule's
 * namespace as a destination host is, and a wildcard host must cover at least
 * one known host), and each subset must select at least one workload of that
 * service (IST0173), since an empty subset is a cluster with no endpoints:
 * 503 UH.
 *
 * A subset's selector is the service's own selector (a Kubernetes Service's
 * `selector`, a ServiceEntry's `workloadSelector`) merged with the subset's
 * labels, matched against workloads in the service's namespace. A
 * ServiceEntry without a workloadSelector is matched against its own
 * `endpoints` labels, and skipped when it has none; the mesh's own services
 * are skipped too, since their pods are not in the input.
 */
import { DestinationRuleKind, type DestinationRule } from '@skiff/api';
import type { Analyzer } from '../../analyzer.ts';
import { hostToFqdn, wildcardCovers } from '../../hosts.ts';
import { sameKind, ServiceRef } from '../../kinds.ts';
import { DestinationRuleSubsetNotSelectPods, UnknownDestinationRuleHost } from '../../messages.gen.ts';
import type { ServiceRecord } from '../../service-registry.ts';
import { selectorMatches } from '../../workloads.ts';

export const subsetSelectPodAnalyzer: Analyzer = {
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  description: 'Checks if pods are selected by subsets in destination rules.',
  inputs: [DestinationRuleKind],
  analyze(ctx) {
    for (const dr of ctx.list<DestinationRule>(DestinationRuleKind)) {
      const namespace = dr.namespace ?? ctx.defaultNamespace;
      const host = dr.object.spec?.host ?? '';
      const record = ctx.services.lookup(host, namespace) ?? coveredByWildcard(ctx.services.records, hostToFqdn(namespace, host));
      if (!record) {
        ctx.report(UnknownDestinationRuleHost, dr, ['spec', 'host'], host);
        continue;
      }
      const candidates = candidateLabels(record, ctx.workloads);
      if (!candidates) continue;
      (dr.object.spec?.subsets ?? []).forEach((subset, i) => {
        const selector = { ...candidates.selector, ...(subset.labels ?? {}) };
        if (candidates.labels.some((labels) => selectorMatches(selector, labels))) return;
        ctx.report(DestinationRuleSubsetNotSelectPods, dr, ['spec', 'subsets', i, 'name'], subset.name ?? '');
      });
    }
  },
};

function coveredByWildcard(records: readonly ServiceRecord[], fqdn: string): ServiceRecord | undefined {
  if (!fqdn.startsWith('*')) return undefined;
  return records.find((r) => r.hosts.some((h) => wildcardCovers(fqdn, h)));
}

/** The service's own selector and the label sets of the instances it may pick; undefined when unknown. */
function candidateLabels(record: ServiceRecord, workloads: readonly { namespace: string; labels: Readonly<Record<string, string>> }[]):
  { selector: Readonly<Record<string, string>>; labels: readonly Readonly<Record<string, string>>[] } | undefined {
  const resource = record.resource;
  if (!resource) return undefined;
  const inNamespace = workloads.filter((w) => w.namespace === record.namespace).map((w) => w.labels);
  if (sameKind(resource.kind, ServiceRef)) {
    return { selector: ((resource.object.spec ?? {}) as { selector?: Record<string, string> }).selector ?? {}, labels: inNamespace };
  }
  const spec = (resource.object.spec ?? {}) as { workloadSelector?: { labels?: Record<string, string> }; endpoints?: { labels?: Record<string, string> }[] };
  if (spec.workloadSelector) return { selector: spec.workloadSelector.labels ?? {}, labels: inNamespace };
  if (!spec.endpoints || spec.endpoints.length === 0) return undefined;
  return { selector: {}, labels: spec.endpoints.map((e) => e.labels ?? {}) };
}
