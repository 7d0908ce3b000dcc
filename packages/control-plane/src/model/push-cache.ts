/**
 * Translation caches that live and die with one PushContext (Istio's
 * XdsCache, scoped to a push instead of invalidated by config keys). A
 * cached result is looked up by its **key object** and built from that key
 * alone (STYLE §7 rule 4): `cache.getOrBuild(SLOT, key)` calls
 * `SLOT.build(key, push)` once per distinct key. The PushContext that owns
 * the cache is immutable, so everything the builder reads is either in the
 * key or fixed for the cache's lifetime; a config or endpoint change builds
 * a new PushContext and with it empty caches, so nothing stale is served.
 *
 * Keys are compared field by field (name and value, in the key's order):
 * primitives by value, objects by identity. Identity is always safe (a
 * different object never matches) but only shares when callers use the
 * push context's own objects or values passed through `intern`, which
 * turns equal values (label maps, string lists) into one object.
 *
 * Cached results are deep-frozen: they are shared by every proxy whose key
 * matches, and encoded once (xds/resource-encoder.ts caches the bytes by the
 * message object), so a later mutation would corrupt what other proxies are
 * sent. Freezing turns such a bug into an immediate TypeError.
 */

/** A kind of cached result: its name (for debugging) and the builder that reads only the key (and the owning push). */
export interface CacheSlot<K extends object, V, P = unknown> {
  readonly name: string;
  build(key: K, push: P): V;
}

export function cacheSlot<K extends object, V, P = unknown>(name: string, build: (key: K, push: P) => V): CacheSlot<K, V, P> {
  return { name, build };
}

/** A trie keyed by a sequence of parts (primitives by value, objects by identity). */
class PartTrie<V> {
  readonly #root = new Map<unknown, unknown>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(parts: readonly unknown[]): V | undefined {
    let node: Map<unknown, unknown> | undefined = this.#root;
    for (const part of parts) {
      node = node.get(part) as Map<unknown, unknown> | undefined;
      if (!node) return undefined;
    }
    return node.get(LEAF) as V | undefined;
  }

  set(parts: readonly unknown[], value: V): void {
    let node = this.#root;
    for (const part of parts) {
      let next = node.get(part) as Map<unknown, unknown> | undefined;
      if (!next) node.set(part, (next = new Map()));
      node = next;
    }
    if (!node.has(LEAF)) this.#size++;
    node.set(LEAF, value);
  }
}

const LEAF = Symbol('leaf');

/**
 * The parts a key object is compared by: each field name followed by its
 * value, in the object's own order. Names are part of the sequence, so two
 * keys can only match when they have the same fields with the same values;
 * equal keys written in another field order merely miss each other.
 */
function keyParts(key: object): unknown[] {
  const parts: unknown[] = [];
  for (const name in key) parts.push(name, (key as Record<string, unknown>)[name]);
  return parts;
}

export class PushCache<P = unknown> {
  readonly #owner: P;
  readonly #slots = new Map<CacheSlot<object, unknown, P>, PartTrie<unknown>>();
  readonly #interned = new PartTrie<object>();
  #hits = 0;
  #misses = 0;

  constructor(owner: P) {
    this.#owner = owner;
  }

  getOrBuild<K extends object, V>(slot: CacheSlot<K, V, P>, key: K): V {
    let trie = this.#slots.get(slot as CacheSlot<object, unknown, P>);
    if (!trie) this.#slots.set(slot as CacheSlot<object, unknown, P>, (trie = new PartTrie()));
    const parts = keyParts(key);
    const found = trie.get(parts);
    if (found !== undefined) {
      this.#hits++;
      return found as V;
    }
    this.#misses++;
    const value = deepFreeze(slot.build(key, this.#owner));
    trie.set(parts, value);
    return value;
  }

  /** One frozen object for every equal label map (by sorted entries). */
  internLabels(labels: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const parts: unknown[] = ['labels'];
    for (const [k, v] of entries) parts.push(k, v);
    return this.#intern(parts, () => Object.freeze(Object.fromEntries(entries)));
  }

  /** One frozen array for every equal list (elements: primitives by value, objects by identity). */
  internList<T>(list: readonly T[]): readonly T[] {
    return this.#intern(['list', ...list], () => Object.freeze([...list]));
  }

  /** How many lookups were answered from the cache and how many built, since the push context was built. */
  stats(): { hits: number; misses: number; entries: Record<string, number> } {
    const entries: Record<string, number> = {};
    for (const [slot, trie] of this.#slots) entries[slot.name] = trie.size;
    return { hits: this.#hits, misses: this.#misses, entries };
  }

  #intern<T extends object>(parts: readonly unknown[], make: () => T): T {
    const found = this.#interned.get(parts);
    if (found) return found as T;
    const made = make();
    this.#interned.set(parts, made);
    return made;
  }
}

/** Freezes an object graph in place (typed arrays, which cannot be frozen, are left as they are). */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value as object)) deepFreeze(child);
  return value;
}
