/** WorkloadGroup: Istio's ValidateWorkloadGroup rules. */
import type { ResourceObject, WorkloadGroup } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { validatePortName, validatePortNumber } from '../rules/ports.ts';
import { validateLabels } from '../rules/names.ts';
import { validateLabelMap } from '../rules/selector.ts';
import { validateHttpHeaderName } from './http-headers.ts';

export function validateWorkloadGroup(object: ResourceObject, issues: IssueCollector): void {
  const { spec } = object as WorkloadGroup;
  const template = spec.template;
  if (!template) {
    issues.error(['spec', 'template'], 'template is required');
    return;
  }
  if (template.address) issues.error(['spec', 'template', 'address'], 'address must not be set in workload group template');
  for (const [name, port] of Object.entries(template.ports ?? {})) {
    validatePortName(name, ['spec', 'template', 'ports', name], issues);
    validatePortNumber(port, ['spec', 'template', 'ports', name], issues);
  }
  validateLabelMap(template.labels, ['spec', 'template', 'labels'], issues);
  if (spec.metadata?.labels) validateLabels(spec.metadata.labels, ['spec', 'metadata', 'labels'], issues);

  const probe = spec.probe;
  if (!probe) return;
  const at = ['spec', 'probe'] as const;
  const nonNegative: [keyof typeof probe, string][] = [
    ['periodSeconds', 'periodSeconds'], ['initialDelaySeconds', 'initialDelaySeconds'], ['timeoutSeconds', 'timeoutSeconds'],
    ['successThreshold', 'successThreshold'], ['failureThreshold', 'failureThreshold'],
  ];
  for (const [field, label] of nonNegative) {
    const v = probe[field];
    if (typeof v === 'number' && v < 0) issues.error([...at, field], `${label} must be non-negative`);
  }
  if (probe.httpGet) {
    const h = probe.httpGet;
    validatePortNumber(h.port ?? 0, [...at, 'httpGet', 'port'], issues);
    if (h.scheme && h.scheme !== 'HTTP' && h.scheme !== 'HTTPS') issues.error([...at, 'httpGet', 'scheme'], 'httpGet.scheme must be one of "http", "https"');
    (h.httpHeaders ?? []).forEach((header, i) => validateHttpHeaderName(header.name ?? '', [...at, 'httpGet', 'httpHeaders', i, 'name'], issues));
  } else if (probe.tcpSocket) {
    validatePortNumber(probe.tcpSocket.port ?? 0, [...at, 'tcpSocket', 'port'], issues);
  } else if (probe.exec) {
    if ((probe.exec.command ?? []).length === 0) issues.error([...at, 'exec', 'command'], 'exec.command is required');
  } else if (probe.grpc) {
    validatePortNumber(probe.grpc.port ?? 0, [...at, 'grpc', 'port'], issues);
  }
}
