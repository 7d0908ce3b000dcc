/**
 * A generator's output for one proxy and type, filtered to the proxy's
 * subscription, encoded, digested and framed for the wire. Shared lists
 * (shared-resources.ts) are handled as one piece: their filtered, encoded
 * form — the resources, the sum of their digest lanes, and the bytes of
 * their `resources` entries in a DiscoveryResponse — is computed once per
 * (list, type, subscription) and reused for every proxy that shares them.
 * Per proxy, only the loose resources are looked at one by one (each is
 * still encoded once per message object, resource-encoder.ts).
 *
 * The set digest equals hashResourceSet over the flattened resources (the
 * multiset hash is a sum, so parts add up), which is how a push decides
 * whether a proxy's output changed.
 */
import { encodeResource, hashLanes, type EncodedResource } from './resource-encoder.ts';
import { packEntries, resourceEntryBytes } from './packed-response.ts';
import { NameSet, SharedResources, type GeneratorOutput } from './shared-resources.ts';
import type { XdsResource } from './types.ts';

type Lanes = [number, number, number, number];

/** One shared list, filtered and encoded for one type and subscription. */
interface EncodedPart {
  readonly resources: readonly EncodedResource[];
  readonly lanes: Lanes;
  /** The `resources` entries of a DiscoveryResponse, concatenated (built on first send). */
  wire: Uint8Array | undefined;
}

export interface EncodedOutput {
  readonly count: number;
  /** Order-independent digest of names and contents (hashResourceSet's). */
  readonly hash: string;
  /** Every resource, flattened (built on demand). */
  resources(): EncodedResource[];
  /** The resource names sent (built on demand). */
  names(): string[];
  /** The framed `resources` entries for a DiscoveryResponse, and their total length. */
  wire(): { chunks: Uint8Array[]; byteLength: number };
}

const WILDCARD = Symbol('wildcard');
/** SharedResources → type URL → subscription → its encoded part. Lives as long as the shared list (its push context). */
const parts = new WeakMap<SharedResources, Map<string, Map<NameSet | typeof WILDCARD, EncodedPart>>>();

function sharedPart(typeUrl: string, shared: SharedResources, filter: NameSet | undefined): EncodedPart {
  let byType = parts.get(shared);
  if (!byType) parts.set(shared, (byType = new Map()));
  let byFilter = byType.get(typeUrl);
  if (!byFilter) byType.set(typeUrl, (byFilter = new Map()));
  const key = filter ?? WILDCARD;
  let part = byFilter.get(key);
  if (!part) {
    const wanted = filter ? shared.resources.filter((r) => filter.has(r.name)) : shared.resources;
    const resources = wanted.map((r) => encodeResource(typeUrl, r));
    const lanes: Lanes = [0, 0, 0, 0];
    for (const r of resources) addLanes(lanes, r.lanes);
    part = { resources, lanes, wire: undefined };
    byFilter.set(key, part);
  }
  return part;
}

function addLanes(into: Lanes, lanes: readonly number[]): void {
  for (let i = 0; i < 4; i++) into[i] = (into[i] + lanes[i]) >>> 0;
}

/**
 * Encodes `output` for a subscription: `filter` undefined means wildcard
 * (everything), else only the named resources. A name that appears twice
 * (in a shared list and loose) is sent once, the shared one.
 */
export function encodeOutput(typeUrl: string, output: GeneratorOutput, filter: NameSet | undefined): EncodedOutput {
  const sharedParts: EncodedPart[] = [];
  const sharedLists: SharedResources[] = [];
  const loose: XdsResource[] = [];
  for (const item of output) {
    if (item instanceof SharedResources) {
      sharedParts.push(sharedPart(typeUrl, item, filter));
      sharedLists.push(item);
    } else if ((!filter || filter.has(item.name)) && !sharedLists.some((s) => s.names.has(item.name))) {
      loose.push(item);
    }
  }
  const own = loose.map((r) => encodeResource(typeUrl, r));
  const lanes: Lanes = [0, 0, 0, 0];
  let count = own.length;
  for (const p of sharedParts) {
    addLanes(lanes, p.lanes);
    count += p.resources.length;
  }
  for (const r of own) addLanes(lanes, r.lanes);
  const flat = () => [...sharedParts.flatMap((p) => p.resources), ...own];
  return {
    count,
    hash: hashLanes(count, lanes),
    resources: flat,
    names: () => flat().map((r) => r.name),
    wire: () => {
      const chunks: Uint8Array[] = [];
      let byteLength = 0;
      for (const p of sharedParts) {
        p.wire ??= packEntries(p.resources);
        chunks.push(p.wire);
        byteLength += p.wire.byteLength;
      }
      for (const r of own) {
        const bytes = resourceEntryBytes(r);
        chunks.push(bytes);
        byteLength += bytes.byteLength;
      }
      return { chunks, byteLength };
    },
  };
}
