/** Deployment (apps/v1): ValidateDeploymentSpec, including the selector/template label match. */
import type { kube, ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { selectorMatchesLabels, validateLabelSelector } from '../rules/selector-labels.ts';
import { validatePodSpec } from './pod-spec.ts';

export function validateDeployment(object: ResourceObject, issues: IssueCollector): void {
  const spec = (object as kube.Deployment).spec ?? {};
  if (spec.replicas !== undefined && spec.replicas < 0) issues.error(['spec', 'replicas'], `Invalid value: ${spec.replicas}: must be greater than or equal to 0`);
  const selector = spec.selector;
  const templateLabels = spec.template?.metadata?.labels ?? {};
  if (!selector) {
    issues.error(['spec', 'selector'], 'Required value');
  } else if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
    issues.error(['spec', 'selector'], 'Invalid value: empty selector is invalid for deployment');
  } else {
    validateLabelSelector(selector, ['spec', 'selector'], issues);
    if (!selectorMatchesLabels(selector, templateLabels)) {
      issues.error(['spec', 'template', 'metadata', 'labels'], `Invalid value: ${JSON.stringify(templateLabels)}: \`selector\` does not match template \`labels\``);
    }
  }
  if (!spec.template) {
    issues.error(['spec', 'template'], 'Required value');
    return;
  }
  const pod = spec.template.spec;
  if (!pod) issues.error(['spec', 'template', 'spec'], 'Required value');
  else {
    validatePodSpec(pod, ['spec', 'template', 'spec'], issues);
    if (pod.restartPolicy !== undefined && pod.restartPolicy !== 'Always') {
      issues.error(['spec', 'template', 'spec', 'restartPolicy'], `Unsupported value: "${pod.restartPolicy}": supported values: "Always"`);
    }
  }
  const strategy = spec.strategy;
  if (strategy?.type === 'Recreate' && strategy.rollingUpdate) {
    issues.error(['spec', 'strategy', 'rollingUpdate'], "Forbidden: may not be specified when strategy `type` is 'Recreate'");
  }
  const ru = strategy?.rollingUpdate;
  if (ru) {
    const zero = (v: number | string | undefined) => v === 0 || v === '0%' || v === '0';
    for (const f of ['maxUnavailable', 'maxSurge'] as const) {
      const v = ru[f];
      if (typeof v === 'string' && !/^\d+%$/.test(v)) issues.error(['spec', 'strategy', 'rollingUpdate', f], `Invalid value: "${v}": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`);
      if (typeof v === 'number' && v < 0) issues.error(['spec', 'strategy', 'rollingUpdate', f], `Invalid value: ${v}: must be greater than or equal to 0`);
    }
    if (typeof ru.maxUnavailable === 'string' && /^\d+%$/.test(ru.maxUnavailable) && Number(ru.maxUnavailable.slice(0, -1)) > 100) {
      issues.error(['spec', 'strategy', 'rollingUpdate', 'maxUnavailable'], `Invalid value: "${ru.maxUnavailable}": must not be greater than 100%`);
    }
    if (zero(ru.maxUnavailable) && zero(ru.maxSurge)) {
      issues.error(['spec', 'strategy', 'rollingUpdate', 'maxUnavailable'], 'Invalid value: 0: may not be 0 when `maxSurge` is 0');
    }
  }
  if (spec.progressDeadlineSeconds !== undefined && spec.minReadySeconds !== undefined && spec.progressDeadlineSeconds <= spec.minReadySeconds) {
    issues.error(['spec', 'progressDeadlineSeconds'], 'Invalid value: must be greater than minReadySeconds');
  }
}
