/** google.protobuf.UInt64Value as decoded (`{value: '2048'}`, int64 as text) → number, with its field path on error. */
import type { FieldPath } from '@skiff/common';
import type { WireObject, WireReader } from '../http/route-table/wire-reader.ts';

export function uint64Value(r: WireReader, msg: WireObject, key: string, at: FieldPath): number | undefined {
  const w = r.object(msg, key, at);
  return w ? (r.number(w, 'value', [...at, key]) ?? 0) : undefined;
}
