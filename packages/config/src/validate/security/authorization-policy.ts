/** AuthorizationPolicy: Istio's ValidateAuthorizationPolicy (pkg/config/validation, pkg/config/security). */
import type { AuthorizationPolicy, AuthorizationSource, AuthorizationOperation, ResourceObject } from '@skiff/api';
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';
import { isCidrOrIp } from '../rules/cidr.ts';
import { checkEmptyValues, checkServiceAccounts, validatePrincipals, validateRequestPrincipals } from '../rules/principals.ts';
import { validateOneOfSelectorType, validatePolicyTargetReference, validatePolicyTargetReferences, validateWorkloadSelector } from '../rules/selector-labels.ts';
import { portError, validateConditionKey } from './conditions.ts';

export function validateAuthorizationPolicy(object: ResourceObject, issues: IssueCollector): void {
  const { spec } = object as AuthorizationPolicy;
  const at = ['spec'] as const;
  validateOneOfSelectorType(spec, at, issues);
  validateWorkloadSelector(spec.selector, [...at, 'selector'], issues);
  validatePolicyTargetReference(spec.targetRef, [...at, 'targetRef'], issues);
  validatePolicyTargetReferences(spec.targetRefs, [...at, 'targetRefs'], issues);

  const action = spec.action ?? 'ALLOW';
  const rules = spec.rules;
  if (action === 'CUSTOM') {
    if (rules === undefined) {
      issues.error([...at, 'rules'], 'CUSTOM action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request');
    } else if (!spec.provider?.name) {
      issues.error([...at, 'provider', 'name'], '`provider.name` must not be empty');
    }
    (rules ?? []).forEach((rule, i) => checkCustomRule(rule, [...at, 'rules', i], issues));
  }
  if (spec.provider !== undefined && action !== 'CUSTOM') {
    issues.error([...at, 'provider'], `\`provider\` must not be with non CUSTOM action, found ${action}`);
  }
  if (action === 'DENY' && rules === undefined) {
    issues.error([...at, 'rules'], 'DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request');
  }
  if (action === 'AUDIT' && rules === undefined) {
    issues.warning([...at, 'rules'], 'AUDIT action without `rules` audits nothing; add an empty rule `{}` to audit every request');
  }

  (rules ?? []).forEach((rule, i) => {
    const rp = [...at, 'rules', i] as const;
    if (rule.from !== undefined && rule.from.length === 0) issues.error([...rp, 'from'], `\`from\` must not be empty, found at rule ${i}`);
    if (rule.to !== undefined && rule.to.length === 0) issues.error([...rp, 'to'], `\`to\` must not be empty, found at rule ${i}`);
    let tcpInFrom = false;
    let tcpInTo = false;
    let fromExists = false;
    let toExists = false;
    (rule.from ?? []).forEach((from, j) => {
      const fp = [...rp, 'from', j, 'source'];
      if (!from.source) {
        issues.error([...rp, 'from', j], `\`from.source\` must not be nil, found at rule ${i}`);
        return;
      }
      fromExists = true;
      const src = from.source;
      if (validateSource(src, fp, i, issues)) tcpInFrom = true;
    });
    (rule.to ?? []).forEach((to, j) => {
      if (!to.operation) {
        issues.error([...rp, 'to', j], `\`to.operation\` must not be nil, found at rule ${i}`);
        return;
      }
      toExists = true;
      if (validateOperation(to.operation, [...rp, 'to', j, 'operation'], i, issues)) tcpInTo = true;
    });
    (rule.when ?? []).forEach((condition, j) => {
      const cp = [...rp, 'when', j];
      const key = condition.key ?? '';
      if (key === '') {
        issues.error([...cp, 'key'], '`key` must not be empty');
        return;
      }
      if (!condition.values?.length && !condition.notValues?.length) {
        issues.error(cp, `at least one of \`values\` or \`notValues\` must be set for key ${key}`);
        return;
      }
      const valueErr = validateConditionKey(key, condition.values ?? []);
      if (valueErr) issues.error(valueErr.onKey ? [...cp, 'key'] : [...cp, 'values'], `invalid \`value\` for \`key\` ${key}: ${valueErr.message}`);
      const notValueErr = validateConditionKey(key, condition.notValues ?? []);
      if (notValueErr && !notValueErr.onKey) issues.error([...cp, 'notValues'], `invalid \`notValue\` for \`key\` ${key}: ${notValueErr.message}`);
    });
    if (action === 'DENY' && ((fromExists && !toExists && !tcpInFrom) || (toExists && !tcpInTo))) {
      issues.warning(rp, 'configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port');
    }
  });
}

const SOURCE_FIELDS = ['principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts'] as const;
const TCP_SOURCE_FIELDS = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks',
  'remoteIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts'] as const;

/** Returns whether the source uses attributes a TCP (non-HTTP) connection carries. */
function validateSource(src: AuthorizationSource, path: FieldPath, rule: number, issues: IssueCollector): boolean {
  const len = (f: typeof SOURCE_FIELDS[number]) => src[f]?.length ?? 0;
  if ((len('principals') + len('notPrincipals') + len('namespaces') + len('notNamespaces') > 0) && len('serviceAccounts') + len('notServiceAccounts') > 0) {
    issues.error(path, `cannot set serviceAccounts with namespaces or principals, found at rule ${rule}`);
  }
  if (SOURCE_FIELDS.every((f) => len(f) === 0)) issues.error(path, `\`from.source\` must not be empty, found at rule ${rule}`);
  for (const f of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const) {
    (src[f] ?? []).forEach((v, k) => {
      if (v === '') issues.error([...path, f, k], `empty value not allowed, found in ${upperFirst(f)}`);
      else if (!isCidrOrIp(v)) issues.error([...path, f, k], v.includes('/') ? `bad CIDR range (${v})` : `bad IP address (${v})`);
    });
  }
  validatePrincipals('Principals', src.principals, [...path, 'principals'], issues);
  validatePrincipals('NotPrincipals', src.notPrincipals, [...path, 'notPrincipals'], issues);
  validateRequestPrincipals('RequestPrincipals', src.requestPrincipals, [...path, 'requestPrincipals'], issues);
  validateRequestPrincipals('NotRequestPrincipals', src.notRequestPrincipals, [...path, 'notRequestPrincipals'], issues);
  checkEmptyValues('Namespaces', src.namespaces, [...path, 'namespaces'], issues);
  checkEmptyValues('NotNamespaces', src.notNamespaces, [...path, 'notNamespaces'], issues);
  checkServiceAccounts('ServiceAccounts', src.serviceAccounts, [...path, 'serviceAccounts'], issues);
  checkServiceAccounts('NotServiceAccounts', src.notServiceAccounts, [...path, 'notServiceAccounts'], issues);
  return TCP_SOURCE_FIELDS.some((f) => src[f] !== undefined);
}

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

/** Returns whether the operation uses ports (the only TCP attribute in `to`). */
function validateOperation(op: AuthorizationOperation, path: FieldPath, rule: number, issues: IssueCollector): boolean {
  const fields = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'] as const;
  if (fields.every((f) => (op[f]?.length ?? 0) === 0)) issues.error(path, `\`to.operation\` must not be empty, found at rule ${rule}`);
  for (const f of fields) checkEmptyValues(upperFirst(f), op[f], [...path, f], issues);
  for (const f of ['ports', 'notPorts'] as const) {
    (op[f] ?? []).forEach((p, k) => {
      if (p === '') return;
      const err = portError(p);
      if (err) issues.error([...path, f, k], err);
    });
  }
  for (const f of ['methods', 'notMethods'] as const) {
    (op[f] ?? []).forEach((m, k) => {
      if (m === '' || m === '*' || m.startsWith('*') || m.endsWith('*')) return;
      if (!HTTP_METHODS.includes(m)) {
        issues.warning([...path, f, k], m.toUpperCase() === m
          ? `method "${m}" is not a standard HTTP method; methods are matched exactly`
          : `method "${m}" is matched case-sensitively and will never match; did you mean "${m.toUpperCase()}"?`);
      }
    });
  }
  for (const f of ['paths', 'notPaths'] as const) {
    (op[f] ?? []).forEach((p, k) => {
      if (p === '') return;
      const err = pathTemplateError(p, upperFirst(f));
      if (err) issues.error([...path, f, k], err);
      else if (!p.startsWith('/') && !p.startsWith('*')) issues.warning([...path, f, k], `path "${p}" does not start with "/" and will never match a request path`);
    });
  }
  return op.ports !== undefined || op.notPorts !== undefined;
}

const VALID_LITERAL = /^[a-zA-Z0-9-._~%!$&'()+,;:@=]+$/;

/** security.CheckValidPathTemplate: `{*}` matches one segment, `{**}` the rest and must come last. */
function pathTemplateError(raw: string, key: string): string | undefined {
  const hasTemplate = raw.includes('{*}') || raw.includes('{**}');
  const path = raw.replace(/^\/+|\/+$/g, '');
  let seenAny = false;
  for (const glob of path.split('/')) {
    if (glob === '{*}' && !seenAny) continue;
    if (glob === '{**}' && !seenAny) {
      seenAny = true;
      continue;
    }
    if ((glob === '{**}' || glob === '{*}') && seenAny) return `invalid or unsupported path ${path}, found in ${key}. {**} is not the last operator`;
    if (/[{}]/.test(glob)) return `invalid or unsupported path ${path}, found in ${key}. Contains '{' or '}' beyond a supported path template`;
    if (hasTemplate && !VALID_LITERAL.test(glob)) return `invalid or unsupported path ${path}, found in ${key}. Contains segment ${glob} with invalid string literal`;
  }
  return undefined;
}

function checkCustomRule(rule: NonNullable<AuthorizationPolicy['spec']['rules']>[number], path: FieldPath, issues: IssueCollector): void {
  const unsupported = (p: FieldPath, name: string) => issues.error(p, `${name} is currently not supported with CUSTOM action`);
  (rule.from ?? []).forEach((from, j) => {
    const src = from.source;
    if (!src) return;
    const sp = [...path, 'from', j, 'source'];
    const checks = [['namespaces', 'From.Namespaces'], ['notNamespaces', 'From.NotNamespaces'], ['serviceAccounts', 'From.ServiceAccounts'],
      ['notServiceAccounts', 'From.NotServiceAccounts'], ['principals', 'From.Principals'], ['notPrincipals', 'From.NotPrincipals'],
      ['requestPrincipals', 'From.RequestPrincipals'], ['notRequestPrincipals', 'From.NotRequestPrincipals']] as const;
    for (const [field, name] of checks) if (src[field]?.length) unsupported([...sp, field], name);
  });
  (rule.when ?? []).forEach((c, j) => {
    const key = c.key ?? '';
    if (key === 'source.namespace' || key === 'source.serviceAccount' || key === 'source.principal' || key.startsWith('request.auth.')) {
      unsupported([...path, 'when', j, 'key'], key);
    }
  });
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
