import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sidecarProxy } from '@skiff/testing/config-gen.ts';
import { Connection, type ResponseWriter } from './connection.ts';
import { WriteBudget } from './write-budget.ts';

/** A stream that accepts every write and completes it when the test says. */
class FakeWriter implements ResponseWriter<string> {
  readonly written: string[] = [];
  readonly #pending: (() => void)[] = [];
  write(message: string, done?: () => void): boolean {
    this.written.push(message);
    if (done) this.#pending.push(done);
    return true;
  }
  once(): unknown {
    return this;
  }
  /** Completes the oldest write still in flight. */
  complete(): void {
    this.#pending.shift()?.();
  }
}

function connection(writer: FakeWriter, budget: WriteBudget, id: string): Connection<string> {
  return new Connection<string>({ id, proxy: sidecarProxy({ name: id }), protocol: 'sotw', peer: 'test', connectedAtMs: 0, writer, budget });
}

describe('WriteBudget across connections', () => {
  it('holds responses past the bound until earlier writes complete, first come first served', () => {
    const budget = new WriteBudget(100);
    const a = new FakeWriter();
    const b = new FakeWriter();
    const ca = connection(a, budget, 'a');
    const cb = connection(b, budget, 'b');
    ca.send('a1', 60);
    cb.send('b1', 60);
    ca.send('a2', 10);
    assert.deepEqual([a.written, b.written], [['a1'], []]);
    assert.equal(ca.queued, 1, 'a2 waits behind its own stream order');
    a.complete();
    assert.deepEqual([a.written, b.written], [['a1', 'a2'], ['b1']]);
    assert.equal(budget.inFlightBytes, 70);
  });

  it('lets a response larger than the bound through when nothing else is in flight', () => {
    const budget = new WriteBudget(100);
    const w = new FakeWriter();
    connection(w, budget, 'big').send('huge', 1_000);
    assert.deepEqual(w.written, ['huge']);
  });

  it('gives back what a closed connection held, so a cancelled stream cannot starve the others', () => {
    const budget = new WriteBudget(100);
    const a = new FakeWriter();
    const b = new FakeWriter();
    const ca = connection(a, budget, 'a');
    ca.send('a1', 90);
    connection(b, budget, 'b').send('b1', 50);
    assert.deepEqual(b.written, []);
    ca.close();
    assert.deepEqual(b.written, ['b1']);
    a.complete(); // a late completion after close changes nothing
    assert.equal(budget.inFlightBytes, 50);
  });

  it('holds a response sent with its nonce until the proxy answers that nonce or a later one, whatever the write did', () => {
    const budget = new WriteBudget(100);
    const a = new FakeWriter();
    const b = new FakeWriter();
    const ca = connection(a, budget, 'a');
    ca.send('cds', 40, 'n-1');
    ca.send('eds', 40, 'n-2');
    connection(b, budget, 'b').send('b1', 40, 'n-3');
    a.complete();
    a.complete();
    assert.deepEqual(b.written, [], 'written out, not yet answered');
    ca.answered('n-2'); // answering the later nonce answers the earlier one too
    assert.deepEqual(b.written, ['b1']);
    assert.equal(budget.inFlightBytes, 40);
  });
});
