/**
 * IST0101 "selector" for Gateways (from Istio's gateway.IngressGatewayPortAnalyzer):
 * a Gateway's selector must match some workload, in any namespace. The mesh's
 * own ingress and egress gateways count (mesh-defaults.ts).
 */
import { GatewayKind, type Gateway } from '@skiff/api';
import type { Analyzer } from '../../analyzer.ts';
import { ReferencedResourceNotFound } from '../../messages.gen.ts';
import { selectorMatches, selectorString } from '../../workloads.ts';

export const gatewaySelectorAnalyzer: Analyzer = {
  name: 'gateway.SelectorAnalyzer',
  description: 'Checks that the workload selector of each gateway matches a gateway workload',
  inputs: [GatewayKind],
  analyze(ctx) {
    for (const gw of ctx.list<Gateway>(GatewayKind)) {
      const selector = gw.object.spec?.selector ?? {};
      if (ctx.workloads.some((w) => selectorMatches(selector, w.labels))) continue;
      const first = Object.keys(selector).sort()[0];
      ctx.report(ReferencedResourceNotFound, gw, first === undefined ? ['spec'] : ['spec', 'selector', first], 'selector', selectorString(selector));
    }
  },
};
