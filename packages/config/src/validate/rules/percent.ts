/** Percentages, with Istio's wording (ValidatePercent, validatePercentage). */
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';

/** Integer percentages (weights, maxEjectionPercent, deprecated `percent` fields): 0..100. */
export function validatePercent(value: number | undefined, path: FieldPath, issues: IssueCollector): void {
  if (value === undefined) return;
  if (value < 0 || value > 100) issues.error(path, `percentage ${value} is not in range 0..100`);
}

/** `Percent` messages (`percentage: {value: 0.1}`): 0, or 0.0001..100. */
export function validatePercentage(percentage: { value?: number } | undefined, path: FieldPath, issues: IssueCollector): void {
  if (!percentage) return;
  const value = percentage.value ?? 0;
  if (value < 0 || value > 100 || (value > 0 && value < 0.0001)) {
    issues.error([...path, 'value'], `percentage ${value} is neither 0.0, nor in range [0.0001, 100.0]`);
  }
}
