/**
 * IST0161 from Istio's gateway.SecretAnalyzer: a server's `credentialName`
 * secret exists (its absence is IST0101, gateway/secret.ts) but is not a
 * usable certificate: it must hold `tls.crt` and `tls.key` (or Istio's
 * generic `cert` and `key`), non-empty, and the certificate must be PEM that
 * parses and is valid now. The secret is looked up in the namespace of the
 * gateway workload the Gateway selects, like the IST0101 check.
 */
import { X509Certificate } from 'node:crypto';
import { GatewayKind, kube, type Gateway } from '@skiff/api';
import type { Analyzer } from '../../analyzer.ts';
import { shortOrFullName } from '../../hosts.ts';
import { InvalidGatewayCredential } from '../../messages.gen.ts';
import { selectorMatches } from '../../workloads.ts';

export const gatewayCredentialAnalyzer: Analyzer = {
  name: 'gateway.CredentialAnalyzer',
  description: 'Checks that the secret a gateway\'s credentialName names holds a valid TLS certificate and key',
  inputs: [GatewayKind, kube.SecretKind],
  analyze(ctx) {
    for (const gw of ctx.list<Gateway>(GatewayKind)) {
      const workload = ctx.workloads.find((w) => selectorMatches(gw.object.spec?.selector ?? {}, w.labels));
      if (!workload) continue;
      (gw.object.spec?.servers ?? []).forEach((server, i) => {
        const name = server.tls?.credentialName;
        if (!name) return;
        const ref = shortOrFullName(workload.namespace, name);
        const secret = ctx.get<kube.Secret>(kube.SecretKind, ref.namespace, ref.name);
        if (!secret || isValidTlsSecret(secret.object)) return;
        ctx.report(InvalidGatewayCredential, gw, ['spec', 'servers', i, 'tls', 'credentialName'], gw.name, workload.namespace);
      });
    }
  },
};

/** Istio's ExtractCertInfo + ValidateCertificate: a certificate and key, the certificate parseable and current. */
export function isValidTlsSecret(secret: kube.Secret, now: Date = new Date()): boolean {
  const value = (key: string): string | undefined => {
    const plain = secret.stringData?.[key];
    if (plain) return plain;
    const encoded = secret.data?.[key];
    return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
  };
  const pair = [['cert', 'key'], ['tls.crt', 'tls.key']].map(([c, k]) => ({ cert: value(c), key: value(k) })).find((p) => p.cert && p.key);
  if (!pair) return false;
  try {
    const cert = new X509Certificate(pair.cert!);
    return now >= new Date(cert.validFrom) && now <= new Date(cert.validTo);
  } catch {
    return false;
  }
}
