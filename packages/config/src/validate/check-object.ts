/**
 * The whole check of one object: the structural schema walk, then Istio's
 * semantic rules. Semantic rules need trustworthy types, so when the
 * structure has errors they run on a copy with the offending fields removed;
 * that way a bad duration does not hide a bad weight elsewhere in the same
 * object, and every problem is reported in one run. Semantic findings at or
 * under a removed field are dropped: the structural error already covers it.
 * So are findings just above it (a weight sum, "must have at least one
 * field"), which the removal itself may have caused.
 */
import type { KindDefinition, ResourceObject } from '@skiff/api';
import type { FieldPath } from '@skiff/common';
import { decodeValue, isPlainObject } from '../parse/decode.ts';
import { IssueCollector } from '../parse/issue.ts';
import { validateResource } from './index.ts';

export function checkObject(definition: KindDefinition, object: ResourceObject, issues: IssueCollector): void {
  decodeValue(definition.schema, object, [], issues);
  const structural = issues.raw.filter((i) => i.severity === 'error' && !i.typesIntact).map((i) => i.path);
  if (structural.length === 0) {
    validateResource(definition, object, issues);
    return;
  }
  const pruned = withoutFields(object, structural);
  // Without usable metadata there is nothing to name the findings by; the structural errors stand alone.
  if (!pruned || !isPlainObject((pruned.object as ResourceObject).metadata)) return;
  const semantic = new IssueCollector();
  validateResource(definition, pruned.object as ResourceObject, semantic);
  for (const issue of semantic.raw) {
    if (!pruned.removed.some((removed) => isArtifactOfRemoval(issue.path, removed))) issues.raw.push(issue);
  }
}

/**
 * A copy without the object fields that hold each bad path (the nearest
 * enclosing map key, so list indices in later messages stay right).
 */
function withoutFields(object: ResourceObject, paths: readonly FieldPath[]): { object: unknown; removed: FieldPath[] } | undefined {
  let copy: unknown;
  try {
    copy = structuredClone(object);
  } catch {
    return undefined; // too deep to copy: structural errors alone are reported
  }
  const removed: FieldPath[] = [];
  for (const path of paths) {
    const keyAt = lastKeyIndex(path);
    if (keyAt < 0) return undefined; // the object itself is malformed
    const parent = walk(copy, path.slice(0, keyAt));
    if (isPlainObject(parent)) delete parent[path[keyAt] as string];
    removed.push(path.slice(0, keyAt + 1));
  }
  return { object: copy, removed };
}

function lastKeyIndex(path: FieldPath): number {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return i;
  return -1;
}

function walk(value: unknown, path: FieldPath): unknown {
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** Three levels covers a list of messages: `route` ← `route[1]` ← `route[1].weight`. */
const ARTIFACT_LEVELS_ABOVE = 3;

function isArtifactOfRemoval(path: FieldPath, removed: FieldPath): boolean {
  return startsWith(path, removed) || (startsWith(removed, path) && path.length >= removed.length - ARTIFACT_LEVELS_ABOVE);
}

function startsWith(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}
