/** Label selectors and label maps in Istio resources (labels.Instance.Validate). */
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';
import { validateLabels } from './names.ts';

/** `workloadSelector` of Sidecar, EnvoyFilter and ServiceEntry: labels must be present and valid. */
export function validateWorkloadSelectorLabels(
  selector: { labels?: Record<string, string> } | undefined,
  path: FieldPath,
  issues: IssueCollector,
  emptyMessage: string,
): void {
  if (!selector) return;
  if (!selector.labels || Object.keys(selector.labels).length === 0) {
    issues.error(path, emptyMessage);
    return;
  }
  validateLabels(selector.labels, [...path, 'labels'], issues);
}

/** `sourceLabels`, subset `labels`, endpoint `labels`. */
export function validateLabelMap(labels: Record<string, string> | undefined, path: FieldPath, issues: IssueCollector): void {
  if (labels) validateLabels(labels, path, issues);
}
