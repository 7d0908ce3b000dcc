/** Test helper: parse YAML through parseManifests and compare every issue (line, field, message, severity). */
import assert from 'node:assert/strict';
import { parseManifests } from '../../parse/manifests.ts';

export interface ExpectedIssue {
  readonly line: number;
  readonly field: string;
  readonly message: string;
  readonly severity?: 'error' | 'warning';
}

export function assertIssues(yaml: string, expected: readonly ExpectedIssue[]): void {
  const { issues } = parseManifests(yaml, 'case.yaml');
  const actual = issues.map((i) => ({ line: i.source?.line ?? 0, field: i.field, message: i.message, severity: i.severity }));
  const want = expected.map((e) => ({ line: e.line, field: e.field, message: e.message, severity: e.severity ?? 'error' }));
  const key = (i: { line: number; field: string }) => `${i.line}\u0000${i.field}`;
  actual.sort((a, b) => key(a).localeCompare(key(b)) || a.message.localeCompare(b.message));
  want.sort((a, b) => key(a).localeCompare(key(b)) || a.message.localeCompare(b.message));
  assert.deepEqual(actual, want);
}
