/**
 * Turns generator output into packed Anys with a content hash. The hash is
 * the resource's version in delta xDS and how the server decides whether a
 * proxy's output changed. Encoding is cached per resource object, so a
 * resource shared by many proxies (the usual case) is encoded once per push.
 */
import { createHash } from 'node:crypto';
import type { Any } from '@skiff/api/envoy/discovery-types.ts';
import { encodeAny, type WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { XdsResource } from './types.ts';

export interface EncodedResource {
  readonly name: string;
  readonly any: Any;
  /** Hex digest of type URL and bytes. */
  readonly hash: string;
}

/** Wire message → its encoding; per type URL, since one message could in principle be sent as two types. */
const cache = new WeakMap<object, Map<string, EncodedResource>>();

function isPacked(resource: WireMessage | Any): resource is Any {
  return typeof resource.type_url === 'string' && resource.value instanceof Uint8Array;
}

export function encodeResource(typeUrl: string, resource: XdsResource): EncodedResource {
  let byType = cache.get(resource.resource);
  const cached = byType?.get(typeUrl);
  if (cached) return cached.name === resource.name ? cached : { ...cached, name: resource.name };
  const any = isPacked(resource.resource) ? resource.resource : encodeAny(typeUrl, resource.resource);
  const hash = createHash('sha256').update(any.type_url).update(any.value).digest('hex').slice(0, 16);
  const encoded = { name: resource.name, any, hash };
  if (!byType) cache.set(resource.resource, (byType = new Map()));
  byType.set(typeUrl, encoded);
  return encoded;
}

/** One digest for a whole state-of-the-world response: names and hashes, in name order. */
export function hashResourceSet(resources: readonly EncodedResource[]): string {
  const h = createHash('sha256');
  for (const r of [...resources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) h.update(r.name).update('\0').update(r.hash).update('\0');
  return h.digest('hex').slice(0, 16);
}
