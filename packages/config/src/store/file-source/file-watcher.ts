/**
 * Notices edits under the `-f` roots. fs.watch gives prompt notice (a
 * directory root is watched recursively; a file root through its parent
 * directory, since editors replace files by renaming over them); events
 * arriving within `debounceMs` of the first one are coalesced into one
 * notice. A poll on the injected Clock runs beside it as the fallback: it
 * catches what fs.watch misses (network filesystems, a root that was
 * replaced, platforms without recursive watching). A notice only means
 * "rescan"; the scanner decides what changed.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Cancel, Clock } from '@skiff/common';

export interface FileWatcherOptions {
  readonly roots: readonly { readonly path: string; readonly isDirectory: boolean }[];
  readonly clock: Clock;
  /** Poll period in ms; 0 disables polling. */
  readonly pollIntervalMs: number;
  /** How long fs.watch events are gathered before one notice, in ms. */
  readonly debounceMs: number;
  /** Whether to use fs.watch at all (tests of the poll path turn it off). */
  readonly useFsWatch: boolean;
  readonly onNotice: () => void;
  /** fs.watch failed for a root; polling carries on. */
  readonly onWatchError?: (root: string, error: Error) => void;
}

export class FileWatcher {
  readonly #options: FileWatcherOptions;
  readonly #watchers: FSWatcher[] = [];
  readonly #stopPoll: Cancel | undefined;
  #debounce: Cancel | undefined;
  #closed = false;

  constructor(options: FileWatcherOptions) {
    this.#options = options;
    if (options.useFsWatch) for (const root of options.roots) this.#watch(root.path, root.isDirectory);
    this.#stopPoll = options.pollIntervalMs > 0 ? options.clock.setInterval(() => this.#notice(), options.pollIntervalMs) : undefined;
  }

  /** Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopPoll?.();
    this.#debounce?.();
    for (const w of this.#watchers) w.close();
    this.#watchers.length = 0;
  }

  #watch(root: string, isDirectory: boolean): void {
    const target = isDirectory ? root : dirname(root);
    const name = basename(root);
    try {
      const watcher = watch(target, { recursive: isDirectory, persistent: false }, (_event, filename) => {
        if (isDirectory || filename === null || filename === name) this.#schedule();
      });
      watcher.on('error', (err) => {
        watcher.close();
        this.#options.onWatchError?.(root, err);
      });
      this.#watchers.push(watcher);
    } catch (err) {
      this.#options.onWatchError?.(root, err as Error);
    }
  }

  #schedule(): void {
    if (this.#closed || this.#debounce) return;
    this.#debounce = this.#options.clock.setTimeout(() => {
      this.#debounce = undefined;
      this.#notice();
    }, this.#options.debounceMs);
  }

  #notice(): void {
    if (!this.#closed) this.#options.onNotice();
  }
}
