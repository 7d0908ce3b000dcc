/**
 * A read-only ConfigStore over manifest files (`skiff control-plane -f
 * FILE|DIR`): the files are the source of truth. Each file is parsed with
 * parseManifests; a file with any error is reported and skipped as a whole,
 * and the last good version of that file stays in force (a half-applied file
 * would be worse than a stale one). The objects of every good file are
 * reconciled into an in-memory store, which gives resourceVersions, list,
 * get and watch with exactly the memory backend's semantics (ADDED /
 * MODIFIED / DELETED, label selectors, replay from a version). Edits are
 * followed through FileWatcher; rescans run one at a time.
 *
 * When two documents declare the same object, the first in file order wins
 * and the later one is reported as an error.
 */
import { readFile, stat } from 'node:fs/promises';
import type { ResourceObject } from '@skiff/api';
import { SkiffError, type Clock } from '@skiff/common';
import { parseManifests } from '../../parse/manifests.ts';
import { formatResourceRef, type ConfigIssue, type SourcePosition } from '../../parse/issue.ts';
import { createMemoryStore } from '../memory/memory-store.ts';
import type { ConfigStore, KindRef, ListOptions, ListResult, ObjectKey, StoredObject, WatchHandlers, WatchOptions } from '../types.ts';
import { FileWatcher } from './file-watcher.ts';
import { listManifestFiles, resolveRoots, type ManifestFile } from './manifest-files.ts';

export const FILE_SOURCE_READ_ONLY = 'SKIFF_ERR_READ_ONLY';

export interface FileSourceOptions {
  /** The `-f` arguments: files or directories. Each must exist when the source opens. */
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly clock: Clock;
  /** Poll period of the fallback watcher, in ms (default 2000; 0 turns polling off). */
  readonly pollIntervalMs?: number;
  /** How long fs.watch events are gathered before a rescan, in ms (default 100, Istio's debounce). */
  readonly debounceMs?: number;
  /** Use fs.watch (default true). Without it, only the poll notices edits. */
  readonly fsWatch?: boolean;
  /** Called after the first load and after every rescan that changed objects or issues. */
  readonly onReport?: (report: FileSourceReport) => void;
}

export interface FileSourceReport {
  /** Manifest files currently read. */
  readonly files: number;
  /** Objects currently served. */
  readonly objects: number;
  readonly added: number;
  readonly modified: number;
  readonly deleted: number;
  /** Files that failed to parse this time; their last good version (if any) is still served. */
  readonly rejected: readonly string[];
  /** Every issue standing against the current files (errors and warnings, file:line known). */
  readonly issues: readonly ConfigIssue[];
}

interface FileState {
  fingerprint: string;
  text: string;
  /** The objects of the last version of this file that parsed without errors. */
  good: readonly FileObject[];
  issues: readonly ConfigIssue[];
  /** The current text has errors (so `good` is from an earlier version, or empty). */
  rejected: boolean;
}

interface FileObject {
  readonly key: ObjectKey;
  readonly object: ResourceObject;
  readonly source: SourcePosition;
}

const SERVER_OWNED = ['resourceVersion', 'uid', 'generation', 'creationTimestamp', 'managedFields'] as const;

export async function openFileSource(options: FileSourceOptions): Promise<FileSource> {
  const roots = await resolveRoots(options.paths, options.cwd);
  const isDirectory = await Promise.all(roots.map(async (r) => (await stat(r)).isDirectory()));
  const source = new FileSource(options, roots);
  await source.reload();
  source.startWatching(roots.map((path, i) => ({ path, isDirectory: isDirectory[i] })));
  return source;
}

export class FileSource implements ConfigStore {
  readonly #options: FileSourceOptions;
  readonly #roots: readonly string[];
  readonly #store: ConfigStore;
  readonly #files = new Map<string, FileState>();
  /** storage key → key of every object currently written to the inner store. */
  readonly #applied = new Map<string, ObjectKey>();
  readonly #duplicateIssues: ConfigIssue[] = [];
  #watcher: FileWatcher | undefined;
  #scan: Promise<FileSourceReport> | undefined;
  #rescanRequested = false;
  #reported = false;
  #closed = false;

  /** Use openFileSource. */
  constructor(options: FileSourceOptions, roots: readonly string[]) {
    this.#options = options;
    this.#roots = roots;
    this.#store = createMemoryStore({ clock: options.clock });
  }

  /** Every issue standing against the current files. */
  issues(): readonly ConfigIssue[] {
    return [...[...this.#files.values()].flatMap((f) => f.issues), ...this.#duplicateIssues];
  }

  /** Rescans now; concurrent calls share one scan, and a call during a scan runs another after it. */
  reload(): Promise<FileSourceReport> {
    if (this.#scan) {
      this.#rescanRequested = true; // the running scan loops once more and reports that pass
      return this.#scan;
    }
    const run = async (): Promise<FileSourceReport> => {
      let report: FileSourceReport;
      do {
        this.#rescanRequested = false;
        report = await this.#rescan();
      } while (this.#rescanRequested && !this.#closed);
      return report;
    };
    this.#scan = run().finally(() => {
      this.#scan = undefined;
    });
    return this.#scan;
  }

  /** Resolves once no rescan is running (tests: after a poll tick, wait for its scan). */
  async whenIdle(): Promise<void> {
    while (this.#scan) await this.#scan.catch(() => {});
  }

  /** Starts following edits; openFileSource calls it after the first load. */
  startWatching(roots: readonly { path: string; isDirectory: boolean }[]): void {
    if (this.#watcher || this.#closed) return;
    this.#watcher = new FileWatcher({
      roots,
      clock: this.#options.clock,
      pollIntervalMs: this.#options.pollIntervalMs ?? 2_000,
      debounceMs: this.#options.debounceMs ?? 100,
      useFsWatch: this.#options.fsWatch ?? true,
      onNotice: () => {
        this.reload().catch(() => {}); // a scan never rejects except after close
      },
    });
  }

  // ConfigStore (read side)

  get(key: ObjectKey): Promise<StoredObject | undefined> {
    return this.#store.get(key);
  }

  list(kind: KindRef, options?: ListOptions): Promise<ListResult> {
    return this.#store.list(kind, options);
  }

  watch(options: WatchOptions, handlers: WatchHandlers): () => void {
    return this.#store.watch(options, handlers);
  }

  currentResourceVersion(): Promise<string> {
    return this.#store.currentResourceVersion();
  }

  // ConfigStore (write side: refused)

  create(object: ResourceObject): Promise<StoredObject> {
    return Promise.reject(this.#readOnly('create', object));
  }

  update(object: ResourceObject): Promise<StoredObject> {
    return Promise.reject(this.#readOnly('update', object));
  }

  delete(key: ObjectKey): Promise<StoredObject> {
    return Promise.reject(this.#readOnly('delete', { kind: key.kind, metadata: { namespace: key.namespace, name: key.name } }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watcher?.close();
    await this.whenIdle();
    await this.#store.close();
  }

  #readOnly(verb: string, object: Pick<ResourceObject, 'metadata'> & { kind?: unknown }): SkiffError {
    const what = formatResourceRef({ kind: String(object.kind ?? 'object'), namespace: object.metadata?.namespace, name: object.metadata?.name });
    return new SkiffError(
      FILE_SOURCE_READ_ONLY,
      `cannot ${verb} ${what}: this config store is read-only; it follows the files given with -f (${this.#options.paths.join(', ')}): edit those files instead`,
      { verb, paths: [...this.#options.paths] },
    );
  }

  async #rescan(): Promise<FileSourceReport> {
    const listed = await listManifestFiles(this.#roots, this.#options.cwd);
    let issuesChanged = false;
    const present = new Set(listed.map((f) => f.path));
    for (const path of [...this.#files.keys()]) {
      if (!present.has(path)) {
        if (this.#files.get(path)!.issues.length > 0) issuesChanged = true;
        this.#files.delete(path);
      }
    }
    for (const file of listed) {
      if (await this.#refresh(file)) issuesChanged = true;
    }
    if (this.#closed) throw new SkiffError('SKIFF_ERR_STORE_CLOSED', 'config store is closed');
    const counts = await this.#reconcile(listed);
    const report: FileSourceReport = {
      files: listed.length,
      objects: this.#applied.size,
      ...counts,
      rejected: listed.filter((f) => this.#files.get(f.path)?.rejected).map((f) => f.shown),
      issues: this.issues(),
    };
    const first = !this.#reported;
    this.#reported = true;
    if (first || issuesChanged || counts.added + counts.modified + counts.deleted > 0) this.#options.onReport?.(report);
    return report;
  }

  /** Re-reads one file if its fingerprint moved and parses it if its text changed; true when it was parsed. */
  async #refresh(file: ManifestFile): Promise<boolean> {
    const state = this.#files.get(file.path);
    if (state?.fingerprint === file.fingerprint) return false;
    let text: string;
    try {
      text = await readFile(file.path, 'utf8');
    } catch {
      return false; // vanished between listing and reading: the next scan drops it
    }
    if (state && state.text === text) {
      state.fingerprint = file.fingerprint;
      return false;
    }
    const parsed = parseManifests(text, file.shown);
    const hasErrors = parsed.issues.some((i) => i.severity === 'error');
    const good = hasErrors
      ? (state?.good ?? [])
      : parsed.resources.map((r) => ({ key: keyOf(r.object, r.definition), object: stripServerOwned(r.object), source: r.source }));
    this.#files.set(file.path, { fingerprint: file.fingerprint, text, good, issues: parsed.issues, rejected: hasErrors });
    return true;
  }

  /** Writes the union of every file's good objects into the inner store; returns what changed. */
  async #reconcile(files: readonly ManifestFile[]): Promise<{ added: number; modified: number; deleted: number }> {
    const desired = new Map<string, FileObject>();
    this.#duplicateIssues.length = 0;
    for (const file of files) {
      for (const item of this.#files.get(file.path)?.good ?? []) {
        const id = storageKey(item.key);
        const first = desired.get(id);
        if (first) {
          this.#duplicateIssues.push({
            severity: 'error',
            field: 'metadata.name',
            message: `${formatResourceRef(item.key)} is already defined at ${first.source.file}:${first.source.line}; this definition is ignored`,
            source: item.source,
            resource: { kind: item.key.kind, namespace: item.key.namespace || undefined, name: item.key.name },
          });
          continue;
        }
        desired.set(id, item);
      }
    }
    let added = 0;
    let modified = 0;
    let deleted = 0;
    for (const [id, key] of [...this.#applied]) {
      if (desired.has(id)) continue;
      await this.#store.delete(key).catch(() => undefined);
      this.#applied.delete(id);
      deleted++;
    }
    for (const [id, item] of desired) {
      const before = this.#applied.has(id) ? await this.#store.get(item.key) : undefined;
      try {
        const stored = before ? await this.#store.update(item.object) : await this.#store.create(item.object);
        this.#applied.set(id, item.key);
        if (!before) added++;
        else if (stored.metadata.resourceVersion !== before.metadata.resourceVersion) modified++;
      } catch (err) {
        // Admission disagreed with the parser (should not happen): report it against the document, keep serving the rest.
        this.#duplicateIssues.push({ severity: 'error', field: '', message: (err as Error).message, source: item.source });
      }
    }
    return { added, modified, deleted };
  }
}

function keyOf(object: ResourceObject, definition: { group: string; kind: string; namespaced: boolean }): ObjectKey {
  return {
    group: definition.group,
    kind: definition.kind,
    namespace: definition.namespaced ? (object.metadata.namespace || 'default') : '',
    name: object.metadata.name ?? '',
  };
}

function storageKey(key: ObjectKey): string {
  return JSON.stringify([key.group, key.kind, key.namespace, key.name]);
}

/** The files own the spec; the store owns resourceVersion, uid, generation and creation time. */
function stripServerOwned(object: ResourceObject): ResourceObject {
  const copy = structuredClone(object);
  for (const field of SERVER_OWNED) delete (copy.metadata as Record<string, unknown>)[field];
  return copy;
}
