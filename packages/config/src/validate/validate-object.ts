/**
 * Validation of an object that did not come from a file (a store write, an
 * API call): the same structural and semantic checks as `parseManifests`,
 * with field paths but no line numbers.
 */
import { lookupKind, type ResourceObject } from '@skiff/api';
import { isPlainObject } from '../parse/decode.ts';
import { IssueCollector, issueFieldOf, type ConfigIssue, type ResourceRef } from '../parse/issue.ts';
import { checkObject } from './check-object.ts';

export function validateObject(object: unknown): ConfigIssue[] {
  const issues = new IssueCollector();
  let resource: ResourceRef | undefined;
  if (!isPlainObject(object)) {
    issues.error([], 'expected an object with apiVersion and kind');
  } else {
    const { apiVersion, kind } = object;
    const metadata = isPlainObject(object.metadata) ? object.metadata : {};
    resource = {
      kind: String(kind),
      namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
      name: typeof metadata.name === 'string' ? metadata.name : undefined,
    };
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      issues.error([], 'apiVersion and kind are required strings');
    } else {
      const lookup = lookupKind(apiVersion, kind);
      if (!lookup.ok) issues.error(['kind'], lookup.message);
      else {
        if (lookup.kind.defaultName && !metadata.name) object.metadata = { ...metadata, name: lookup.kind.defaultName };
        if (!isPlainObject(object.metadata)) issues.error(['metadata'], 'metadata is required, with at least a name');
        checkObject(lookup.kind, object as ResourceObject, issues);
      }
    }
  }
  return issues.raw.map((i) => ({ severity: i.severity, message: i.message, field: issueFieldOf(i.path), resource }));
}
