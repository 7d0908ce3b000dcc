/**
 * Opens (or creates) the store's SQLite file and proves it is whole before
 * anyone reads it. A new file is built aside and linked into place, so a file
 * at the path always has a complete header and schema: an empty or short file
 * is damage, not "new". At open: the SQLite header, Skiff's application id
 * and schema version, `PRAGMA quick_check`, the event history's bookkeeping
 * and every row's CRC-32. Anything wrong fails with SKIFF_ERR_STORE_CORRUPT
 * naming the file and what to do; the file is never modified or dropped.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import type { DatabaseSync } from 'node:sqlite';
import { SkiffError } from '@skiff/common';
import { StoreErrorCode } from '../types.ts';
import { loadSqlite } from './load-sqlite.ts';

export const SCHEMA_VERSION = 1;
/** 'Skif' in ASCII: marks the file as a Skiff config store (SQLite's application_id header field). */
export const APPLICATION_ID = 0x536b6966;

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** The smallest page size; a real database file is never shorter. */
const MIN_FILE_SIZE = 512;

const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
  INSERT INTO meta (key, value) VALUES ('revision', 0), ('compacted', 0);
  CREATE TABLE objects (
    grp TEXT NOT NULL, kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
    rev INTEGER NOT NULL, body TEXT NOT NULL, crc INTEGER NOT NULL,
    PRIMARY KEY (grp, kind, namespace, name)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE events (
    rev INTEGER PRIMARY KEY, type TEXT NOT NULL, body TEXT NOT NULL, prev_labels TEXT, crc INTEGER NOT NULL
  ) STRICT;
  PRAGMA application_id = ${APPLICATION_ID};
  PRAGMA user_version = ${SCHEMA_VERSION};
`;

export function checksum(body: string): number {
  return crc32(body);
}

export function corruptError(file: string, problem: string, remedy = 'Restore it from a backup, or move it aside (keep it for inspection) and Skiff will start an empty store.', cause?: unknown): SkiffError {
  return new SkiffError(
    StoreErrorCode.Corrupt,
    `config store ${file} ${problem}. Skiff has not changed the file. ${remedy}`,
    { path: file, problem },
    cause === undefined ? undefined : { cause },
  );
}

/** SQLite's result codes that mean the file itself is damaged (SQLITE_CORRUPT, SQLITE_NOTADB). */
export function isSqliteCorruption(err: unknown): boolean {
  const code = (err as { errcode?: number } | null)?.errcode;
  return typeof code === 'number' && ((code & 0xff) === 11 || (code & 0xff) === 26);
}

export function openDatabase(path: string, busyTimeoutMs: number): { db: DatabaseSync; file: string } {
  const file = resolve(path);
  if (!existsSync(file)) createDatabaseFile(file);
  checkHeader(file);
  const { DatabaseSync } = loadSqlite();
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file);
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    checkIdentity(db, file);
    const problems = (db.prepare('PRAGMA quick_check').all() as { quick_check: string }[]).map((r) => r.quick_check);
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw corruptError(file, `failed SQLite's integrity check (${problems.slice(0, 3).join('; ')})`);
    }
    const mode = (db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string }).journal_mode;
    if (mode !== 'wal') throw corruptError(file, `could not be switched to WAL mode (journal_mode is ${mode})`, 'Check that the file system supports shared memory (WAL needs it).');
    db.exec('PRAGMA synchronous = FULL');
    checkContents(db, file);
    return { db, file };
  } catch (err) {
    db?.close();
    if (err instanceof SkiffError) throw err;
    if (isSqliteCorruption(err)) throw corruptError(file, `is damaged (${(err as Error).message})`, undefined, err);
    throw err;
  }
}

/** Builds a complete, empty store next to `file` and links it into place; if another process won the race, uses theirs. */
function createDatabaseFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.init-${process.pid}-${randomUUID()}`;
  const { DatabaseSync } = loadSqlite();
  try {
    const db = new DatabaseSync(temp);
    try {
      db.exec('PRAGMA journal_mode = WAL');
      db.exec(`BEGIN; ${SCHEMA} COMMIT;`);
    } finally {
      db.close();
    }
    try {
      linkSync(temp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${temp}${suffix}`, { force: true });
  }
}

function checkHeader(file: string): void {
  const size = statSync(file).size;
  if (size < MIN_FILE_SIZE) {
    throw corruptError(file, `is ${size === 0 ? 'empty' : `only ${size} bytes`}, shorter than any SQLite database (was it truncated?)`);
  }
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!header.equals(SQLITE_MAGIC)) throw corruptError(file, 'is not a SQLite database (its header is damaged or it is another kind of file)');
}

function checkIdentity(db: DatabaseSync, file: string): void {
  const applicationId = (db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id;
  const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (applicationId !== APPLICATION_ID) {
    throw corruptError(file, 'is a SQLite database but not a Skiff config store', 'Point Skiff at its own store file, or move this one aside.');
  }
  if (version !== SCHEMA_VERSION) {
    throw corruptError(
      file,
      `has schema version ${version}, which this Skiff does not know (it reads version ${SCHEMA_VERSION})`,
      version > SCHEMA_VERSION ? 'Open it with the Skiff release that wrote it (or a newer one), or move it aside to start an empty store.' : 'Move it aside to start an empty store.',
    );
  }
}

/** The history's bookkeeping adds up and every stored body matches its CRC-32 (catches damage inside rows that quick_check cannot see). */
function checkContents(db: DatabaseSync, file: string): void {
  const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: number }[]).map((r) => [r.key, r.value]));
  const revision = meta.get('revision');
  const compacted = meta.get('compacted');
  if (revision === undefined || compacted === undefined || compacted > revision) {
    throw corruptError(file, 'has damaged bookkeeping (revision counters missing or out of order)');
  }
  const history = db.prepare('SELECT count(*) AS n, min(rev) AS lo, max(rev) AS hi, (SELECT max(rev) FROM objects) AS top FROM events').get() as { n: number; lo: number | null; hi: number | null; top: number | null };
  const expected = revision - compacted;
  if (history.n !== expected || (expected > 0 && (history.lo !== compacted + 1 || history.hi !== revision)) || (history.top ?? 0) > revision) {
    throw corruptError(file, `has a damaged change history (expected events ${compacted + 1}..${revision}, found ${history.n} between ${history.lo ?? '-'} and ${history.hi ?? '-'})`);
  }
  for (const row of db.prepare('SELECT grp, kind, namespace, name, body, crc FROM objects').iterate() as Iterable<{ grp: string; kind: string; namespace: string; name: string; body: string; crc: number }>) {
    if (checksum(row.body) !== row.crc) {
      throw corruptError(file, `holds a damaged object (${row.kind}${row.grp ? `.${row.grp}` : ''} ${row.namespace ? `${row.namespace}/` : ''}${row.name} fails its checksum)`);
    }
  }
  for (const row of db.prepare('SELECT rev, body, crc FROM events').iterate() as Iterable<{ rev: number; body: string; crc: number }>) {
    if (checksum(row.body) !== row.crc) throw corruptError(file, `holds a damaged change event (revision ${row.rev} fails its checksum)`);
  }
}
