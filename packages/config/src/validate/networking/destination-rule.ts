/** DestinationRule: Istio's ValidateDestinationRule rules. */
import type { DestinationRule, ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { validateExportTo, validateWildcardHost } from '../rules/hosts.ts';
import { validateLabelMap } from '../rules/selector.ts';
import { validateSubsetName } from './destination.ts';
import { validateTrafficPolicy } from './traffic-policy.ts';

export function validateDestinationRule(object: ResourceObject, issues: IssueCollector): void {
  const { spec, metadata } = object as DestinationRule;
  validateWildcardHost(spec.host ?? '', ['spec', 'host'], issues);
  validateTrafficPolicy(spec.trafficPolicy, ['spec', 'trafficPolicy'], issues);
  const names = new Set<string>();
  (spec.subsets ?? []).forEach((subset, i) => {
    const at = ['spec', 'subsets', i] as const;
    const name = subset.name ?? '';
    if (names.has(name)) issues.error([...at, 'name'], `duplicate subset names: ${name}`);
    names.add(name);
    validateSubsetName(name, [...at, 'name'], issues);
    validateLabelMap(subset.labels, [...at, 'labels'], issues);
    validateTrafficPolicy(subset.trafficPolicy, [...at, 'trafficPolicy'], issues);
  });
  validateExportTo(metadata.namespace ?? 'default', spec.exportTo, ['spec', 'exportTo'], issues, { hasWorkloadSelector: spec.workloadSelector !== undefined });
  validateLabelMap(spec.workloadSelector?.matchLabels, ['spec', 'workloadSelector', 'matchLabels'], issues);
}
