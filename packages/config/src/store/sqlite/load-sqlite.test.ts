import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadSqlite, withoutSqliteExperimentalWarning } from './load-sqlite.ts';

describe('loading node:sqlite', () => {
  it('drops the SQLite ExperimentalWarning and lets every other warning through', async () => {
    const seen: string[] = [];
    const onWarning = (w: Error) => seen.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      withoutSqliteExperimentalWarning(() => {
        process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
        process.emitWarning('something else is experimental', 'ExperimentalWarning');
        process.emitWarning('SQLite is slow today', 'DeprecationWarning');
      });
      process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
      await new Promise<void>((resolve) => process.nextTick(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(seen, [
      'ExperimentalWarning: something else is experimental',
      'DeprecationWarning: SQLite is slow today',
      'ExperimentalWarning: SQLite is an experimental feature and might change at any time',
    ]);
  });

  it('restores process.emitWarning even when loading throws', () => {
    const before = process.emitWarning;
    assert.throws(() => withoutSqliteExperimentalWarning(() => { throw new Error('boom'); }), /boom/);
    assert.equal(process.emitWarning, before);
  });

  it('loads the built-in module', () => {
    assert.equal(typeof loadSqlite().DatabaseSync, 'function');
  });
});
