/** WorkloadEntry: Istio's ValidateWorkloadEntry rules, also used for ServiceEntry endpoints. */
import type { FieldPath } from '@skiff/common';
import type { ResourceObject, WorkloadEntry, WorkloadEntrySpec } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { isIpAddress } from '../rules/cidr.ts';
import { fqdnError } from '../rules/hosts.ts';
import { validatePortName, validatePortNumber } from '../rules/ports.ts';
import { validateLabelMap } from '../rules/selector.ts';

const UNIX_PREFIX = 'unix://';

export function validateWorkloadEntry(object: ResourceObject, issues: IssueCollector): void {
  const { spec } = object as WorkloadEntry;
  validateWorkloadEntrySpec(spec, ['spec'], issues, { allowFqdn: true });
}

export interface WorkloadEntryRules {
  /** DNS resolution lets addresses be host names; STATIC needs IPs. */
  readonly allowFqdn: boolean;
  /** Port names the owning ServiceEntry defines, when validating its endpoints. */
  readonly servicePortNames?: ReadonlySet<string>;
}

export function validateWorkloadEntrySpec(we: WorkloadEntrySpec, at: FieldPath, issues: IssueCollector, rules: WorkloadEntryRules): void {
  const addr = we.address ?? '';
  if (addr === '') {
    if (!we.network) issues.error([...at, 'address'], 'address is required');
    else issues.warning(at, `address is unset with network "${we.network}"`);
  }
  if (addr.startsWith(UNIX_PREFIX)) {
    if (addr.length === UNIX_PREFIX.length || !addr.slice(UNIX_PREFIX.length).startsWith('/')) issues.error([...at, 'address'], `${addr.slice(UNIX_PREFIX.length)} is not an absolute path`);
    if (Object.keys(we.ports ?? {}).length > 0) issues.error([...at, 'ports'], `unix endpoint ${addr} must not include ports`);
  } else if (addr !== '' && !isIpAddress(addr)) {
    if (!rules.allowFqdn) issues.error([...at, 'address'], `endpoint address "${addr}" is not a valid IP address`);
    else if (fqdnError(addr)) issues.error([...at, 'address'], `endpoint address "${addr}" is not a valid FQDN or an IP address`);
  }
  for (const [name, port] of Object.entries(we.ports ?? {})) {
    if (rules.servicePortNames && !rules.servicePortNames.has(name)) issues.error([...at, 'ports', name], `endpoint port ${port} is not defined by the service entry`);
    validatePortName(name, [...at, 'ports', name], issues);
    validatePortNumber(port, [...at, 'ports', name], issues);
  }
  validateLabelMap(we.labels, [...at, 'labels'], issues);
}
