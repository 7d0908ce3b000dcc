/** Host names as Istio accepts them: FQDNs, short names, `*` and `*.suffix` wildcards, `ns/host` forms. */
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';
import { isDns1123Label } from './names.ts';

const LABEL = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

/** A DNS name with an optional leading `*.` or a lone `*` (Istio's ValidateWildcardDomain). */
export function wildcardDomainError(host: string): string | undefined {
  if (host.length === 0) return 'domain name is empty';
  if (host.length > 255) return `domain name "${host}" too long (max 255)`;
  if (host === '*') return undefined;
  const rest = host.startsWith('*.') ? host.slice(2) : host;
  if (host.startsWith('*') && !host.startsWith('*.')) return `invalid wildcard domain "${host}": wildcard must be "*" or a leading "*." label`;
  const labels = rest.split('.');
  // A trailing dot (FQDN form) is allowed; empty labels elsewhere are not.
  if (labels.at(-1) === '') labels.pop();
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || !LABEL.test(label)) return `domain name "${host}" invalid (label "${label}" invalid)`;
  }
  return undefined;
}

export function validateWildcardHost(host: string, path: FieldPath, issues: IssueCollector): void {
  const err = wildcardDomainError(host);
  if (err) issues.error(path, err);
}

/** Gateway and Sidecar hosts: `namespace/dnsName`, where namespace is `*`, `.` or a namespace name. */
export function validateNamespaceSlashHost(value: string, path: FieldPath, issues: IssueCollector): void {
  const parts = value.split('/');
  if (parts.length > 2) {
    issues.error(path, `host must be of form namespace/dnsName, got "${value}"`);
    return;
  }
  if (parts.length === 2) {
    const [ns, host] = parts;
    if (ns !== '*' && ns !== '.' && !isDns1123Label(ns)) issues.error(path, `invalid namespace value "${ns}" in host "${value}"; expected "*", "." or a namespace name`);
    validateWildcardHost(host, path, issues);
  } else {
    validateWildcardHost(value, path, issues);
  }
}
