/**
 * Reads `{name, typed_config}` (a listener filter, network or HTTP filter,
 * transport socket) into a TypedExtensionRef. The Any was already expanded by
 * the codec to `{'@type': url, ...fields}`; this is the one place that
 * unwraps it (STYLE.md §8).
 */
import type { FieldPath } from '@skiff/common';
import type { WireObject, WireReader } from '../../http/route-table/wire-reader.ts';
import type { TypedExtensionRef } from '../types.ts';

export function readTypedExtension(r: WireReader, wire: WireObject, at: FieldPath, requireConfig = true): TypedExtensionRef {
  const name = r.string(wire, 'name', at) ?? '';
  const typed = r.object(wire, 'typed_config', at);
  const typeUrl = typed && typeof typed['@type'] === 'string' ? typed['@type'] : '';
  if (requireConfig && typeUrl === '') r.errors.add([...at, 'typed_config'], 'value is required');
  const config: Record<string, unknown> = { ...typed };
  delete config['@type'];
  return { name, typeUrl, config };
}
