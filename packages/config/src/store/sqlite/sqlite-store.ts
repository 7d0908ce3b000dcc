/**
 * The durable local backend: one SQLite file through Node's built-in
 * `node:sqlite`, WAL mode, `synchronous=FULL`, one `BEGIN IMMEDIATE`
 * transaction per write (so an acknowledged write is on disk, and several
 * processes may write the same file, waiting up to `busyTimeoutMs` for the
 * lock). Each write bumps the store-wide revision and appends one event;
 * events beyond `historyLimit` are compacted. Watches are fed from the events
 * table: at once for this process's own writes, and by polling every
 * `pollIntervalMs` for writes by other processes.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { ResourceObject } from '@skiff/api';
import { SkiffError, systemClock, type Cancel, type Clock } from '@skiff/common';
import { admitCreate, admitUpdate, createdObject, updatedObject, type AdmissionContext } from '../admission.ts';
import { EVERYTHING, matchesLabelSelector, parseLabelSelector } from '../label-selector.ts';
import { alreadyExistsError, closedError, conflictError, notFoundError, preconditionError } from '../store-errors.ts';
import { StoreErrorCode, type ConfigStore, type DeleteOptions, type KindRef, type ListOptions, type ListResult, type ObjectKey, type StoredObject, type WatchEventType, type WatchHandlers, type WatchOptions } from '../types.ts';
import { WatchHub, type LoggedEvent } from '../watch-hub.ts';
import { checksum, corruptError, isSqliteCorruption, openDatabase } from './open-database.ts';

export interface SqliteStoreOptions {
  /** Creation timestamps and the poll timer; defaults to the system clock. */
  readonly clock?: Clock;
  /** How often watches look for other processes' writes. Default 100 ms. */
  readonly pollIntervalMs?: number;
  /** How long a write waits for another process's write lock before SKIFF_ERR_STORE_BUSY. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** How many events watches can replay; older ones are compacted. Default 1000. */
  readonly historyLimit?: number;
  readonly newUid?: () => string;
}

export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): ConfigStore {
  return new SqliteStore(path, options);
}

interface ObjectRow { body: string; crc: number }
interface EventRow { rev: number; type: WatchEventType; body: string; prev_labels: string | null; crc: number }

class SqliteStore implements ConfigStore {
  readonly #db: DatabaseSync;
  readonly #file: string;
  readonly #clock: Clock;
  readonly #context: AdmissionContext;
  readonly #historyLimit: number;
  readonly #pollIntervalMs: number;
  readonly #hub: WatchHub;
  readonly #sql: Record<
    'getObject' | 'listKind' | 'listNamespace' | 'insertObject' | 'updateObject' | 'deleteObject' | 'insertEvent' | 'getMeta' | 'setMeta' | 'compact' | 'eventsAfter',
    StatementSync
  >;
  #stopPolling: Cancel | undefined;
  #closed = false;

  constructor(path: string, options: SqliteStoreOptions) {
    const { db, file } = openDatabase(path, options.busyTimeoutMs ?? 5000);
    this.#db = db;
    this.#file = file;
    this.#clock = options.clock ?? systemClock;
    this.#context = { clock: this.#clock, newUid: options.newUid ?? randomUUID };
    this.#historyLimit = Math.max(1, options.historyLimit ?? 1000);
    this.#pollIntervalMs = Math.max(1, options.pollIntervalMs ?? 100);
    const key = 'grp = ? AND kind = ? AND namespace = ? AND name = ?';
    this.#sql = {
      getObject: db.prepare(`SELECT body, crc FROM objects WHERE ${key}`),
      listKind: db.prepare('SELECT body, crc FROM objects WHERE grp = ? AND kind = ? ORDER BY namespace, name'),
      listNamespace: db.prepare('SELECT body, crc FROM objects WHERE grp = ? AND kind = ? AND namespace = ? ORDER BY name'),
      insertObject: db.prepare('INSERT INTO objects (grp, kind, namespace, name, rev, body, crc) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      updateObject: db.prepare(`UPDATE objects SET rev = ?, body = ?, crc = ? WHERE ${key}`),
      deleteObject: db.prepare(`DELETE FROM objects WHERE ${key}`),
      insertEvent: db.prepare('INSERT INTO events (rev, type, body, prev_labels, crc) VALUES (?, ?, ?, ?, ?)'),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('UPDATE meta SET value = ? WHERE key = ?'),
      compact: db.prepare('DELETE FROM events WHERE rev <= ?'),
      eventsAfter: db.prepare('SELECT rev, type, body, prev_labels, crc FROM events WHERE rev > ? ORDER BY rev LIMIT ?'),
    };
    this.#hub = new WatchHub({ readAfter: (after, limit) => this.#readAfter(after, limit) }, (count) => this.#onWatchCount(count));
  }

  // ConfigStore

  async get(key: ObjectKey): Promise<StoredObject | undefined> {
    return this.#guard(() => this.#getRow(key));
  }

  async list(kind: KindRef, options: ListOptions = {}): Promise<ListResult> {
    const parsed = options.labelSelector ? parseLabelSelector(options.labelSelector) : undefined;
    if (parsed && !parsed.ok) throw new SkiffError(StoreErrorCode.Invalid, parsed.errors.join('; '));
    const selector = parsed?.value ?? EVERYTHING;
    return this.#guard(() => this.#snapshot(() => {
      const rows = (options.namespace === undefined
        ? this.#sql.listKind.all(kind.group, kind.kind)
        : this.#sql.listNamespace.all(kind.group, kind.kind, options.namespace)) as unknown as ObjectRow[];
      const items = rows.map((r) => this.#decode(r.body, r.crc, 'object')).filter((o) => matchesLabelSelector(selector, o.metadata.labels));
      return { items, resourceVersion: String(this.#meta('revision')) };
    }));
  }

  async create(object: ResourceObject): Promise<StoredObject> {
    this.#checkOpen();
    const admitted = admitCreate(object, this.#context);
    const stored = this.#guard(() => this.#write((revision) => {
      if (this.#sql.getObject.get(...keyParams(admitted.key))) throw alreadyExistsError(admitted.key);
      const created = createdObject(admitted, revision, this.#context);
      const body = JSON.stringify(created);
      this.#sql.insertObject.run(...keyParams(admitted.key), revision, body, checksum(body));
      this.#appendEvent(revision, 'ADDED', body, undefined);
      return created;
    }));
    this.#hub.pump();
    return stored;
  }

  async update(object: ResourceObject): Promise<StoredObject> {
    this.#checkOpen();
    const admitted = admitUpdate(object);
    const given = object.metadata?.resourceVersion;
    const stored = this.#guard(() => this.#write((revision) => {
      const existing = this.#getRow(admitted.key);
      if (!existing) throw notFoundError(admitted.key);
      if (given && given !== existing.metadata.resourceVersion) throw conflictError(admitted.key, given, existing.metadata.resourceVersion);
      const updated = updatedObject(admitted, existing, revision);
      if (!updated) return existing;
      const body = JSON.stringify(updated);
      this.#sql.updateObject.run(revision, body, checksum(body), ...keyParams(admitted.key));
      this.#appendEvent(revision, 'MODIFIED', body, existing.metadata.labels ?? {});
      return updated;
    }));
    this.#hub.pump();
    return stored;
  }

  async delete(key: ObjectKey, options: DeleteOptions = {}): Promise<StoredObject> {
    const deleted = this.#guard(() => this.#write((revision) => {
      const existing = this.#getRow(key);
      if (!existing) throw notFoundError(key);
      if (options.resourceVersion && options.resourceVersion !== existing.metadata.resourceVersion) {
        throw preconditionError(key, options.resourceVersion, existing.metadata.resourceVersion);
      }
      existing.metadata.resourceVersion = String(revision);
      this.#sql.deleteObject.run(...keyParams(key));
      this.#appendEvent(revision, 'DELETED', JSON.stringify(existing), undefined);
      return existing;
    }));
    this.#hub.pump();
    return deleted;
  }

  watch(options: WatchOptions, handlers: WatchHandlers): () => void {
    if (this.#closed) {
      queueMicrotask(() => handlers.onError(closedError()));
      return () => {};
    }
    return this.#hub.add(options, handlers);
  }

  async currentResourceVersion(): Promise<string> {
    return this.#guard(() => String(this.#meta('revision')));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#hub.closeAll(closedError());
    this.#stopPolling?.();
    this.#stopPolling = undefined;
    this.#db.close();
  }

  // internals

  /** One write transaction; `fn` gets the revision this write will have. */
  #write<T>(fn: (revision: number) => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn(this.#meta('revision') + 1);
      this.#db.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Reads from one consistent snapshot even while other processes write. */
  #snapshot<T>(fn: () => T): T {
    this.#db.exec('BEGIN');
    try {
      return fn();
    } finally {
      if (this.#db.isTransaction) this.#db.exec('COMMIT');
    }
  }

  #appendEvent(revision: number, type: WatchEventType, body: string, previousLabels: Record<string, string> | undefined): void {
    this.#sql.insertEvent.run(revision, type, body, previousLabels ? JSON.stringify(previousLabels) : null, checksum(body));
    this.#sql.setMeta.run(revision, 'revision');
    const compactTo = revision - this.#historyLimit;
    if (compactTo > this.#meta('compacted')) {
      this.#sql.compact.run(compactTo);
      this.#sql.setMeta.run(compactTo, 'compacted');
    }
  }

  #readAfter(after: number, limit: number): { compacted: number; events: LoggedEvent[] } {
    if (this.#closed) throw closedError();
    return this.#snapshot(() => ({
      compacted: this.#meta('compacted'),
      events: (this.#sql.eventsAfter.all(after, limit) as unknown as EventRow[]).map((r) => ({
        revision: r.rev,
        type: r.type,
        object: this.#decode(r.body, r.crc, `event ${r.rev}`),
        ...(r.prev_labels === null ? {} : { previousLabels: JSON.parse(r.prev_labels) as Record<string, string> }),
      })),
    }));
  }

  #getRow(key: ObjectKey): StoredObject | undefined {
    const row = this.#sql.getObject.get(...keyParams(key)) as ObjectRow | undefined;
    return row && this.#decode(row.body, row.crc, 'object');
  }

  #decode(body: string, crc: number, what: string): StoredObject {
    if (checksum(body) !== crc) throw corruptError(this.#file, `holds a damaged ${what} (checksum mismatch)`);
    return JSON.parse(body) as StoredObject;
  }

  #meta(key: 'revision' | 'compacted'): number {
    return (this.#sql.getMeta.get(key) as { value: number }).value;
  }

  #onWatchCount(count: number): void {
    if (count > 0 && !this.#stopPolling && !this.#closed) {
      this.#stopPolling = this.#clock.setInterval(() => this.#hub.pump(), this.#pollIntervalMs);
    } else if (count === 0 && this.#stopPolling) {
      this.#stopPolling();
      this.#stopPolling = undefined;
    }
  }

  /** Runs a database call with the store's error codes: closed, busy, corrupt. */
  #guard<T>(fn: () => T): T {
    this.#checkOpen();
    try {
      return fn();
    } catch (err) {
      if (err instanceof SkiffError) throw err;
      const code = (err as { errcode?: number }).errcode;
      if (code !== undefined && ((code & 0xff) === 5 || (code & 0xff) === 6)) {
        throw new SkiffError(StoreErrorCode.Busy, `config store ${this.#file} is busy: another process held the write lock for longer than the busy timeout`, { path: this.#file }, { cause: err });
      }
      if (isSqliteCorruption(err)) throw corruptError(this.#file, `is damaged (${(err as Error).message})`, undefined, err);
      throw err;
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw closedError();
  }
}

function keyParams(key: ObjectKey): [string, string, string, string] {
  return [key.group, key.kind, key.namespace, key.name];
}
