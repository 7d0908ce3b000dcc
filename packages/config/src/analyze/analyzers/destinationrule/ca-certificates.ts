/**
 * Istio's destinationrule.CaCertificateAnalyzer: a DestinationRule that
 * originates TLS (mode SIMPLE or MUTUAL) without a CA to check the server
 * against sends traffic to whoever answers. Reported at the top level
 * (IST0128) and per port (IST0129). Not reported when `credentialName` is set
 * (the secret can carry `ca.crt`) or when `insecureSkipVerify: true` says the
 * user chose not to verify. Like Istio, subsets' own traffic policies are not
 * checked.
 */
import { DestinationRuleKind, type ClientTLSSettings, type DestinationRule } from '@skiff/api';
import type { Analyzer } from '../../analyzer.ts';
import { NoServerCertificateVerificationDestinationLevel, NoServerCertificateVerificationPortLevel } from '../../messages.gen.ts';

export const caCertificateAnalyzer: Analyzer = {
  name: 'destinationrule.CaCertificateAnalyzer',
  description: 'Checks if caCertificates is set when TLS mode is SIMPLE/MUTUAL',
  inputs: [DestinationRuleKind],
  analyze(ctx) {
    for (const dr of ctx.list<DestinationRule>(DestinationRuleKind)) {
      const namespace = dr.namespace ?? ctx.defaultNamespace;
      const fullName = `${namespace}/${dr.name}`;
      const host = dr.object.spec?.host ?? '';
      const policy = dr.object.spec?.trafficPolicy;
      if (policy?.tls && lacksVerification(policy.tls)) {
        ctx.report(NoServerCertificateVerificationDestinationLevel, dr, ['spec', 'trafficPolicy', 'tls', 'mode'],
          fullName, namespace, policy.tls.mode!, host);
      }
      (policy?.portLevelSettings ?? []).forEach((p, i) => {
        if (!p.tls || !lacksVerification(p.tls)) return;
        ctx.report(NoServerCertificateVerificationPortLevel, dr, ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls', 'mode'],
          fullName, namespace, p.tls.mode!, host, String(p.port?.number ?? ''));
      });
    }
  },
};

function lacksVerification(tls: ClientTLSSettings): boolean {
  if (tls.mode !== 'SIMPLE' && tls.mode !== 'MUTUAL') return false;
  return !tls.caCertificates && !tls.credentialName && tls.insecureSkipVerify !== true;
}
