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

/** A DNS name without wildcards (Istio's ValidateFQDN). */
export function fqdnError(host: string): string | undefined {
  if (host.length === 0) return 'empty domain name not allowed';
  if (host.length > 255) return `domain name "${host}" too long (max 255)`;
  const labels = host.split('.');
  if (labels.at(-1) === '') labels.pop();
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || !LABEL.test(label)) return `domain name "${host}" invalid (label "${label}" invalid)`;
  }
  return undefined;
}

/**
 * `exportTo` (Istio's validateExportTo): `.`, `*`, or namespace names; no
 * duplicates; `*` alone; `~` only on ServiceEntry and alone.
 */
export function validateExportTo(
  namespace: string,
  exportTo: readonly string[] | undefined,
  path: FieldPath,
  issues: IssueCollector,
  options: { isServiceEntry?: boolean; hasWorkloadSelector?: boolean } = {},
): void {
  if (!exportTo || exportTo.length === 0) return;
  const seen = new Set<string>();
  exportTo.forEach((entry, i) => {
    const key = entry === '.' ? namespace : entry;
    if (seen.has(key)) {
      issues.error([...path, i], key !== entry
        ? `duplicate entries in exportTo: . and current namespace ${namespace}`
        : `duplicate entries in exportTo for entry ${entry}`);
      return;
    }
    if (entry === '~') {
      if (options.isServiceEntry) seen.add(key);
      else issues.error([...path, i], 'exportTo ~ (none) is not allowed for Istio configuration objects');
      return;
    }
    if (key !== '*' && !isDns1123Label(key)) {
      issues.error([...path, i], 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry');
      return;
    }
    seen.add(key);
  });
  if (options.hasWorkloadSelector && seen.size > 0 && (!seen.has(namespace) || seen.size > 1)) {
    issues.error(path, 'destination rule with workload selector cannot have multiCluster export');
  }
  if (seen.has('*') && exportTo.length > 1) issues.error(path, 'cannot have both public (*) and non-public exportTo values for a resource');
  if (seen.has('~') && exportTo.length > 1) issues.error(path, 'cannot export service entry to no one (~) and someone');
}

/** Gateway references in a VirtualService (`mesh`, `name`, `ns/name`); Istio's validateGatewayNames. */
export function validateGatewayNames(names: readonly string[] | undefined, path: FieldPath, issues: IssueCollector): void {
  (names ?? []).forEach((name, i) => {
    const at = [...path, i];
    const slash = name.indexOf('/');
    if (slash < 0) {
      if (name.includes('.')) {
        const parts = name.split('.');
        issues.warning(at, `using legacy gatewayName format "${name}"; prefer the <namespace>/<name> format: "${parts[0]}/${parts[1]}"`);
      }
      const err = fqdnError(name);
      if (err) issues.error(at, err);
      return;
    }
    const ns = name.slice(0, slash);
    const gw = name.slice(slash + 1);
    if (ns === '' || gw === '') {
      issues.error(at, 'config namespace and gateway name cannot be empty');
      return;
    }
    if (!isDns1123Label(ns)) issues.error(at, `invalid value for namespace: "${ns}"`);
    if (!isDns1123Label(gw)) issues.error(at, `invalid value for gateway name: "${gw}"`);
  });
}

/** Sidecar egress hosts: `namespace/dnsName` is required (Istio's validateNamespaceSlashWildcardHostname). */
export function validateSidecarEgressHost(value: string, path: FieldPath, issues: IssueCollector): void {
  const slash = value.indexOf('/');
  if (slash < 0) {
    issues.error(path, 'host must be of form namespace/dnsName');
    return;
  }
  const ns = value.slice(0, slash);
  const host = value.slice(slash + 1);
  if (ns === '' || host === '') {
    issues.error(path, 'config namespace and dnsName in host entry cannot be empty');
    return;
  }
  if (ns !== '*' && ns !== '.' && ns !== '~' && !isDns1123Label(ns)) issues.error(path, `invalid namespace value "${ns}" in sidecar`);
  validateWildcardHost(host, path, issues);
}

/** Whether host `a` is matched by host pattern `b` (Istio's host.Name.SubsetOf for wildcards). */
export function isHostSubsetOf(a: string, b: string): boolean {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (lb === '*') return true;
  if (lb.startsWith('*.')) {
    const suffix = lb.slice(1);
    return la.startsWith('*.') ? la.slice(1).endsWith(suffix) : la.endsWith(suffix);
  }
  return la === lb;
}

/** Whether two host patterns overlap (Istio's host.Name.Matches). */
export function hostsOverlap(a: string, b: string): boolean {
  return isHostSubsetOf(a, b) || isHostSubsetOf(b, a);
}
