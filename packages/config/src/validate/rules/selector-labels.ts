/**
 * Workload selectors and policy target references, by Istio's rules
 * (validateWorkloadSelector, validateOneOfSelectorType,
 * validatePolicyTargetReference), and Kubernetes label-selector matching.
 */
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';
import { validateLabels } from './names.ts';

interface WorkloadSelectorLike { matchLabels?: Record<string, string> }
interface TargetRefLike { group?: string; kind?: string; name?: string; namespace?: string }

export function validateWorkloadSelector(selector: WorkloadSelectorLike | undefined, path: FieldPath, issues: IssueCollector): void {
  if (!selector) return;
  const labels = selector.matchLabels ?? {};
  for (const [k, v] of Object.entries(labels)) {
    if (k === '') issues.error([...path, 'matchLabels'], `empty key is not supported in selector: "${k}=${v}"`);
    else if (k.includes('*') || v.includes('*')) issues.error([...path, 'matchLabels', k], `wildcard is not supported in selector: "${k}=${v}"`);
  }
  if (Object.keys(labels).length === 0) issues.warning(path, 'workload selector specified without labels');
  else validateLabels(Object.fromEntries(Object.entries(labels).filter(([k, v]) => k !== '' && !k.includes('*') && !v.includes('*'))), [...path, 'matchLabels'], issues);
}

/** `selector`, `targetRef` and `targetRefs` are mutually exclusive. */
export function validateOneOfSelectorType(
  spec: { selector?: unknown; targetRef?: unknown; targetRefs?: readonly unknown[] },
  path: FieldPath,
  issues: IssueCollector,
): void {
  const set = [spec.selector !== undefined, spec.targetRef !== undefined, (spec.targetRefs?.length ?? 0) > 0].filter(Boolean).length;
  if (set > 1) issues.error(path, 'only one of targetRefs or workloadSelector can be set');
}

/** Kinds a policy may target, as `group/Kind` with `core` for the empty group. */
export const ALLOWED_TARGET_REFS = [
  'core/Service',
  'networking.istio.io/ServiceEntry',
  'gateway.networking.k8s.io/Gateway',
  'gateway.networking.k8s.io/GatewayClass',
] as const;

export function validatePolicyTargetReference(ref: TargetRefLike | undefined, path: FieldPath, issues: IssueCollector): void {
  if (!ref) return;
  if (!ref.name) issues.error([...path, 'name'], 'targetRef name must be set');
  if (ref.namespace) issues.error([...path, 'namespace'], 'targetRef namespace must not be set; cross namespace referencing is not supported');
  const group = ref.group ? ref.group : 'core';
  if (!(ALLOWED_TARGET_REFS as readonly string[]).includes(`${group}/${ref.kind ?? ''}`)) {
    issues.error(path, `targetRef must be to one of [${ALLOWED_TARGET_REFS.join(' ')}] but was ${ref.group ?? ''}/${ref.kind ?? ''}`);
  }
}

export function validatePolicyTargetReferences(refs: readonly TargetRefLike[] | undefined, path: FieldPath, issues: IssueCollector): void {
  (refs ?? []).forEach((ref, i) => validatePolicyTargetReference(ref, [...path, i], issues));
}

export interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
}

/** Kubernetes label-selector semantics: every matchLabels entry and every expression must hold. */
export function selectorMatchesLabels(selector: LabelSelectorLike, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key ?? '');
    const value = labels[e.key ?? ''];
    switch (e.operator) {
      case 'In': if (!has || !(e.values ?? []).includes(value)) return false; break;
      case 'NotIn': if (has && (e.values ?? []).includes(value)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** The API server's checks on a metav1.LabelSelector. */
export function validateLabelSelector(selector: LabelSelectorLike, path: FieldPath, issues: IssueCollector): void {
  if (selector.matchLabels) validateLabels(selector.matchLabels, [...path, 'matchLabels'], issues);
  (selector.matchExpressions ?? []).forEach((e, i) => {
    const at = [...path, 'matchExpressions', i];
    if (!e.key) issues.error([...at, 'key'], 'Required value');
    const values = e.values ?? [];
    if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) {
      issues.error([...at, 'values'], 'Required value: must be specified when `operator` is \'In\' or \'NotIn\'');
    }
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) {
      issues.error([...at, 'values'], 'Forbidden: may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'');
    }
  });
}
