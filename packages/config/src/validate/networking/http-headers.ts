/** HTTP header names in VirtualService matches and header operations (Istio's ValidateHTTPHeader* rules). */
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';

const HEADER_NAME = /^[-_A-Za-z0-9]+$/;

/** Names in CORS lists and probe headers: a non-empty token. */
export function validateHttpHeaderName(name: string, path: FieldPath, issues: IssueCollector): void {
  if (name === '') issues.error(path, 'header name cannot be empty');
  else if (!HEADER_NAME.test(name)) issues.error(path, `header name ${name} is not a valid header name`);
}

/** Keys of `match.headers` / `withoutHeaders`: lowercase tokens (Envoy compares lowercased names). */
export function validateMatchHeaderName(name: string, path: FieldPath, issues: IssueCollector): void {
  if (name === '') issues.error(path, 'header name cannot be empty');
  else if (!HEADER_NAME.test(name)) issues.error(path, `header name ${name} is not a valid header name`);
  else if (name !== name.toLowerCase()) issues.error(path, `header name ${name} must be lowercase (e.g. ${name.toLowerCase()})`);
}

/** Keys of `headers.request/response.set/add/remove`: no pseudo-headers and no Host. */
export function validateHeaderOperationName(name: string, path: FieldPath, issues: IssueCollector): void {
  if (name === '') issues.error(path, 'header name cannot be empty');
  else if (name.startsWith(':') || name.toLowerCase() === 'host') issues.error(path, `operation is not allowed on header ${name}`);
  else if (!HEADER_NAME.test(name)) issues.error(path, `header name ${name} is not a valid header name`);
}

export function validateHeaderOperations(
  ops: { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] } | undefined,
  path: FieldPath,
  issues: IssueCollector,
): void {
  if (!ops) return;
  for (const name of Object.keys(ops.set ?? {})) validateHeaderOperationName(name, [...path, 'set', name], issues);
  for (const name of Object.keys(ops.add ?? {})) validateHeaderOperationName(name, [...path, 'add', name], issues);
  (ops.remove ?? []).forEach((name, i) => validateHeaderOperationName(name, [...path, 'remove', i], issues));
}
