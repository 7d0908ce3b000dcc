/** Route destinations shared by VirtualService routes and Sidecar's egressProxy (Istio's validateDestination). */
import type { FieldPath } from '@skiff/common';
import type { Destination } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { wildcardDomainError } from '../rules/hosts.ts';
import { validatePortNumber } from '../rules/ports.ts';
import { isDns1123Label } from '../rules/names.ts';

export function validateDestination(destination: Destination | undefined, path: FieldPath, issues: IssueCollector): void {
  if (!destination) {
    issues.error(path, 'destination is required');
    return;
  }
  const host = destination.host ?? '';
  if (host === '*') issues.error([...path, 'host'], `invalid destination host ${host}`);
  else {
    const err = wildcardDomainError(host);
    if (err) issues.error([...path, 'host'], err);
  }
  if (destination.subset !== undefined) validateSubsetName(destination.subset, [...path, 'subset'], issues);
  if (destination.port) validatePortNumber(destination.port.number ?? 0, [...path, 'port', 'number'], issues);
}

export function validateSubsetName(name: string, path: FieldPath, issues: IssueCollector): void {
  if (name.length === 0) issues.error(path, 'subset name cannot be empty');
  else if (!isDns1123Label(name)) issues.error(path, `subset name is invalid: ${name}`);
}
