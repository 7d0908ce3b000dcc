/**
 * Turns generator output into packed Anys with a content hash. The hash is
 * the resource's version in delta xDS and how the server decides whether a
 * proxy's output changed. Encoding is cached per resource object, so a
 * resource shared by many proxies (the usual case) is encoded once per push.
 *
 * Across pushes (Istio's XdsCache survives them too): each push context
 * builds new message objects, most of them equal to the last push's. A
 * message not seen as an object is looked up by its content — a digest of
 * its JSON text, which costs a few microseconds where protobuf encoding
 * costs a hundred — among the encodings of this push and the previous one
 * (`advanceEncodingGeneration`, called once per push), so a change to one
 * VirtualService re-encodes what it changed, not all 30,000 resources.
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

/** Content digest → encoding, for this push's generation and the previous one. */
let currentGeneration = new Map<string, EncodedResource>();
let previousGeneration = new Map<string, EncodedResource>();

/** Starts a new generation: encodings neither used in this one nor the last are forgotten. Called once per push. */
export function advanceEncodingGeneration(): void {
  previousGeneration = currentGeneration;
  currentGeneration = new Map();
}

/** A digest of the message's content as JSON (undefined when it cannot be written as JSON, e.g. a bigint). */
function contentKey(typeUrl: string, message: WireMessage): string | undefined {
  let json: string;
  try {
    json = JSON.stringify(message);
  } catch {
    return undefined;
  }
  return createHash('sha256').update(typeUrl).update('\0').update(json).digest('base64');
}

function byContent(typeUrl: string, message: WireMessage): EncodedResource {
  const key = contentKey(typeUrl, message);
  let found = key === undefined ? undefined : currentGeneration.get(key);
  if (!found && key !== undefined) {
    found = previousGeneration.get(key);
    if (found) currentGeneration.set(key, found);
  }
  if (found) return found;
  const any = encodeAny(typeUrl, message);
  const hash = createHash('sha256').update(any.type_url).update(any.value).digest('hex').slice(0, 16);
  const encoded: EncodedResource = { name: '', any, hash, lanes: [0, 0, 0, 0] };
  if (key !== undefined) currentGeneration.set(key, encoded);
  return encoded;
}

export function encodeResource(typeUrl: string, resource: XdsResource): EncodedResource {
  let byType = cache.get(resource.resource);
  const cached = byType?.get(typeUrl);
  if (cached) return cached.name === resource.name ? cached : { ...cached, name: resource.name, lanes: lanesOf(resource.name, cached.hash) };
  let any: Any;
  let hash: string;
  if (isPacked(resource.resource)) {
    any = resource.resource;
    hash = createHash('sha256').update(any.type_url).update(any.value).digest('hex').slice(0, 16);
  } else {
    ({ any, hash } = byContent(typeUrl, resource.resource));
  }
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
  const lanes = [0, 0, 0, 0];
  for (const r of resources) {
    for (let i = 0; i < 4; i++) lanes[i] = (lanes[i] + r.lanes[i]) >>> 0;
  }
  return hashLanes(resources.length, lanes);
}

/** The set digest from a count and the per-lane sums (mod 2^32) of its resources' lanes; sums of parts add up. */
export function hashLanes(count: number, lanes: readonly number[]): string {
  return `${count.toString(16)}-${hex(lanes[0])}${hex(lanes[1])}${hex(lanes[2])}${hex(lanes[3])}`;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
