import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, SkiffError } from '@skiff/common';
import { createMemoryStore, type ConfigStore, type WatchHandlers, type WatchOptions } from '@skiff/config';
import { ConfigCache } from './config-cache.ts';

const service = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80, name: 'http' }] } });
const tick = () => new Promise((r) => setImmediate(r));

/** A store whose watches can be ended on demand, as a compacted history or a restarted source ends them. */
function endableStore(store: ConfigStore) {
  const open: { handlers: WatchHandlers; stop: () => void }[] = [];
  return {
    list: store.list.bind(store),
    watch(options: WatchOptions, handlers: WatchHandlers) {
      const stop = store.watch(options, handlers);
      open.push({ handlers, stop });
      return stop;
    },
    endWatches() {
      for (const w of open.splice(0)) {
        w.stop();
        w.handlers.onError(new SkiffError('SKIFF_ERR_GONE', 'too old resource version: 1 (5)'));
      }
    },
  };
}

describe('config cache', () => {
  it('starts from one list and applies watch events, reporting Istio push reasons', async () => {
    const store = createMemoryStore();
    await store.create(service('reviews'));
    const reasons: string[] = [];
    const cache = new ConfigCache({ source: store, clock: new FakeClock(), onChange: (r) => reasons.push(r), log: () => {} });
    await cache.start();
    assert.deepEqual(cache.snapshot().objects.map((o) => o.metadata.name), ['reviews']);
    assert.deepEqual(reasons, []);
    await store.create(service('ratings'));
    await store.delete({ group: '', kind: 'Service', namespace: 'default', name: 'reviews' });
    await tick();
    assert.deepEqual(reasons, ['config:Service/default/ratings', 'config:Service/default/reviews']);
    assert.deepEqual(cache.snapshot().objects.map((o) => o.metadata.name), ['ratings']);
    assert.equal(cache.snapshot().resourceVersion, '3');
    cache.close();
    await store.close();
  });

  it('relists after its watch ends and reports only what changed meanwhile', async () => {
    const store = createMemoryStore();
    await store.create(service('reviews'));
    await store.create(service('details'));
    const source = endableStore(store);
    const clock = new FakeClock();
    const reasons: string[] = [];
    const log: string[] = [];
    const cache = new ConfigCache({ source, clock, onChange: (r) => reasons.push(r), log: (l) => log.push(l), relistDelayMs: 1000 });
    await cache.start();
    source.endWatches();
    await store.create(service('ratings')); // missed by the ended watch
    await store.delete({ group: '', kind: 'Service', namespace: 'default', name: 'details' });
    await tick();
    assert.deepEqual([...reasons], []);
    assert.match(log[0], /config watch ended \(too old resource version: 1 \(5\)\); relisting in 1000 ms/);
    clock.advance(1000);
    await tick();
    await tick();
    assert.deepEqual(reasons.sort(), ['config:Service/default/details', 'config:Service/default/ratings']);
    assert.deepEqual(cache.snapshot().objects.map((o) => o.metadata.name).sort(), ['ratings', 'reviews']);
    await store.create(service('productpage')); // the new watch delivers
    await tick();
    assert.ok(reasons.includes('config:Service/default/productpage'));
    cache.close();
    await store.close();
  });
});
