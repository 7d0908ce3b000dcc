/** Kubernetes name and label rules, with the API server's wording. */
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

export function validateDns1123Label(value: string, path: FieldPath, issues: IssueCollector): void {
  if (!isDns1123Label(value)) {
    issues.error(path, `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc'), at most 63 characters; got ${JSON.stringify(value)}`);
  }
}

export function validateDns1123Subdomain(value: string, path: FieldPath, issues: IssueCollector): void {
  if (!isDns1123Subdomain(value)) {
    issues.error(path, `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com'), at most 253 characters; got ${JSON.stringify(value)}`);
  }
}

export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) return false;
  return slash < 0 || isDns1123Subdomain(key.slice(0, slash));
}

export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

export function validateLabels(labels: Readonly<Record<string, string>>, path: FieldPath, issues: IssueCollector): void {
  for (const [key, value] of Object.entries(labels)) {
    if (!isLabelKey(key)) issues.error([...path, key], `invalid label key ${JSON.stringify(key)}: name part must be 63 characters or less, consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric; an optional prefix must be a DNS subdomain`);
    if (typeof value !== 'string' || !isLabelValue(value)) issues.error([...path, key], `invalid label value ${JSON.stringify(value)}: must be 63 characters or less and be empty or consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`);
  }
}
