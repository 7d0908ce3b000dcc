/**
 * IST0101 "credentialName" (Istio's gateway.SecretAnalyzer): a server's
 * `tls.credentialName` must name a Secret in the namespace of the gateway
 * workload the Gateway selects (istio-system for the mesh's own gateways),
 * or `ns/name`. Gateways that select nothing are left to gateway.SelectorAnalyzer.
 */
import { GatewayKind, kube, type Gateway } from '@skiff/api';
import type { Analyzer } from '../../analyzer.ts';
import { shortOrFullName } from '../../hosts.ts';
import { ReferencedResourceNotFound } from '../../messages.gen.ts';
import { selectorMatches } from '../../workloads.ts';

export const gatewaySecretAnalyzer: Analyzer = {
  name: 'gateway.SecretAnalyzer',
  description: 'Checks a gateway\'s referenced secrets for correctness',
  inputs: [GatewayKind, kube.SecretKind],
  analyze(ctx) {
    for (const gw of ctx.list<Gateway>(GatewayKind)) {
      const selector = gw.object.spec?.selector ?? {};
      const workload = ctx.workloads.find((w) => selectorMatches(selector, w.labels));
      if (!workload) continue;
      (gw.object.spec?.servers ?? []).forEach((server, i) => {
        const name = server.tls?.credentialName;
        if (!name) return;
        const ref = shortOrFullName(workload.namespace, name);
        if (!ctx.get(kube.SecretKind, ref.namespace, ref.name)) {
          ctx.report(ReferencedResourceNotFound, gw, ['spec', 'servers', i, 'tls', 'credentialName'], 'credentialName', name);
        }
      });
    }
  },
};
