/** Route destination weights (VirtualService http/tcp/tls routes), by Istio's rules. */
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';
import { validatePercent } from './percent.ts';

/**
 * Each weight is 0..100; with more than one destination they must add up to
 * 100 (a single destination takes all traffic whatever its weight says).
 */
export function validateDestinationWeights(weights: readonly (number | undefined)[], path: FieldPath, issues: IssueCollector): void {
  let total = 0;
  weights.forEach((w, i) => {
    validatePercent(w, [...path, i, 'weight'], issues);
    total += w ?? 0;
  });
  if (weights.length > 1 && total !== 100) issues.error(path, `total destination weight ${total} != 100`);
}
