import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@skiff/common';
import { Backoff } from './backoff.ts';

describe('xDS reconnect backoff', () => {
  it('draws each delay below a doubling ceiling capped at the maximum, and starts over after a reset', () => {
    const backoff = new Backoff({ baseMs: 500, maxMs: 4000 }, seededRandom(1));
    const ceilings: number[] = [];
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      ceilings.push(backoff.ceilingMs);
      delays.push(backoff.nextDelayMs());
    }
    assert.deepEqual(ceilings, [500, 1000, 2000, 4000, 4000, 4000]);
    delays.forEach((d, i) => assert.ok(d >= 0 && d < ceilings[i], `${d} < ${ceilings[i]}`));
    assert.notEqual(new Set(delays).size, 1, 'jittered, not constant');
    backoff.reset();
    assert.equal(backoff.ceilingMs, 500);
  });

  it('repeats exactly under the same seed', () => {
    const run = () => { const b = new Backoff({ baseMs: 500, maxMs: 30_000 }, seededRandom(42)); return [1, 2, 3].map(() => b.nextDelayMs()); };
    assert.deepEqual(run(), run());
  });
});
