/**
 * The selector half of Istio's telemetry.SelectorAnalyzer: a Telemetry with
 * a non-empty selector must match a workload in its namespace, else IST0101
 * "selector" (Istio's code here, not IST0127). Telemetries selecting the same
 * workload (IST0159) and several without a selector (IST0160) are not
 * checked here.
 */
import { TelemetryKind, type Telemetry } from '@skiff/api';
import type { Analyzer } from '../../analyzer.ts';
import { ReferencedResourceNotFound } from '../../messages.gen.ts';
import { selectorMatches, selectorString } from '../../workloads.ts';

export const telemetrySelectorAnalyzer: Analyzer = {
  name: 'telemetry.SelectorAnalyzer',
  description: 'Validates that telemetries that define a selector match at least one pod',
  inputs: [TelemetryKind],
  analyze(ctx) {
    for (const telemetry of ctx.list<Telemetry>(TelemetryKind)) {
      const selector = telemetry.object.spec?.selector?.matchLabels ?? {};
      const keys = Object.keys(selector).sort();
      if (keys.length === 0) continue;
      const namespace = telemetry.namespace ?? ctx.defaultNamespace;
      if (ctx.workloads.some((w) => w.namespace === namespace && selectorMatches(selector, w.labels))) continue;
      ctx.report(ReferencedResourceNotFound, telemetry, ['spec', 'selector', 'matchLabels', keys[0]], 'selector', selectorString(selector));
    }
  },
};
