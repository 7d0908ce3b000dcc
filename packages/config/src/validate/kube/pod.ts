/** Pod (core/v1): the PodSpec rules. */
import type { kube, ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { validatePodSpec } from './pod-spec.ts';

export function validatePod(object: ResourceObject, issues: IssueCollector): void {
  const spec = (object as kube.Pod).spec;
  if (!spec) issues.error(['spec'], 'Required value');
  else validatePodSpec(spec, ['spec'], issues);
}
