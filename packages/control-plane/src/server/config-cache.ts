/**
 * The control plane's view of the config source (an informer, in
 * Kubernetes' terms): one list of every kind a PushContext reads, then one
 * watch from the oldest list version, applied to a map of objects. Each
 * change calls `onChange` with Istio's reason (`config:Kind/ns/name`), and
 * `snapshot()` hands the current objects to PushContext.build synchronously.
 *
 * A watch that ends (history compacted, source restarted) is re-established
 * by relisting after `relistDelayMs` on the injected clock; the relist is
 * diffed into the map so nothing is lost or doubled.
 */
import { kindRefOf, type ConfigStore, type StoredObject, type WatchEvent } from '@skiff/config';
import type { Cancel, Clock } from '@skiff/common';
import { configSnapshot, PUSH_CONTEXT_KINDS, type ConfigSnapshot } from '../model/config-snapshot.ts';

/** What the control plane needs from a config store: its read side. */
export type ConfigSource = Pick<ConfigStore, 'list' | 'watch'>;

export interface ConfigCacheOptions {
  readonly source: ConfigSource;
  readonly clock: Clock;
  readonly onChange: (reason: string) => void;
  readonly log: (line: string) => void;
  /** Wait before relisting after a watch ended, in ms (default 1000). */
  readonly relistDelayMs?: number;
}

const KINDS = PUSH_CONTEXT_KINDS.map(kindRefOf);

export class ConfigCache {
  readonly #options: ConfigCacheOptions;
  readonly #objects = new Map<string, StoredObject>();
  #resourceVersion = '';
  #stopWatch: (() => void) | undefined;
  #relistTimer: Cancel | undefined;
  #listed = false;
  #closed = false;

  constructor(options: ConfigCacheOptions) {
    this.#options = options;
  }

  /** Lists and starts watching; resolves once the first list is in. */
  async start(): Promise<void> {
    await this.#listAndWatch();
  }

  /** The objects now, as one snapshot (the version is the last one seen). */
  snapshot(): ConfigSnapshot {
    return configSnapshot([...this.#objects.values()], this.#resourceVersion);
  }

  /** Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWatch?.();
    this.#relistTimer?.();
  }

  async #listAndWatch(): Promise<void> {
    const lists = await Promise.all(KINDS.map((k) => this.#options.source.list(k)));
    if (this.#closed) return;
    const listed = new Map<string, StoredObject>();
    for (const item of lists.flatMap((l) => l.items)) listed.set(keyOf(item), item);
    // The first list is the starting state; a relist reports what differs from what was known.
    const relist = this.#listed;
    this.#listed = true;
    for (const [key, object] of this.#objects) {
      if (listed.has(key)) continue;
      this.#objects.delete(key);
      if (relist) this.#options.onChange(reasonOf(object));
    }
    for (const [key, object] of listed) {
      if (this.#objects.get(key)?.metadata.resourceVersion === object.metadata.resourceVersion) continue;
      this.#objects.set(key, object);
      if (relist) this.#options.onChange(reasonOf(object));
    }
    // Watch from the oldest list: replaying a few events already listed is harmless (they are applied in order).
    const from = lists.map((l) => l.resourceVersion).reduce((a, b) => (BigInt(b || '0') < BigInt(a || '0') ? b : a));
    const newest = lists.map((l) => l.resourceVersion).reduce((a, b) => (BigInt(b || '0') > BigInt(a || '0') ? b : a));
    this.#resourceVersion = newest;
    this.#stopWatch = this.#options.source.watch({ resourceVersion: from, kinds: KINDS }, {
      onEvent: (event) => this.#onEvent(event),
      onError: (error) => this.#onWatchEnded(error),
    });
  }

  #onEvent(event: WatchEvent): void {
    const key = keyOf(event.object);
    if (event.type === 'DELETED') this.#objects.delete(key);
    else this.#objects.set(key, event.object);
    if (BigInt(event.object.metadata.resourceVersion || '0') > BigInt(this.#resourceVersion || '0')) this.#resourceVersion = event.object.metadata.resourceVersion;
    this.#options.onChange(reasonOf(event.object));
  }

  #onWatchEnded(error: Error): void {
    this.#stopWatch = undefined;
    if (this.#closed) return;
    const delay = this.#options.relistDelayMs ?? 1_000;
    this.#options.log(`config watch ended (${error.message}); relisting in ${delay} ms`);
    this.#relistTimer = this.#options.clock.setTimeout(() => {
      this.#relistTimer = undefined;
      this.#listAndWatch().catch((err: Error) => this.#onWatchEnded(err));
    }, delay);
  }
}

function keyOf(object: StoredObject): string {
  return JSON.stringify([object.apiVersion.split('/').slice(0, -1).join('/'), object.kind, object.metadata.namespace ?? '', object.metadata.name]);
}

/** Istio's push reason for a config change: `config:VirtualService/default/reviews`. */
function reasonOf(object: StoredObject): string {
  const ns = object.metadata.namespace;
  return `config:${object.kind}/${ns ? `${ns}/` : ''}${object.metadata.name}`;
}
