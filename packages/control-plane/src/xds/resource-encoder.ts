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
  /** Digest of name and hash as four 32-bit lanes, for the order-independent set digest. */
  readonly lanes: readonly [number, number, number, number];
}

function lanesOf(name: string, hash: string): [number, number, number, number] {
  const d = createHash('sha256').update(name).update('\0').update(hash).digest();
  return [d.readUInt32LE(0), d.readUInt32LE(4), d.readUInt32LE(8), d.readUInt32LE(12)];
}

/** Wire message → its encoding; per type URL, since one message could in principle be sent as two types. */
const cache = new WeakMap<object, Map<string, EncodedResource>>();

function isPacked(resource: WireMessage | Any): resource is Any {
  return typeof resource.type_url === 'string' && resource.value instanceof Uint8Array;
}

export function encodeResource(typeUrl: string, resource: XdsResource): EncodedResource {
  let byType = cache.get(resource.resource);
  const cached = byType?.get(typeUrl);
  if (cached) return cached.name === resource.name ? cached : { ...cached, name: resource.name, lanes: lanesOf(resource.name, cached.hash) };
  const any = isPacked(resource.resource) ? resource.resource : encodeAny(typeUrl, resource.resource);
  const hash = createHash('sha256').update(any.type_url).update(any.value).digest('hex').slice(0, 16);
  const encoded: EncodedResource = { name: resource.name, any, hash, lanes: lanesOf(resource.name, hash) };
  if (!byType) cache.set(resource.resource, (byType = new Map()));
  byType.set(typeUrl, encoded);
  return encoded;
}

/**
 * One digest for a whole state-of-the-world response, independent of order:
 * the count and, per 32-bit lane, the sum (mod 2^32) of each resource's
 * digest of name and content (a multiset hash). It runs for every proxy and
 * type on every push, so it must not sort or hash again: O(resources)
 * additions over digests computed once per encoded message.
 */
export function hashResourceSet(resources: readonly EncodedResource[]): string {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (const r of resources) {
    a = (a + r.lanes[0]) >>> 0;
    b = (b + r.lanes[1]) >>> 0;
    c = (c + r.lanes[2]) >>> 0;
    d = (d + r.lanes[3]) >>> 0;
  }
  return `${resources.length.toString(16)}-${hex(a)}${hex(b)}${hex(c)}${hex(d)}`;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
