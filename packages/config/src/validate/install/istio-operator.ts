/**
 * IstioOperator: what istioctl checks before installing. `values` is free-form
 * (Helm values), so only the few values Istio itself range-checks are read.
 */
import type { IstioOperator, ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { isDns1123Label, validateLabels } from '../rules/names.ts';
import { validateMeshConfig } from './mesh-config.ts';

/** Profiles shipped with istioctl. */
export const PROFILES = ['default', 'demo', 'minimal', 'remote', 'empty', 'preview', 'ambient', 'openshift', 'openshift-ambient', 'stable'] as const;

export function validateIstioOperator(object: ResourceObject, issues: IssueCollector): void {
  const { spec } = object as IstioOperator;
  if (!spec) return;
  if (spec.profile !== undefined && !(PROFILES as readonly string[]).includes(spec.profile)) {
    issues.error(['spec', 'profile'], `unknown profile "${spec.profile}"; available profiles are ${PROFILES.join(', ')}`);
  }
  if (spec.revision !== undefined && spec.revision !== '' && !isDns1123Label(spec.revision)) {
    issues.error(['spec', 'revision'], `invalid revision "${spec.revision}": must be a DNS-1123 label`);
  }
  if (spec.namespace !== undefined && !isDns1123Label(spec.namespace)) {
    issues.error(['spec', 'namespace'], `invalid namespace "${spec.namespace}": must be a DNS-1123 label`);
  }
  if (spec.tag !== undefined && typeof spec.tag !== 'string' && typeof spec.tag !== 'number') issues.error(['spec', 'tag'], 'tag must be a string or a number');
  if (spec.meshConfig) validateMeshConfig(spec.meshConfig, ['spec', 'meshConfig'], issues);

  for (const group of ['ingressGateways', 'egressGateways'] as const) {
    const seen = new Set<string>();
    (spec.components?.[group] ?? []).forEach((gw, i) => {
      const at = ['spec', 'components', group, i] as const;
      if (!gw.name) issues.error([...at, 'name'], 'gateway name must be set');
      else if (!isDns1123Label(gw.name)) issues.error([...at, 'name'], `invalid gateway name "${gw.name}": must be a DNS-1123 label`);
      else if (seen.has(`${gw.namespace ?? ''}/${gw.name}`)) issues.error([...at, 'name'], `duplicate gateway name ${gw.name}`);
      else seen.add(`${gw.namespace ?? ''}/${gw.name}`);
      if (gw.namespace !== undefined && !isDns1123Label(gw.namespace)) issues.error([...at, 'namespace'], `invalid namespace "${gw.namespace}": must be a DNS-1123 label`);
      if (gw.label) validateLabels(gw.label, [...at, 'label'], issues);
    });
  }

  const values = (spec.values ?? {}) as { pilot?: { traceSampling?: unknown } };
  const traceSampling = values.pilot?.traceSampling;
  if (traceSampling !== undefined && !(typeof traceSampling === 'number' && traceSampling >= 0 && traceSampling <= 100)) {
    issues.error(['spec', 'values', 'pilot', 'traceSampling'], 'pilot.traceSampling must be a number in range [0.0, 100.0]');
  }
}
