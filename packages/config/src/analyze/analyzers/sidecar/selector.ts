/**
 * Istio's sidecar.SelectorAnalyzer: a Sidecar's workloadSelector must match a
 * workload in its namespace (IST0101 "selector"); no two Sidecars may select
 * the same workload (IST0110); a namespace may hold at most one Sidecar
 * without a selector (IST0111).
 */
import { SidecarKind, type Sidecar } from '@skiff/api';
import type { AnalyzedResource, Analyzer } from '../../analyzer.ts';
import { ConflictingSidecarWorkloadSelectors, MultipleSidecarsWithoutWorkloadSelectors, ReferencedResourceNotFound } from '../../messages.gen.ts';
import { selectorMatches, selectorString, type Workload } from '../../workloads.ts';

export const sidecarSelectorAnalyzer: Analyzer = {
  name: 'sidecar.SelectorAnalyzer',
  description: 'Validates that sidecars that define a workload selector match at least one pod, and that there aren\'t multiple sidecar resources that select overlapping pods',
  inputs: [SidecarKind],
  analyze(ctx) {
    const withoutSelector = new Map<string, AnalyzedResource<Sidecar>[]>();
    const byWorkload = new Map<Workload, AnalyzedResource<Sidecar>[]>();
    for (const sc of ctx.list<Sidecar>(SidecarKind)) {
      const namespace = sc.namespace ?? ctx.defaultNamespace;
      const labels = sc.object.spec?.workloadSelector?.labels ?? {};
      if (Object.keys(labels).length === 0) {
        withoutSelector.set(namespace, [...(withoutSelector.get(namespace) ?? []), sc]);
        continue;
      }
      const selected = ctx.workloads.filter((w) => w.namespace === namespace && selectorMatches(labels, w.labels));
      if (selected.length === 0) {
        const first = Object.keys(labels).sort()[0];
        ctx.report(ReferencedResourceNotFound, sc, ['spec', 'workloadSelector', 'labels', first], 'selector', selectorString(labels));
      }
      for (const w of selected) byWorkload.set(w, [...(byWorkload.get(w) ?? []), sc]);
    }
    for (const [namespace, list] of withoutSelector) {
      if (list.length < 2) continue;
      const names = list.map((s) => s.name);
      for (const sc of list) ctx.report(MultipleSidecarsWithoutWorkloadSelectors, sc, ['metadata', 'name'], names, namespace);
    }
    for (const [workload, list] of byWorkload) {
      if (list.length < 2) continue;
      const names = list.map((s) => s.name);
      for (const sc of list) ctx.report(ConflictingSidecarWorkloadSelectors, sc, ['metadata', 'name'], names, workload.namespace, workload.name);
    }
  },
};
