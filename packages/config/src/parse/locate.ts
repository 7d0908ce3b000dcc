/**
 * Maps a field path back to where it was written in a YAML document, so an
 * error can name the line. For a map key that exists, the key's position is
 * used (that is where a reader looks); for a missing field, the nearest
 * ancestor that exists.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { FieldPath } from '@skiff/common';

export interface Position { readonly line: number; readonly column: number }

export function locatePath(doc: Document, lineCounter: LineCounter, path: FieldPath): Position {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}
