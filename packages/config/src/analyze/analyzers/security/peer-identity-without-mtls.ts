/**
 * SKF0002, Skiff's own: an AuthorizationPolicy that matches on `principals`,
 * `namespaces` (or their `not` forms) for workloads whose PeerAuthentication
 * disables mTLS. Those attributes come from the peer's certificate; with mTLS
 * off no request carries one, so an ALLOW rule built on them never matches
 * (every request is denied with `RBAC: access denied`) and a DENY rule never
 * fires. Istio validates neither side against the other.
 */
import { AuthorizationPolicyKind, type AuthorizationPolicy } from '@skiff/api';
import type { FieldPath } from '@skiff/common';
import type { Analyzer } from '../../analyzer.ts';
import { AuthorizationPolicyPeerIdentityWithoutMtls } from '../../messages.gen.ts';
import { selectorMatches } from '../../workloads.ts';
import { PeerAuthenticationIndex, rootNamespace } from '../peerauthentication/effective-mtls.ts';

const PEER_FIELDS = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'] as const;

export const peerIdentityWithoutMtlsAnalyzer: Analyzer = {
  name: 'skiff.PeerIdentityWithoutMtlsAnalyzer',
  description: 'Checks that AuthorizationPolicies matching on peer identity select workloads that receive mTLS',
  inputs: [AuthorizationPolicyKind],
  analyze(ctx) {
    const peerAuthentications = new PeerAuthenticationIndex(ctx);
    if (peerAuthentications.isEmpty) return; // PERMISSIVE everywhere: identities arrive whenever the client has a sidecar
    const root = rootNamespace(ctx);
    for (const policy of ctx.list<AuthorizationPolicy>(AuthorizationPolicyKind)) {
      const spec = policy.object.spec ?? {};
      if (spec.targetRef || (spec.targetRefs ?? []).length > 0) continue;
      const use = firstPeerFieldUse(policy.object);
      if (!use) continue;
      const namespace = policy.namespace ?? ctx.defaultNamespace;
      const selected = ctx.workloads.filter((w) => (namespace === root || w.namespace === namespace)
        && selectorMatches(spec.selector?.matchLabels, w.labels) && w.resource !== undefined);
      const disabled = selected
        .map((w) => ({ w, mtls: peerAuthentications.resolve({ namespace: w.namespace, labels: w.labels }, 0) }))
        .filter(({ mtls }) => mtls.mode === 'DISABLE' && mtls.policy);
      if (disabled.length === 0) continue;
      const peer = disabled[0].mtls.policy!;
      const effect = spec.action === 'DENY'
        ? 'this DENY rule never fires, so it protects nothing.'
        : 'an ALLOW rule that needs one never matches, so these requests are denied (403 RBAC: access denied).';
      ctx.report(AuthorizationPolicyPeerIdentityWithoutMtls, policy, use.path,
        `${namespace}/${policy.name}`, use.fields.join(' and '), `${peer.namespace ?? ctx.defaultNamespace}/${peer.name}`,
        disabled.map(({ w }) => `${w.namespace}/${w.name}`), effect);
    }
  },
};

function firstPeerFieldUse(policy: AuthorizationPolicy): { path: FieldPath; fields: string[] } | undefined {
  let first: FieldPath | undefined;
  const fields = new Set<string>();
  (policy.spec?.rules ?? []).forEach((rule, r) => (rule.from ?? []).forEach((from, f) => {
    for (const field of PEER_FIELDS) {
      if ((from.source?.[field] ?? []).length === 0) continue;
      fields.add(field);
      first ??= ['spec', 'rules', r, 'from', f, 'source', field];
    }
  }));
  return first ? { path: first, fields: [...fields] } : undefined;
}
