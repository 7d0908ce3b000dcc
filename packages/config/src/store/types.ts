/**
 * The config store contract, shaped like the Kubernetes API so the same
 * consumers run on every backend (in-memory for tests, the durable file store
 * for local mode, the Kubernetes API server in cluster mode): list + watch
 * from a resourceVersion, optimistic concurrency on writes, validation on
 * every write.
 *
 * resourceVersion is one store-wide, strictly increasing counter (like etcd's
 * revision), rendered as a decimal string; clients must treat it as opaque
 * except for passing it back.
 */
import type { KindDefinition, ObjectMeta, ResourceObject } from '@skiff/api';

/** A stored object: metadata always carries name, namespace ('' when cluster-scoped), uid, resourceVersion, generation and creationTimestamp. */
export interface StoredObject extends ResourceObject {
  metadata: ObjectMeta & { name: string; namespace?: string; uid: string; resourceVersion: string; generation: number; creationTimestamp: string };
}

/** Which kind: group + kind, as in `KindDefinition` (versions share one storage). */
export interface KindRef {
  readonly group: string;
  readonly kind: string;
}

export interface ObjectKey extends KindRef {
  /** '' for cluster-scoped kinds. */
  readonly namespace: string;
  readonly name: string;
}

export interface ListOptions {
  /** Only this namespace; all namespaces when unset. */
  readonly namespace?: string;
  /** Kubernetes label selector syntax: `app=reviews,version in (v1,v2),!canary`. */
  readonly labelSelector?: string;
}

export interface ListResult {
  readonly items: StoredObject[];
  /** The store's resourceVersion at the time of the list: pass it to `watch` to see every later change. */
  readonly resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  readonly type: WatchEventType;
  /** For DELETED, the object as it was last stored, with the deletion's resourceVersion. */
  readonly object: StoredObject;
}

export interface WatchOptions extends ListOptions {
  /** Deliver every change after this version. A version older than the store keeps history for fails with SKIFF_ERR_GONE ("too old resource version"). */
  readonly resourceVersion: string;
  /** Which kinds; every kind when unset. */
  readonly kinds?: readonly KindRef[];
}

export interface WatchHandlers {
  onEvent(event: WatchEvent): void;
  /**
   * The watch ended and will deliver nothing more: SKIFF_ERR_GONE when the
   * watcher fell behind the retained history (relist, then watch again), or
   * the store closed.
   */
  onError(error: Error): void;
}

export interface DeleteOptions {
  /** Delete only if the object is still at this version (precondition). */
  readonly resourceVersion?: string;
}

export interface ConfigStore {
  get(key: ObjectKey): Promise<StoredObject | undefined>;
  list(kind: KindRef, options?: ListOptions): Promise<ListResult>;
  /** Fails with SKIFF_ERR_ALREADY_EXISTS, or SKIFF_ERR_INVALID (details.issues) when validation fails. */
  create(object: ResourceObject): Promise<StoredObject>;
  /**
   * Replaces the object. When `metadata.resourceVersion` is given it must match
   * the stored one, or the write fails with SKIFF_ERR_CONFLICT; never a lost update.
   * Fails with SKIFF_ERR_NOT_FOUND when absent.
   */
  update(object: ResourceObject): Promise<StoredObject>;
  /** Fails with SKIFF_ERR_NOT_FOUND, or SKIFF_ERR_CONFLICT when the precondition fails. */
  delete(key: ObjectKey, options?: DeleteOptions): Promise<StoredObject>;
  /** Returns the function that stops the watch. */
  watch(options: WatchOptions, handlers: WatchHandlers): () => void;
  /** The store's current resourceVersion. */
  currentResourceVersion(): Promise<string>;
  close(): Promise<void>;
}

export const StoreErrorCode = {
  NotFound: 'SKIFF_ERR_NOT_FOUND',
  AlreadyExists: 'SKIFF_ERR_ALREADY_EXISTS',
  Conflict: 'SKIFF_ERR_CONFLICT',
  Invalid: 'SKIFF_ERR_INVALID',
  Gone: 'SKIFF_ERR_GONE',
  Corrupt: 'SKIFF_ERR_STORE_CORRUPT',
  Closed: 'SKIFF_ERR_STORE_CLOSED',
  /** A durable store could not take the write lock within its busy timeout (another process held it). */
  Busy: 'SKIFF_ERR_STORE_BUSY',
} as const;

export function kindRefOf(definition: KindDefinition): KindRef {
  return { group: definition.group, kind: definition.kind };
}
