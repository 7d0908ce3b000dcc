import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@skiff/common';
import { Debouncer, ISTIO_DEBOUNCE } from './debounce.ts';

function setup() {
  const clock = new FakeClock(1_000);
  const fired: { events: string[]; at: number }[] = [];
  const debouncer = new Debouncer<string[]>(clock, ISTIO_DEBOUNCE, (a, b) => [...a, ...b], (events) => fired.push({ events, at: clock.now() }));
  return { clock, fired, debouncer };
}

describe('Debouncer', () => {
  it('merges a burst into one push after 100 ms of quiet', () => {
    const { clock, fired, debouncer } = setup();
    debouncer.add(['a']);
    clock.advance(50);
    debouncer.add(['b']);
    clock.advance(50);
    debouncer.add(['c']);
    clock.advance(99);
    assert.deepEqual(fired, []);
    clock.advance(1);
    assert.deepEqual(fired, [{ events: ['a', 'b', 'c'], at: 1_200 }]);
  });

  it('pushes at the 10 s maximum delay even while changes keep coming', () => {
    const { clock, fired, debouncer } = setup();
    for (let t = 0; t < 12_000; t += 50) {
      debouncer.add([`e${t}`]);
      clock.advance(50);
    }
    assert.equal(fired[0].at, 11_000);
    assert.equal(fired[0].events.length, 200);
    assert.equal(fired.length, 1);
  });

  it('starts a new window after a push', () => {
    const { clock, fired, debouncer } = setup();
    debouncer.add(['a']);
    clock.advance(100);
    debouncer.add(['b']);
    clock.advance(100);
    assert.deepEqual(fired.map((f) => f.events), [['a'], ['b']]);
  });

  it('does nothing without changes', () => {
    const { clock, fired } = setup();
    clock.advance(60_000);
    assert.deepEqual(fired, []);
  });

  it('flush pushes at once and close drops the pending change', () => {
    const { clock, fired, debouncer } = setup();
    debouncer.add(['a']);
    debouncer.flush();
    assert.deepEqual(fired.map((f) => f.at), [1_000]);
    debouncer.add(['b']);
    debouncer.close();
    clock.advance(1_000);
    assert.equal(fired.length, 1);
  });
});
