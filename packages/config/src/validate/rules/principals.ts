/**
 * Identity strings in AuthorizationPolicy sources: peer principals
 * (`<trust-domain>/ns/<namespace>/sa/<service-account>`), request principals
 * (`<iss>/<sub>`) and service accounts (`[namespace/]name`), with Istio's
 * wording (pkg/config/security) where Istio has a rule, and warnings where
 * a value is legal but cannot match what the proxy sees.
 */
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';

/** security.CheckEmptyValues. */
export function checkEmptyValues(name: string, values: readonly string[] | undefined, path: FieldPath, issues: IssueCollector): boolean {
  const i = (values ?? []).indexOf('');
  if (i >= 0) issues.error([...path, i], `empty value not allowed, found in ${name}`);
  return i < 0;
}

/** Peer principals are SPIFFE IDs without the `spiffe://` scheme, or wildcards around them. */
export function validatePrincipals(name: string, values: readonly string[] | undefined, path: FieldPath, issues: IssueCollector): void {
  if (!checkEmptyValues(name, values, path, issues)) return;
  (values ?? []).forEach((value, i) => {
    if (value.startsWith('spiffe://')) {
      issues.warning([...path, i], `principal "${value}" should not include the spiffe:// prefix; write "${value.slice('spiffe://'.length)}"`);
      return;
    }
    if (value === '*' || value.startsWith('*') || value.endsWith('*')) return;
    if (!/^[^/]+\/ns\/[^/]+\/sa\/[^/]+$/.test(value)) {
      issues.warning([...path, i], `principal "${value}" is not of the form <trust-domain>/ns/<namespace>/sa/<service-account> and will not match any workload identity`);
    }
  });
}

/** Request principals are `<iss>/<sub>` from a validated JWT. */
export function validateRequestPrincipals(name: string, values: readonly string[] | undefined, path: FieldPath, issues: IssueCollector): void {
  if (!checkEmptyValues(name, values, path, issues)) return;
  (values ?? []).forEach((value, i) => {
    if (value.startsWith('*') || value.endsWith('*')) return;
    if (!value.includes('/')) {
      issues.warning([...path, i], `request principal "${value}" is not of the form <iss>/<sub> and will never match`);
    }
  });
}

/** security.CheckServiceAccount. */
export function checkServiceAccounts(name: string, values: readonly string[] | undefined, path: FieldPath, issues: IssueCollector): void {
  const list = values ?? [];
  if (list.length > 16) {
    issues.error(path, 'may not have more than 16 values');
    return;
  }
  list.forEach((value, i) => {
    const at = [...path, i];
    if (value === '') return issues.error(at, `empty value not allowed, found in ${name}`);
    if (value.includes('*')) return issues.error(at, `wildcard not allowed, found in ${name}`);
    const slashes = value.split('/').length - 1;
    if (slashes > 1) return issues.error(at, `expected format 'serviceAccount' or 'namespace/serviceAccount', found "${value}" in ${name}`);
    if (value.length > 320) return issues.error(at, `value cannot exceed 320 characters, found "${value}" in ${name}`);
    const [ns, sa] = slashes === 1 ? value.split('/') : ['x', value];
    if (ns === '') return issues.error(at, `expected format 'serviceAccount' or 'namespace/serviceAccount', found empty namespace "${value}" in ${name}`);
    if (sa === '') issues.error(at, `expected format 'serviceAccount' or 'namespace/serviceAccount', found empty serviceAccount "${value}" in ${name}`);
  });
}
