import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { FakeClock, isSkiffError } from '@skiff/common';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gateway, runConfigStoreConformance } from '../conformance.test-suite.ts';
import { StoreErrorCode } from '../types.ts';
import { openSqliteStore } from './sqlite-store.ts';

let dir: string;
let n = 0;
before(() => { dir = mkdtempSync(join(tmpdir(), 'skiff-store-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

runConfigStoreConformance('sqlite', ({ clock, historyLimit }) => openSqliteStore(join(dir, `conformance-${n++}.db`), { clock, historyLimit }));

describe('sqlite store on disk', () => {
  const fresh = () => join(dir, `disk-${n++}.db`);
  const GATEWAY_KEY = (name: string) => ({ group: 'networking.istio.io', kind: 'Gateway', namespace: 'default', name });

  it('keeps objects and the revision counter across close and reopen', async () => {
    const file = fresh();
    const first = openSqliteStore(file);
    const created = await first.create(gateway('public'));
    await first.update(gateway('public', { host: 'example.com' }));
    await first.close();
    const second = openSqliteStore(file);
    const got = await second.get(GATEWAY_KEY('public'));
    assert.equal(got?.metadata.uid, created.metadata.uid);
    assert.equal(got?.metadata.resourceVersion, '2');
    assert.equal(await second.currentResourceVersion(), '2');
    assert.equal((await second.create(gateway('other'))).metadata.resourceVersion, '3');
    await second.close();
  });

  it('creates missing parent folders and leaves no temporary files behind', async () => {
    const file = join(dir, `nested-${n++}`, 'deeper', 'store.db');
    const store = openSqliteStore(file);
    await store.close();
    const { readdirSync } = await import('node:fs');
    assert.deepEqual(readdirSync(join(file, '..')).filter((f) => f.includes('.init-')), []);
  });

  it('delivers another connection\'s writes to a watch on the next poll, not before', async () => {
    const file = fresh();
    const clock = new FakeClock(0);
    const writer = openSqliteStore(file);
    const watcher = openSqliteStore(file, { clock, pollIntervalMs: 50 });
    const events: string[] = [];
    const stop = watcher.watch({ resourceVersion: '0' }, {
      onEvent: (e) => events.push(`${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`),
      onError: (e) => assert.fail(e),
    });
    await Promise.resolve();
    await writer.create(gateway('a'));
    await writer.delete(GATEWAY_KEY('a'));
    clock.advance(49);
    assert.deepEqual(events, []);
    clock.advance(1);
    assert.deepEqual(events, ['ADDED a@1', 'DELETED a@2']);
    stop();
    await writer.close();
    await watcher.close();
  });

  it('ends a watch with "too old resource version" when another process compacts past it', async () => {
    const file = fresh();
    const clock = new FakeClock(0);
    const writer = openSqliteStore(file, { historyLimit: 2 });
    const watcher = openSqliteStore(file, { clock, pollIntervalMs: 10 });
    const errors: Error[] = [];
    watcher.watch({ resourceVersion: '0' }, { onEvent: () => {}, onError: (e) => errors.push(e) });
    await Promise.resolve();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await writer.create(gateway(name));
    clock.advance(10);
    assert.equal(errors.length, 1);
    assert.ok(isSkiffError(errors[0], StoreErrorCode.Gone));
    assert.equal(errors[0].message, 'too old resource version: 0 (3)');
    await writer.close();
    await watcher.close();
  });

  it('stops polling when the last watch stops', async () => {
    const clock = new FakeClock(0);
    let intervals = 0;
    const counting = { now: () => clock.now(), setTimeout: clock.setTimeout.bind(clock), setInterval: (fn: () => void, ms: number) => { intervals++; const cancel = clock.setInterval(fn, ms); return () => { intervals--; cancel(); }; } };
    const store = openSqliteStore(fresh(), { clock: counting });
    const stopA = store.watch({ resourceVersion: '0' }, { onEvent: () => {}, onError: () => {} });
    const stopB = store.watch({ resourceVersion: '0' }, { onEvent: () => {}, onError: () => {} });
    assert.equal(intervals, 1);
    stopA();
    assert.equal(intervals, 1);
    stopB();
    assert.equal(intervals, 0);
    await store.close();
  });
});

describe('sqlite store refuses damaged or foreign files', () => {
  const fresh = () => join(dir, `damaged-${n++}.db`);
  const refuses = (file: string, problem: RegExp) => {
    assert.throws(() => openSqliteStore(file), (err: unknown) => {
      assert.ok(isSkiffError(err, StoreErrorCode.Corrupt), String(err));
      assert.ok(err.message.startsWith(`config store ${file} `), err.message);
      assert.match(err.message, problem);
      assert.match(err.message, /Skiff has not changed the file/);
      assert.equal(err.details.path, file);
      return true;
    });
  };

  it('refuses an empty file instead of starting over', () => {
    const file = fresh();
    writeFileSync(file, '');
    refuses(file, /is empty, shorter than any SQLite database \(was it truncated\?\)/);
    assert.equal(statSync(file).size, 0);
  });

  it('refuses a file that is not a SQLite database', () => {
    const file = fresh();
    writeFileSync(file, 'apiVersion: v1\n'.repeat(100));
    refuses(file, /is not a SQLite database/);
  });

  it('refuses a SQLite database that is not a Skiff store', () => {
    const file = fresh();
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    db.close();
    refuses(file, /is a SQLite database but not a Skiff config store/);
  });

  it('refuses a schema version it does not know rather than guessing', async () => {
    const file = fresh();
    await openSqliteStore(file).close();
    const db = new DatabaseSync(file);
    db.exec('PRAGMA user_version = 2');
    db.close();
    refuses(file, /has schema version 2, which this Skiff does not know \(it reads version 1\)\. Skiff has not changed the file\. Open it with the Skiff release that wrote it/);
  });

  it('refuses a stored object whose bytes no longer match its checksum', async () => {
    const file = fresh();
    const store = openSqliteStore(file);
    await store.create(gateway('public'));
    await store.close();
    const db = new DatabaseSync(file);
    db.exec(`UPDATE objects SET body = replace(body, '"*"', '"evil.example.com"')`);
    db.close();
    refuses(file, /holds a damaged object \(Gateway\.networking\.istio\.io default\/public fails its checksum\)/);
  });

  it('refuses a change history with missing events', async () => {
    const file = fresh();
    const store = openSqliteStore(file);
    await store.create(gateway('a'));
    await store.create(gateway('b'));
    await store.close();
    const db = new DatabaseSync(file);
    db.exec('DELETE FROM events WHERE rev = 1');
    db.close();
    refuses(file, /has a damaged change history \(expected events 1\.\.2, found 1 between 2 and 2\)/);
  });
});
