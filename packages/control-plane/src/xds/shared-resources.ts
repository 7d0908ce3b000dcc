/**
 * Generator output that many proxies share (Istio's XdsCache, one level
 * up). Proxies with the same outbound scope — same namespace, same Sidecar,
 * same config selecting them — get the same translated outbound clusters,
 * endpoints and routes from the push context's caches; a generator hands
 * that list to the server as one `SharedResources` object instead of its
 * thousands of elements, and only the per-proxy part (inbound clusters and
 * listeners) as loose resources. The server then filters, encodes, digests
 * and frames a shared list once per push context and subscription (see
 * encoded-output.ts), so a push to a thousand alike proxies costs one
 * translation and one serialization plus a thousand cheap lookups.
 *
 * A SharedResources is immutable and compared by identity: the same list
 * object must be returned for every proxy that shares it (build it inside a
 * push-cache slot keyed by the proxy's ProxyKey).
 */
import type { XdsResource } from './types.ts';

export class SharedResources {
  readonly resources: readonly XdsResource[];
  #names: ReadonlySet<string> | undefined;

  constructor(resources: readonly XdsResource[]) {
    this.resources = Object.freeze([...resources]);
  }

  /** The names in the list (built on first use). */
  get names(): ReadonlySet<string> {
    return (this.#names ??= new Set(this.resources.map((r) => r.name)));
  }
}

/** What a generator returns: loose per-proxy resources and shared lists, in any mix. */
export type GeneratorOutput = readonly (XdsResource | SharedResources)[];

/** The output as one flat list of resources (debug views, tests, the delta protocol's per-resource diff). */
export function flattenResources(output: GeneratorOutput): XdsResource[] {
  const out: XdsResource[] = [];
  for (const item of output) {
    if (item instanceof SharedResources) out.push(...item.resources);
    else out.push(item);
  }
  return out;
}

/**
 * A subscription's resource names, interned: every watch subscribed to the
 * same names holds the same NameSet object, so per-subscription results
 * (a shared list filtered to what the proxy asked for) can be cached by
 * identity. Entries go away with the last watch holding them.
 */
export class NameSet {
  readonly names: ReadonlySet<string>;

  private constructor(names: ReadonlySet<string>) {
    this.names = names;
  }

  static readonly #interned = new Map<string, WeakRef<NameSet>>();
  static readonly #registry = new FinalizationRegistry<string>((key) => {
    if (NameSet.#interned.get(key)?.deref() === undefined) NameSet.#interned.delete(key);
  });

  static of(names: Iterable<string>): NameSet {
    const sorted = [...new Set(names)].sort();
    const key = sorted.join('\n');
    const found = NameSet.#interned.get(key)?.deref();
    if (found) return found;
    const made = new NameSet(new Set(sorted));
    NameSet.#interned.set(key, new WeakRef(made));
    NameSet.#registry.register(made, key);
    return made;
  }

  get size(): number {
    return this.names.size;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }
}
