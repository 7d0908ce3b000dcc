/**
 * Envoy's match_typed_subject_alt_names against a peer certificate: the
 * certificate passes when any of its SANs of a matcher's type matches that
 * matcher (Envoy's DefaultCertValidator::matchSubjectAltName). Compiled once
 * per context; Istio uses it with URI matchers holding SPIFFE ids.
 */
import type { PeerCertificate } from 'node:tls';
import { compileStringMatcher, type CompiledStringMatcher } from '../../http/route-table/string-matcher.ts';
import type { SanMatcherConfig, SanType } from './config.ts';

const NODE_SAN_PREFIX: Readonly<Record<string, SanType>> = { DNS: 'DNS', URI: 'URI', email: 'EMAIL', 'IP Address': 'IP_ADDRESS', othername: 'OTHER_NAME' };

export type SanCheck = (cert: PeerCertificate | undefined) => boolean;

/** Node's `subjectaltname` text (`DNS:a, URI:spiffe://…, IP Address:1.2.3.4`) as typed values. */
export function subjectAltNames(cert: PeerCertificate | undefined): { type: SanType; value: string }[] {
  const text = cert?.subjectaltname;
  if (!text) return [];
  const out: { type: SanType; value: string }[] = [];
  for (const part of text.split(/, (?=(?:DNS|URI|email|IP Address|othername|DirName|Registered ID):)/)) {
    const i = part.indexOf(':');
    const type = NODE_SAN_PREFIX[part.slice(0, i)];
    if (!type) continue;
    let value = part.slice(i + 1);
    if (value.startsWith('"') && value.endsWith('"')) value = JSON.parse(value) as string;
    out.push({ type, value });
  }
  return out;
}

export function compileSanMatchers(matchers: readonly SanMatcherConfig[]): SanCheck {
  if (matchers.length === 0) return () => true;
  const compiled: { type: SanType; match: CompiledStringMatcher }[] = matchers.map((m) => ({ type: m.sanType, match: compileStringMatcher(m.matcher) }));
  return (cert) => {
    const sans = subjectAltNames(cert);
    return compiled.some((m) => sans.some((s) => s.type === m.type && m.match(s.value)));
  };
}
