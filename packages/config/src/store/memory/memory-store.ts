/**
 * The in-memory backend, for tests and tools: the same admission, conflicts,
 * watch semantics and bounded history as the durable store, without a file.
 * State is lost when the process ends.
 */
import { randomUUID } from 'node:crypto';
import type { ResourceObject } from '@skiff/api';
import { systemClock, type Clock } from '@skiff/common';
import { admitCreate, admitUpdate, createdObject, updatedObject, type AdmissionContext } from '../admission.ts';
import { matchesLabelSelector, parseLabelSelector, EVERYTHING } from '../label-selector.ts';
import { alreadyExistsError, closedError, conflictError, notFoundError, preconditionError } from '../store-errors.ts';
import { StoreErrorCode, type ConfigStore, type DeleteOptions, type KindRef, type ListOptions, type ListResult, type ObjectKey, type StoredObject, type WatchHandlers, type WatchOptions } from '../types.ts';
import { WatchHub, type LoggedEvent } from '../watch-hub.ts';
import { SkiffError } from '@skiff/common';

export interface MemoryStoreOptions {
  /** Creation timestamps; defaults to the system clock. */
  readonly clock?: Clock;
  /** How many events watches can replay; older ones are compacted. Default 1000. */
  readonly historyLimit?: number;
  readonly newUid?: () => string;
}

/** An unambiguous encoding of the four key parts (a JSON array, so no separator can collide). */
function storageKey(key: ObjectKey): string {
  return JSON.stringify([key.group, key.kind, key.namespace, key.name]);
}

export function createMemoryStore(options: MemoryStoreOptions = {}): ConfigStore {
  return new MemoryStore(options);
}

class MemoryStore implements ConfigStore {
  readonly #context: AdmissionContext;
  readonly #historyLimit: number;
  readonly #objects = new Map<string, StoredObject>();
  readonly #events: LoggedEvent[] = [];
  #revision = 0;
  #compacted = 0;
  #closed = false;
  readonly #hub: WatchHub;

  constructor(options: MemoryStoreOptions) {
    this.#context = { clock: options.clock ?? systemClock, newUid: options.newUid ?? randomUUID };
    this.#historyLimit = Math.max(1, options.historyLimit ?? 1000);
    this.#hub = new WatchHub({
      readAfter: (after, limit) => ({
        compacted: this.#compacted,
        events: this.#events.filter((e) => e.revision > after).slice(0, limit),
      }),
    });
  }

  // ConfigStore

  async get(key: ObjectKey): Promise<StoredObject | undefined> {
    this.#checkOpen();
    const found = this.#objects.get(storageKey(key));
    return found && structuredClone(found);
  }

  async list(kind: KindRef, options: ListOptions = {}): Promise<ListResult> {
    this.#checkOpen();
    const parsed = options.labelSelector ? parseLabelSelector(options.labelSelector) : undefined;
    if (parsed && !parsed.ok) throw new SkiffError(StoreErrorCode.Invalid, parsed.errors.join('; '));
    const selector = parsed?.value ?? EVERYTHING;
    const items = [...this.#objects.values()]
      .filter((o) => o.kind === kind.kind && groupOfStored(o) === kind.group)
      .filter((o) => options.namespace === undefined || o.metadata.namespace === options.namespace)
      .filter((o) => matchesLabelSelector(selector, o.metadata.labels))
      .sort(byNamespaceAndName)
      .map((o) => structuredClone(o));
    return { items, resourceVersion: String(this.#revision) };
  }

  async create(object: ResourceObject): Promise<StoredObject> {
    this.#checkOpen();
    const admitted = admitCreate(object, this.#context);
    const id = storageKey(admitted.key);
    if (this.#objects.has(id)) throw alreadyExistsError(admitted.key);
    const stored = createdObject(admitted, this.#revision + 1, this.#context);
    this.#commit(id, { revision: this.#revision + 1, type: 'ADDED', object: stored });
    return structuredClone(stored);
  }

  async update(object: ResourceObject): Promise<StoredObject> {
    this.#checkOpen();
    const admitted = admitUpdate(object);
    const id = storageKey(admitted.key);
    const existing = this.#objects.get(id);
    if (!existing) throw notFoundError(admitted.key);
    const given = object.metadata?.resourceVersion;
    if (given && given !== existing.metadata.resourceVersion) throw conflictError(admitted.key, given, existing.metadata.resourceVersion);
    const stored = updatedObject(admitted, existing, this.#revision + 1);
    if (!stored) return structuredClone(existing);
    this.#commit(id, { revision: this.#revision + 1, type: 'MODIFIED', object: stored, previousLabels: existing.metadata.labels ?? {} });
    return structuredClone(stored);
  }

  async delete(key: ObjectKey, options: DeleteOptions = {}): Promise<StoredObject> {
    this.#checkOpen();
    const id = storageKey(key);
    const existing = this.#objects.get(id);
    if (!existing) throw notFoundError(key);
    if (options.resourceVersion && options.resourceVersion !== existing.metadata.resourceVersion) {
      throw preconditionError(key, options.resourceVersion, existing.metadata.resourceVersion);
    }
    const revision = this.#revision + 1;
    const deleted = structuredClone(existing);
    deleted.metadata.resourceVersion = String(revision);
    this.#commit(id, { revision, type: 'DELETED', object: deleted });
    return structuredClone(deleted);
  }

  watch(options: WatchOptions, handlers: WatchHandlers): () => void {
    if (this.#closed) {
      queueMicrotask(() => handlers.onError(closedError()));
      return () => {};
    }
    return this.#hub.add(options, handlers);
  }

  async currentResourceVersion(): Promise<string> {
    this.#checkOpen();
    return String(this.#revision);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#hub.closeAll(closedError());
  }

  #commit(id: string, event: LoggedEvent): void {
    if (event.type === 'DELETED') this.#objects.delete(id);
    else this.#objects.set(id, event.object);
    this.#revision = event.revision;
    this.#events.push(event);
    const excess = this.#events.length - this.#historyLimit;
    if (excess > 0) {
      this.#events.splice(0, excess);
      this.#compacted = this.#events[0].revision - 1;
    }
    this.#hub.pump();
  }

  #checkOpen(): void {
    if (this.#closed) throw closedError();
  }
}

export function groupOfStored(object: StoredObject): string {
  const slash = object.apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : object.apiVersion.slice(0, slash);
}

export function byNamespaceAndName(a: StoredObject, b: StoredObject): number {
  const an = a.metadata.namespace ?? '';
  const bn = b.metadata.namespace ?? '';
  return an < bn ? -1 : an > bn ? 1 : a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}
