/** EndpointSlice (discovery.k8s.io/v1): addressType and the addresses that must match it. */
import type { kube, ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { isIP } from 'node:net';
import { isDns1123Subdomain, validateDns1123Label } from '../rules/names.ts';
import { portNameError, validatePortRange } from './pod-spec.ts';

export function validateEndpointSlice(object: ResourceObject, issues: IssueCollector): void {
  const slice = object as kube.EndpointSlice;
  if (!slice.addressType) issues.error(['addressType'], 'Required value');
  const endpoints = slice.endpoints ?? [];
  if (endpoints.length > 1000) issues.error(['endpoints'], `Too many: ${endpoints.length}: must have at most 1000 items`);
  endpoints.forEach((e, i) => {
    const addresses = e.addresses ?? [];
    if (addresses.length === 0) issues.error(['endpoints', i, 'addresses'], 'Required value: must contain at least 1 address');
    if (addresses.length > 100) issues.error(['endpoints', i, 'addresses'], `Too many: ${addresses.length}: must have at most 100 items`);
    addresses.forEach((a, j) => {
      const ok = slice.addressType === 'IPv4' ? isIP(a) === 4 : slice.addressType === 'IPv6' ? isIP(a) === 6 : isDns1123Subdomain(a);
      if (slice.addressType && !ok) issues.error(['endpoints', i, 'addresses', j], `Invalid value: "${a}": must be a valid ${slice.addressType === 'FQDN' ? 'FQDN' : `${slice.addressType} address`}`);
    });
    if (e.hostname !== undefined) validateDns1123Label(e.hostname, ['endpoints', i, 'hostname'], issues);
  });
  const names = new Set<string>();
  (slice.ports ?? []).forEach((p, i) => {
    if (p.port !== undefined) validatePortRange(p.port, ['ports', i, 'port'], issues);
    const name = p.name ?? '';
    if (name !== '') {
      const err = portNameError(name);
      if (err) issues.error(['ports', i, 'name'], err);
    }
    if (names.has(name)) issues.error(['ports', i, 'name'], `Duplicate value: "${name}"`);
    names.add(name);
  });
}
