/**
 * The SQLite store against real processes: writers killed with SIGKILL at
 * random moments, several processes racing read-modify-write on the same
 * objects, and files damaged on disk. Every child is spawned from
 * `process.execPath` on testdata/writer.ts and killed by its own pid.
 */
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSkiffError, randomInt, seededRandom } from '@skiff/common';
import { openSqliteStore } from './sqlite-store.ts';
import { StoreErrorCode } from '../types.ts';
import { GATEWAY, gateway, keyOf } from '../testdata/gateway-fixtures.ts';

const WRITER = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'writer.ts');

let dir: string;
let n = 0;
const children = new Set<ChildProcess>();
before(() => { dir = mkdtempSync(join(tmpdir(), 'skiff-durability-')); });
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  children.clear();
});
after(() => { rmSync(dir, { recursive: true, force: true }); });

/** A writer process; `lines` grows as it acknowledges, `exited` settles when it ends. */
function startWriter(args: string[]) {
  const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  let waiter: { count: number; resolve: () => void } | undefined;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    if (waiter && lines.length >= waiter.count) waiter.resolve();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child, lines, exited,
    stderr: () => stderr,
    /** Resolves when `count` lines have arrived (or rejects if the writer dies first). */
    linesAtLeast: (count: number) => new Promise<void>((resolve, reject) => {
      if (lines.length >= count) return resolve();
      waiter = { count, resolve };
      void exited.then(() => (lines.length >= count ? resolve() : reject(new Error(`writer exited after ${lines.length} lines: ${stderr}`))));
    }),
  };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('sqlite store durability', { timeout: 30_000 }, () => {
  it('keeps every acknowledged write when the writer is killed with SIGKILL at random moments, and reopens cleanly', async () => {
    const file = join(dir, `killed-${n++}.db`);
    const random = seededRandom(20261122);
    const acknowledged: string[] = [];
    for (let round = 0; round < 5; round++) {
      const writer = startWriter(['create', file, `r${round}`]);
      await writer.linesAtLeast(1 + 5 + randomInt(random, 35));
      // Then a random moment, most likely inside a transaction or an fsync.
      await new Promise((resolve) => setTimeout(resolve, randomInt(random, 16)));
      process.kill(writer.child.pid!, 'SIGKILL');
      const { signal } = await writer.exited;
      assert.equal(signal, 'SIGKILL');
      const acks = writer.lines.filter((l) => l.startsWith('ack ')).map((l) => l.split(' ')[1]);
      acknowledged.push(...acks);

      const store = openSqliteStore(file);
      try {
        const names = new Set((await store.list(GATEWAY)).items.map((o) => o.metadata.name));
        const missing = acknowledged.filter((name) => !names.has(name));
        assert.deepEqual(missing, [], `round ${round}: acknowledged writes lost`);
        // Revisions stay dense: one per object created, none skipped or reused.
        assert.equal(await store.currentResourceVersion(), String(names.size));
      } finally {
        await store.close();
      }
    }
    assert.ok(acknowledged.length >= 5 * 5);
  });

  it('loses no update when several processes increment the same objects concurrently', async (t) => {
    const file = join(dir, `contended-${n++}.db`);
    const setup = openSqliteStore(file);
    await setup.create(gateway('counter-a', { labels: { count: '0' } }));
    await setup.create(gateway('counter-b', { labels: { count: '0' } }));
    await setup.close();

    const processes = 4;
    const times = 50;
    const writers = Array.from({ length: processes }, () => startWriter(['increment', file, String(times), 'counter-a', 'counter-b']));
    await Promise.all(writers.map((w) => w.linesAtLeast(1)));
    for (const w of writers) w.child.stdin!.end('go\n');
    const results = await Promise.all(writers.map((w) => w.exited));
    writers.forEach((w, i) => assert.deepEqual(results[i], { code: 0, signal: null }, w.stderr()));
    const conflicts = writers.reduce((sum, w) => sum + Number(w.lines.find((l) => l.startsWith('done '))!.split(' ')[1]), 0);

    const store = openSqliteStore(file);
    try {
      const a = await store.get(keyOf('counter-a'));
      const b = await store.get(keyOf('counter-b'));
      assert.equal(Number(a?.metadata.labels?.count) + Number(b?.metadata.labels?.count), processes * times);
      assert.equal(a?.metadata.labels?.count, String((processes * times) / 2));
      assert.equal(await store.currentResourceVersion(), String(2 + processes * times));
      // The change history shows each counter stepping by exactly one.
      const steps: Record<string, number[]> = { 'counter-a': [], 'counter-b': [] };
      await new Promise<void>((resolve, reject) => {
        const stop = store.watch({ resourceVersion: '2' }, {
          onEvent(event) {
            steps[event.object.metadata.name].push(Number(event.object.metadata.labels?.count));
            if (event.object.metadata.resourceVersion === String(2 + processes * times)) { stop(); resolve(); }
          },
          onError: reject,
        });
      });
      for (const counts of Object.values(steps)) assert.deepEqual(counts, Array.from({ length: (processes * times) / 2 }, (_, i) => i + 1));
    } finally {
      await store.close();
    }
    // Conflicts are how the race shows up; report them so a run that never raced is visible.
    t.diagnostic(`${conflicts} conflicts retried across ${processes} writers`);
  });
});

describe('sqlite store damaged on disk', { timeout: 30_000 }, () => {
  let pristine: string;

  before(async () => {
    pristine = join(dir, 'pristine.db');
    const store = openSqliteStore(pristine);
    for (let i = 0; i < 200; i++) await store.create(gateway(`gw-${String(i).padStart(3, '0')}`, { host: `marker-${i}.example.com` }));
    await store.close();
    assert.equal(existsSync(`${pristine}-wal`), false, 'closing the last connection folds the WAL into the file');
  });

  const damaged = (name: string, damage: (file: string) => void): string => {
    const file = join(dir, `${name}-${n++}.db`);
    copyFileSync(pristine, file);
    damage(file);
    return file;
  };

  /** Opening fails with SKIFF_ERR_STORE_CORRUPT naming the file, and leaves its bytes exactly as they were. */
  const refused = (file: string, problem: RegExp) => {
    const before = sha256(file);
    assert.throws(() => openSqliteStore(file), (err: unknown) => {
      assert.ok(isSkiffError(err, StoreErrorCode.Corrupt), String(err));
      assert.ok(err.message.startsWith(`config store ${file} `), err.message);
      assert.match(err.message, problem);
      assert.match(err.message, /Restore it from a backup, or move it aside/);
      return true;
    });
    assert.equal(sha256(file), before, 'the damaged file is left untouched');
  };

  it('opens the undamaged copy with all 200 objects', async () => {
    const store = openSqliteStore(damaged('intact', () => {}));
    assert.equal((await store.list(GATEWAY)).items.length, 200);
    await store.close();
  });

  it('detects a truncated file', () => {
    refused(damaged('truncated', (file) => truncateSync(file, Math.floor(statSync(file).size / 2))), /is damaged|integrity check|change history/);
  });

  it('detects a file truncated to nothing instead of starting an empty store', () => {
    refused(damaged('emptied', (file) => truncateSync(file, 0)), /is empty/);
  });

  it('detects a header overwritten with garbage', () => {
    refused(damaged('header', (file) => {
      const bytes = readFileSync(file);
      const random = seededRandom(7);
      for (let i = 0; i < 100; i++) bytes[i] = randomInt(random, 256);
      writeFileSync(file, bytes);
    }), /is not a SQLite database/);
  });

  it('detects bytes flipped in a page in the middle of the file', () => {
    refused(damaged('flipped-page', (file) => {
      const bytes = readFileSync(file);
      const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
      const middle = Math.floor(bytes.length / pageSize / 2) * pageSize;
      for (let i = middle; i < middle + 64; i++) bytes[i] ^= 0xff;
      writeFileSync(file, bytes);
    }), /integrity check|is damaged|checksum/);
  });

  it('detects bytes flipped inside a stored object, which SQLite\'s own check cannot see', () => {
    refused(damaged('flipped-row', (file) => {
      const bytes = readFileSync(file);
      const at = bytes.indexOf('marker-100.example.com');
      assert.ok(at > 0);
      bytes[at] ^= 0x01;
      writeFileSync(file, bytes);
    }), /fails its checksum/);
  });
});
