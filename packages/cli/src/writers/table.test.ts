import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable, humanDuration } from './table.ts';

describe('kubectl tables', () => {
  it('pads each column to its widest cell plus three spaces, without trailing spaces', () => {
    assert.equal(formatTable(['NAME', 'READY'], [['web-1', '1/1'], ['a', '2/2']]), 'NAME    READY\nweb-1   1/1\na       2/2\n');
  });

  it('prints ages as kubectl does', () => {
    const s = 1000;
    assert.deepEqual([45 * s, 119 * s, 192 * s, 600 * s, 5 * 3600 * s, 5.5 * 3600 * s, 30 * 3600 * s, 51 * 3600 * s, 400 * 86400 * s].map(humanDuration),
      ['45s', '119s', '3m12s', '10m', '5h', '5h30m', '30h', '2d3h', '400d']);
  });
});
