/** Durations as Istio checks them (agent.ValidateDuration): at least 1ms, millisecond precision. */
import type { FieldPath } from '@skiff/common';
import { parseDurationMs } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';

export interface DurationRules {
  /** Accept `0s` (timeouts where zero disables them). */
  readonly allowZero?: boolean;
}

export function validateDuration(text: string | undefined, path: FieldPath, issues: IssueCollector, rules: DurationRules = {}): void {
  if (text === undefined) return;
  const ms = parseDurationMs(text);
  if (ms === undefined) return; // the schema check already reported it
  if (ms === 0 && rules.allowZero) return;
  if (ms < 1) issues.error(path, 'duration must be greater than 1ms');
  else if (Math.abs(ms - Math.round(ms)) > 1e-6) issues.error(path, 'only durations to ms precision are supported');
}
