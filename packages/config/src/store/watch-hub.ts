/**
 * Watch delivery shared by the backends. A backend keeps an ordered event log
 * (one event per revision, oldest events compacted away) and calls `pump()`
 * after each of its own writes, and on a timer when other processes may
 * write. Each watcher has a cursor (the last revision it has seen); a pump
 * delivers, in revision order, every retained event past the lowest cursor.
 * A watcher whose cursor falls behind the compacted revision can no longer
 * be served every change and ends with SKIFF_ERR_GONE.
 *
 * Label selectors follow the API server's watch cache: an object that starts
 * matching arrives as ADDED, one that stops matching as DELETED.
 */
import { SkiffError } from '@skiff/common';
import { matchesLabelSelector, parseLabelSelector, type LabelSelector } from './label-selector.ts';
import { goneError } from './store-errors.ts';
import { StoreErrorCode, type KindRef, type StoredObject, type WatchEventType, type WatchHandlers, type WatchOptions } from './types.ts';
import { splitApiVersion } from '@skiff/api';

export interface LoggedEvent {
  readonly revision: number;
  readonly type: WatchEventType;
  readonly object: StoredObject;
  /** For MODIFIED: the labels before the change (selector transitions). */
  readonly previousLabels?: Readonly<Record<string, string>>;
}

export interface EventLog {
  /**
   * Events after `after`, ascending, at most `limit`, and the compacted
   * revision, read from one consistent snapshot.
   */
  readAfter(after: number, limit: number): { readonly compacted: number; readonly events: readonly LoggedEvent[] };
}

interface Watcher {
  cursor: number;
  stopped: boolean;
  readonly kinds: readonly KindRef[] | undefined;
  readonly namespace: string | undefined;
  readonly selector: LabelSelector | undefined;
  readonly handlers: WatchHandlers;
}

const BATCH = 256;

export class WatchHub {
  readonly #log: EventLog;
  readonly #onCountChange: (count: number) => void;
  readonly #watchers = new Set<Watcher>();
  #pumping = false;
  #pumpAgain = false;

  /** `onCountChange` lets a backend run its poll timer only while someone watches. */
  constructor(log: EventLog, onCountChange: (count: number) => void = () => {}) {
    this.#log = log;
    this.#onCountChange = onCountChange;
  }

  get size(): number {
    return this.#watchers.size;
  }

  /** Starts a watch; replay and errors arrive asynchronously, never before this returns. */
  add(options: WatchOptions, handlers: WatchHandlers): () => void {
    const rv = options.resourceVersion;
    if (!/^\d+$/.test(rv ?? '')) {
      queueMicrotask(() => handlers.onError(new SkiffError(StoreErrorCode.Invalid, `invalid resource version ${JSON.stringify(rv)}: expected a resourceVersion returned by the store`)));
      return () => {};
    }
    let selector: LabelSelector | undefined;
    if (options.labelSelector) {
      const parsed = parseLabelSelector(options.labelSelector);
      if (!parsed.ok) {
        queueMicrotask(() => handlers.onError(new SkiffError(StoreErrorCode.Invalid, parsed.errors.join('; '))));
        return () => {};
      }
      selector = parsed.value;
    }
    const watcher: Watcher = { cursor: Number(rv), stopped: false, kinds: options.kinds, namespace: options.namespace, selector, handlers };
    this.#watchers.add(watcher);
    this.#onCountChange(this.#watchers.size);
    queueMicrotask(() => this.pump());
    return () => this.#remove(watcher);
  }

  /** Delivers everything new; safe to call re-entrantly from a handler (the outer pump picks it up). */
  pump(): void {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        this.#pumpOnce();
      } while (this.#pumpAgain);
    } catch (err) {
      this.closeAll(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.#pumping = false;
    }
  }

  /** Ends every watch with `error` (store closed, or the log became unreadable). */
  closeAll(error: Error): void {
    for (const watcher of [...this.#watchers]) this.#fail(watcher, error);
  }

  #pumpOnce(): void {
    for (;;) {
      if (this.#watchers.size === 0) return;
      const after = Math.min(...[...this.#watchers].map((w) => w.cursor));
      const { compacted, events } = this.#log.readAfter(after, BATCH);
      for (const watcher of [...this.#watchers]) {
        if (watcher.cursor < compacted) this.#fail(watcher, goneError(watcher.cursor, compacted));
      }
      for (const event of events) {
        for (const watcher of [...this.#watchers]) {
          if (watcher.stopped || watcher.cursor >= event.revision) continue;
          watcher.cursor = event.revision;
          this.#deliver(watcher, event);
        }
      }
      if (events.length < BATCH) return;
    }
  }

  #deliver(watcher: Watcher, event: LoggedEvent): void {
    const { object } = event;
    if (watcher.namespace !== undefined && object.metadata.namespace !== watcher.namespace) return;
    if (watcher.kinds && !watcher.kinds.some((k) => k.kind === object.kind && k.group === splitApiVersion(object.apiVersion).group)) return;
    let type: WatchEventType | undefined = event.type;
    if (watcher.selector) {
      const now = matchesLabelSelector(watcher.selector, object.metadata.labels);
      const before = event.type === 'MODIFIED' && matchesLabelSelector(watcher.selector, event.previousLabels);
      if (event.type === 'MODIFIED') type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
      else if (!now) type = undefined;
    }
    if (type === undefined) return;
    try {
      watcher.handlers.onEvent({ type, object: structuredClone(object) });
    } catch (err) {
      this.#fail(watcher, err instanceof Error ? err : new Error(String(err)));
    }
  }

  #fail(watcher: Watcher, error: Error): void {
    if (watcher.stopped) return;
    this.#remove(watcher);
    watcher.handlers.onError(error);
  }

  #remove(watcher: Watcher): void {
    if (watcher.stopped) return;
    watcher.stopped = true;
    this.#watchers.delete(watcher);
    this.#onCountChange(this.#watchers.size);
  }
}
