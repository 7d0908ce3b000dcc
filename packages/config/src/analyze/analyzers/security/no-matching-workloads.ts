/**
 * IST0127 for AuthorizationPolicy (Istio's auth.AuthorizationPoliciesAnalyzer),
 * with the same rules applied to PeerAuthentication and RequestAuthentication,
 * which select workloads the same way and fail as silently when they select
 * none. Only workloads in the mesh count (util.PodInMesh: an istio-proxy
 * container, else the workload's own sidecar.istio.io/inject, else its
 * namespace's injection label).
 *  - In the root namespace a selector may match a workload in any namespace;
 *    a selectorless policy there is mesh-wide and never reported.
 *  - Elsewhere a selectorless policy needs some workload in its namespace
 *    (reported with empty labels), and a selector one matching workload there.
 * Policies that name a targetRef apply to a Gateway or Service, not to pods,
 * and are skipped. Sidecars and Telemetries that select nothing are IST0101
 * in Istio (sidecar/selector.ts, telemetry/selector.ts).
 */
import { AuthorizationPolicyKind, PeerAuthenticationKind, RequestAuthenticationKind, kube, type KindDefinition } from '@skiff/api';
import type { AnalysisContext, Analyzer } from '../../analyzer.ts';
import { NoMatchingWorkloadsFound } from '../../messages.gen.ts';
import { selectorMatches, selectorString, type Workload } from '../../workloads.ts';
import { rootNamespace } from '../peerauthentication/effective-mtls.ts';

interface SelectingSpec {
  readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> };
  readonly targetRef?: unknown;
  readonly targetRefs?: readonly unknown[];
}

const POLICY_KINDS: readonly KindDefinition[] = [AuthorizationPolicyKind, PeerAuthenticationKind, RequestAuthenticationKind];

export const noMatchingWorkloadsAnalyzer: Analyzer = {
  name: 'auth.NoMatchingWorkloadsAnalyzer',
  description: 'Checks that authorization and authentication policies select workloads in the mesh',
  inputs: [...POLICY_KINDS],
  analyze(ctx) {
    const root = rootNamespace(ctx);
    const inMesh = meshWorkloads(ctx);
    for (const kind of POLICY_KINDS) {
      for (const policy of ctx.list(kind)) {
        const spec = (policy.object.spec ?? {}) as SelectingSpec;
        if (spec.targetRef || (spec.targetRefs ?? []).length > 0) continue;
        const namespace = policy.namespace ?? ctx.defaultNamespace;
        const selector = spec.selector?.matchLabels;
        if (namespace === root) {
          if (!spec.selector || inMesh.some((w) => selectorMatches(selector, w.labels))) continue;
        } else if (!spec.selector) {
          if (inMesh.some((w) => w.namespace === namespace)) continue;
          ctx.report(NoMatchingWorkloadsFound, policy, ['metadata', 'name'], '');
          continue;
        } else if (inMesh.some((w) => w.namespace === namespace && selectorMatches(selector, w.labels))) {
          continue;
        }
        const first = Object.keys(selector ?? {}).sort()[0];
        ctx.report(NoMatchingWorkloadsFound, policy, first === undefined ? ['spec', 'selector'] : ['spec', 'selector', 'matchLabels', first], selectorString(selector ?? {}));
      }
    }
  },
};

/** Istio's util.PodInMesh over the analysis' workloads. */
function meshWorkloads(ctx: AnalysisContext): Workload[] {
  const namespaceLabels = new Map(ctx.list(kube.NamespaceKind).map((ns) => [ns.name, ns.object.metadata.labels ?? {}]));
  return ctx.workloads.filter((w) => {
    if (w.containers.some((c) => c.name === 'istio-proxy')) return true;
    const own = w.labels['sidecar.istio.io/inject'] ?? w.annotations['sidecar.istio.io/inject'];
    if (own !== undefined) return own === 'true';
    const labels = namespaceLabels.get(w.namespace) ?? {};
    if (labels['istio-injection'] !== undefined) return labels['istio-injection'] === 'enabled';
    return labels['istio.io/rev'] !== undefined;
  });
}
