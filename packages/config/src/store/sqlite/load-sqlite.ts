/**
 * Loads `node:sqlite`. Some Node 24 releases print "ExperimentalWarning:
 * SQLite is an experimental feature" when it loads; that warning means
 * nothing to a Skiff user, so exactly that one is dropped while the module
 * loads. Every other warning passes through untouched.
 */
import { createRequire } from 'node:module';
import type * as Sqlite from 'node:sqlite';

const require = createRequire(import.meta.url);

let loaded: typeof Sqlite | undefined;

export function loadSqlite(): typeof Sqlite {
  loaded ??= withoutSqliteExperimentalWarning(() => require('node:sqlite') as typeof Sqlite);
  return loaded;
}

export function isSqliteExperimentalWarning(warning: string | Error, typeOrOptions: unknown): boolean {
  const message = typeof warning === 'string' ? warning : warning.message;
  const type = typeof typeOrOptions === 'string'
    ? typeOrOptions
    : (typeOrOptions as { type?: string } | undefined)?.type ?? (typeof warning === 'string' ? undefined : warning.name);
  return type === 'ExperimentalWarning' && /\bSQLite\b/i.test(message);
}

/** Runs `load` with the SQLite ExperimentalWarning filtered out of `process.emitWarning`, then restores it. */
export function withoutSqliteExperimentalWarning<T>(load: () => T): T {
  const original = process.emitWarning;
  const filtered = function emitWarning(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    if (isSqliteExperimentalWarning(warning, rest[0])) return;
    (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = original;
  }
}
