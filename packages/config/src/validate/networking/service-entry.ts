/** ServiceEntry: Istio's ValidateServiceEntry rules. */
import type { ResourceObject, ServiceEntry } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { fqdnError, validateExportTo, wildcardDomainError } from '../rules/hosts.ts';
import { isCidrOrIp } from '../rules/cidr.ts';
import { isHttpProtocol, isTlsProtocol, validatePortName, validatePortNumber, validateProtocol } from '../rules/ports.ts';
import { validateWorkloadSelectorLabels } from '../rules/selector.ts';
import { validateWorkloadEntrySpec } from './workload-entry.ts';

export function validateServiceEntry(object: ResourceObject, issues: IssueCollector): void {
  const { spec, metadata } = object as ServiceEntry;
  const resolution = spec.resolution ?? 'NONE';
  const hosts = spec.hosts ?? [];
  const endpoints = spec.endpoints ?? [];
  if (spec.workloadSelector && spec.endpoints) issues.error(['spec'], 'only one of WorkloadSelector or Endpoints is allowed in Service Entry');
  validateWorkloadSelectorLabels(spec.workloadSelector, ['spec', 'workloadSelector'], issues, 'service entry: workloadSelector cannot have empty labels');
  if (hosts.length === 0) issues.error(['spec', 'hosts'], 'service entry must have at least one host');
  hosts.forEach((host, i) => {
    if (host === '*') issues.error(['spec', 'hosts', i], `invalid host ${host}`);
    else {
      const err = wildcardDomainError(host);
      if (err) issues.error(['spec', 'hosts', i], err);
    }
  });
  let cidrFound = false;
  (spec.addresses ?? []).forEach((address, i) => {
    cidrFound ||= address.includes('/');
    if (!isCidrOrIp(address)) issues.error(['spec', 'addresses', i], `${address} is not a valid IP address or CIDR block`);
  });
  if (cidrFound && resolution !== 'NONE' && resolution !== 'STATIC') {
    issues.error(['spec', 'addresses'], 'CIDR addresses are allowed only for NONE/STATIC resolution types');
  }

  const portNames = new Set<string>();
  const portNumbers = new Set<number>();
  (spec.ports ?? []).forEach((port, i) => {
    const at = ['spec', 'ports', i] as const;
    const name = port.name ?? '';
    if (portNames.has(name)) issues.error([...at, 'name'], `service entry port name "${name}" already defined`);
    portNames.add(name);
    const number = port.number ?? 0;
    if (portNumbers.has(number)) issues.error([...at, 'number'], `service entry port ${number} already defined`);
    portNumbers.add(number);
    if (port.targetPort !== undefined && port.targetPort !== 0) validatePortNumber(port.targetPort, [...at, 'targetPort'], issues);
    if ((spec.addresses ?? []).length === 0 && (!port.protocol || port.protocol.toUpperCase() === 'TCP')) {
      issues.warning(at, 'addresses are required for ports serving TCP (or unset) protocol when ISTIO_META_DNS_AUTO_ALLOCATE is not set on a proxy');
    }
    validatePortName(name, [...at, 'name'], issues);
    validateProtocol(port.protocol ?? '', [...at, 'protocol'], issues);
    validatePortNumber(number, [...at, 'number'], issues);
  });

  switch (resolution) {
    case 'NONE':
      if (endpoints.length > 0) issues.error(['spec', 'endpoints'], 'no endpoints should be provided for resolution type none');
      if (spec.workloadSelector) issues.warning(['spec', 'workloadSelector'], 'workloadSelector should not be set when resolution mode is NONE');
      break;
    case 'STATIC':
      endpoints.forEach((ep, i) => validateWorkloadEntrySpec(ep, ['spec', 'endpoints', i], issues, { allowFqdn: false, servicePortNames: portNames }));
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        hosts.forEach((host, i) => {
          if (host !== '*' && fqdnError(host)) issues.error(['spec', 'hosts', i], `hosts must be FQDN if no endpoints are provided for resolution mode ${resolution}`);
        });
      }
      if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
        issues.error(['spec', 'endpoints'], `there must only be 0 or 1 endpoint for resolution mode ${resolution}`);
      }
      endpoints.forEach((ep, i) => validateWorkloadEntrySpec(ep, ['spec', 'endpoints', i], issues, { allowFqdn: true, servicePortNames: portNames }));
      break;
  }

  if (resolution !== 'NONE' && hosts.length > 1) {
    const plainPort = (spec.ports ?? []).find((p) => !isHttpProtocol(p.protocol ?? '') && !isTlsProtocol(p.protocol ?? ''));
    if (plainPort) issues.error(['spec', 'ports'], 'multiple hosts provided with non-HTTP, non-TLS ports');
  }
  validateExportTo(metadata.namespace ?? 'default', spec.exportTo, ['spec', 'exportTo'], issues, { isServiceEntry: true });
}
