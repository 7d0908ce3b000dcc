/**
 * The ConfigStore contract as tests, run against every backend
 * (`memory/memory.test.ts`, `sqlite/sqlite.test.ts`): CRUD with the API
 * server's errors, optimistic concurrency, delete preconditions, list by
 * namespace and label selector, watch ordering, replay and expiry,
 * validation with field paths, and server-filled metadata.
 * Fixtures are Gateways (networking.istio.io/v1).
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, isSkiffError, type Clock, type SkiffError } from '@skiff/common';
import { GATEWAY, gateway, keyOf } from './testdata/gateway-fixtures.ts';
import { StoreErrorCode, type ConfigStore, type WatchEvent, type WatchOptions } from './types.ts';

export interface ConformanceOpenOptions {
  readonly clock: Clock;
  /** Events kept for watch replay. */
  readonly historyLimit: number;
}

export { GATEWAY, gateway, keyOf };

export type OpenStore = (options: ConformanceOpenOptions) => ConfigStore | Promise<ConfigStore>;

const START = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

async function rejects(promise: Promise<unknown>, code: string, message?: string | RegExp): Promise<SkiffError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isSkiffError(err, code), `expected ${code}, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected the call to fail with ${code}`);
}

/** Records a watch; `next(n)` resolves once n events have arrived in total. */
function record(store: ConfigStore, options: WatchOptions) {
  const events: WatchEvent[] = [];
  const errors: Error[] = [];
  let wake: (() => void) | undefined;
  const stop = store.watch(options, {
    onEvent(event) { events.push(event); wake?.(); },
    onError(error) { errors.push(error); wake?.(); },
  });
  const until = async (done: () => boolean): Promise<void> => {
    while (!done()) await new Promise<void>((resolve) => { wake = resolve; });
  };
  return {
    events, errors, stop,
    next: (n: number) => until(() => events.length >= n || errors.length > 0),
    error: async () => { await until(() => errors.length > 0); return errors[0]; },
    summary: () => events.map((e) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`),
  };
}

export function runConfigStoreConformance(name: string, open: OpenStore): void {
  describe(`${name} ConfigStore conformance`, () => {
    let store: ConfigStore;
    let clock: FakeClock;

    beforeEach(async () => {
      clock = new FakeClock(START);
      store = await open({ clock, historyLimit: 5 });
    });
    afterEach(async () => {
      await store.close();
    });

    describe('create and get', () => {
      it('fills uid, resourceVersion, generation 1, creationTimestamp and the default namespace', async () => {
        const created = await store.create(gateway('public'));
        assert.match(created.metadata.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        assert.equal(created.metadata.resourceVersion, '1');
        assert.equal(created.metadata.generation, 1);
        assert.equal(created.metadata.creationTimestamp, '2025-01-02T03:04:05Z');
        assert.equal(created.metadata.namespace, 'default');
        assert.deepEqual(await store.get(keyOf('public')), created);
      });

      it('stores the kind in its preferred version whatever version was written', async () => {
        const created = await store.create(gateway('old', { apiVersion: 'networking.istio.io/v1alpha3' }));
        assert.equal(created.apiVersion, 'networking.istio.io/v1');
        assert.equal((await store.get(keyOf('old')))?.apiVersion, 'networking.istio.io/v1');
      });

      it('refuses a second object with the same key, in the API server\'s words', async () => {
        await store.create(gateway('public'));
        await rejects(store.create(gateway('public')), StoreErrorCode.AlreadyExists, 'gateways.networking.istio.io "public" already exists');
      });

      it('keeps objects with the same name apart by namespace', async () => {
        await store.create(gateway('public', { namespace: 'a' }));
        await store.create(gateway('public', { namespace: 'b', host: 'b.example.com' }));
        assert.deepEqual((await store.get(keyOf('public', 'b')))?.spec, gateway('x', { host: 'b.example.com' }).spec);
      });

      it('returns undefined for an absent object', async () => {
        assert.equal(await store.get(keyOf('missing')), undefined);
      });

      it('refuses a resourceVersion on create', async () => {
        const object = gateway('public');
        object.metadata.resourceVersion = '7';
        await rejects(store.create(object), StoreErrorCode.Invalid, 'Gateway.networking.istio.io "public" is invalid: metadata.resourceVersion: resourceVersion should not be set on objects to be created');
      });

      it('hands out copies: changing a returned object changes nothing stored', async () => {
        const created = await store.create(gateway('public', { labels: { app: 'a' } }));
        created.metadata.labels!.app = 'changed';
        const got = await store.get(keyOf('public'));
        assert.equal(got?.metadata.labels?.app, 'a');
        got!.metadata.labels!.app = 'changed';
        assert.equal((await store.get(keyOf('public')))?.metadata.labels?.app, 'a');
      });
    });

    describe('validation', () => {
      it('refuses an invalid object with every issue and its field path, storing nothing', async () => {
        const bad = gateway('public');
        (bad.spec as { servers: { port: { name?: string }; hosts: string[] }[] }).servers[0].port.name = undefined;
        (bad.spec as { servers: { hosts: string[] }[] }).servers[0].hosts = [];
        const err = await rejects(store.create(bad), StoreErrorCode.Invalid, /^Gateway\.networking\.istio\.io "public" is invalid: \[/);
        const issues = err.details.issues as { field: string; severity: string }[];
        const fields = issues.filter((i) => i.severity === 'error').map((i) => i.field).sort();
        assert.deepEqual(fields, ['spec.servers[0].hosts', 'spec.servers[0].port.name']);
        assert.equal(await store.get(keyOf('public')), undefined);
        assert.equal(await store.currentResourceVersion(), '0');
      });

      it('refuses an invalid update and keeps the stored object', async () => {
        const created = await store.create(gateway('public'));
        const bad = structuredClone(created);
        (bad.spec as { servers: { port: { protocol: string } }[] }).servers[0].port.protocol = 'SMTP';
        const err = await rejects(store.update(bad), StoreErrorCode.Invalid);
        assert.match(err.message, /spec\.servers\[0\]\.port\.protocol: invalid protocol "SMTP"/);
        assert.deepEqual(await store.get(keyOf('public')), created);
      });

      it('refuses an unknown kind', async () => {
        await rejects(store.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }), StoreErrorCode.Invalid, /no matches for kind "Widget" in version "example.com\/v1"/);
      });

      it('refuses a bad name', async () => {
        const err = await rejects(store.create(gateway('Not_A_Name')), StoreErrorCode.Invalid);
        assert.match(err.message, /metadata\.name: a lowercase RFC 1123 subdomain/);
      });
    });

    describe('update', () => {
      it('replaces the object, bumps resourceVersion and keeps uid and creationTimestamp', async () => {
        const created = await store.create(gateway('public'));
        clock.advance(60_000);
        const changed = structuredClone(created);
        (changed.spec as { servers: { hosts: string[] }[] }).servers[0].hosts = ['example.com'];
        const updated = await store.update(changed);
        assert.equal(updated.metadata.resourceVersion, '2');
        assert.equal(updated.metadata.uid, created.metadata.uid);
        assert.equal(updated.metadata.creationTimestamp, created.metadata.creationTimestamp);
        assert.deepEqual((updated.spec as { servers: { hosts: string[] }[] }).servers[0].hosts, ['example.com']);
        assert.deepEqual(await store.get(keyOf('public')), updated);
      });

      it('moves generation on spec changes only, not on label changes', async () => {
        const created = await store.create(gateway('public'));
        const relabelled = await store.update({ ...created, metadata: { ...created.metadata, labels: { team: 'edge' } } });
        assert.equal(relabelled.metadata.generation, 1);
        const respecced = await store.update(gateway('public', { host: 'example.com', labels: { team: 'edge' } }));
        assert.equal(respecced.metadata.generation, 2);
      });

      it('fails with a conflict when the resourceVersion is stale: never a lost update', async () => {
        const created = await store.create(gateway('public'));
        await store.update({ ...created, metadata: { ...created.metadata, labels: { first: 'yes' } } });
        await rejects(
          store.update({ ...created, metadata: { ...created.metadata, labels: { second: 'yes' } } }),
          StoreErrorCode.Conflict,
          'Operation cannot be fulfilled on gateways.networking.istio.io "public": the object has been modified; please apply your changes to the latest version and try again',
        );
        assert.deepEqual((await store.get(keyOf('public')))?.metadata.labels, { first: 'yes' });
      });

      it('writes unconditionally when no resourceVersion is given', async () => {
        await store.create(gateway('public'));
        const updated = await store.update(gateway('public', { host: 'example.com' }));
        assert.equal(updated.metadata.resourceVersion, '2');
      });

      it('fails with not found for an absent object', async () => {
        await rejects(store.update(gateway('missing')), StoreErrorCode.NotFound, 'gateways.networking.istio.io "missing" not found');
      });

      it('writes nothing when the update changes nothing', async () => {
        const created = await store.create(gateway('public'));
        const same = await store.update(structuredClone(created));
        assert.equal(same.metadata.resourceVersion, created.metadata.resourceVersion);
        assert.equal(await store.currentResourceVersion(), '1');
      });
    });

    describe('delete', () => {
      it('removes the object and returns it with the deletion\'s resourceVersion', async () => {
        await store.create(gateway('public'));
        const deleted = await store.delete(keyOf('public'));
        assert.equal(deleted.metadata.name, 'public');
        assert.equal(deleted.metadata.resourceVersion, '2');
        assert.equal(await store.get(keyOf('public')), undefined);
        await store.create(gateway('public'));
      });

      it('fails with not found for an absent object', async () => {
        await rejects(store.delete(keyOf('missing')), StoreErrorCode.NotFound, 'gateways.networking.istio.io "missing" not found');
      });

      it('honours a resourceVersion precondition', async () => {
        const created = await store.create(gateway('public'));
        await store.update(gateway('public', { host: 'example.com' }));
        await rejects(
          store.delete(keyOf('public'), { resourceVersion: created.metadata.resourceVersion }),
          StoreErrorCode.Conflict,
          'Operation cannot be fulfilled on gateways.networking.istio.io "public": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: 2',
        );
        assert.ok(await store.get(keyOf('public')));
        await store.delete(keyOf('public'), { resourceVersion: '2' });
        assert.equal(await store.get(keyOf('public')), undefined);
      });
    });

    describe('list', () => {
      beforeEach(async () => {
        await store.create(gateway('b', { namespace: 'shop', labels: { app: 'web', version: 'v1' } }));
        await store.create(gateway('a', { namespace: 'shop', labels: { app: 'web', version: 'v2', canary: 'true' } }));
        await store.create(gateway('c', { namespace: 'blog', labels: { app: 'api' } }));
        await store.create(gateway('d', { namespace: 'blog' }));
      });
      const names = (items: { metadata: { namespace?: string; name: string } }[]) => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

      it('lists every namespace sorted by namespace and name, with the store\'s resourceVersion', async () => {
        const result = await store.list(GATEWAY);
        assert.deepEqual(names(result.items), ['blog/c', 'blog/d', 'shop/a', 'shop/b']);
        assert.equal(result.resourceVersion, '4');
      });

      it('lists one namespace', async () => {
        assert.deepEqual(names((await store.list(GATEWAY, { namespace: 'shop' })).items), ['shop/a', 'shop/b']);
        assert.deepEqual((await store.list(GATEWAY, { namespace: 'none' })).items, []);
      });

      it('filters by label selector', async () => {
        const by = async (labelSelector: string) => names((await store.list(GATEWAY, { labelSelector })).items);
        assert.deepEqual(await by('app=web'), ['shop/a', 'shop/b']);
        assert.deepEqual(await by('app=web,!canary'), ['shop/b']);
        assert.deepEqual(await by('version in (v1,v3)'), ['shop/b']);
        assert.deepEqual(await by('app notin (web)'), ['blog/c', 'blog/d']);
        assert.deepEqual(await by('app'), ['blog/c', 'shop/a', 'shop/b']);
        assert.deepEqual(names((await store.list(GATEWAY, { namespace: 'blog', labelSelector: '!app' })).items), ['blog/d']);
      });

      it('refuses a malformed label selector', async () => {
        await rejects(store.list(GATEWAY, { labelSelector: 'app in web' }), StoreErrorCode.Invalid, /invalid label selector "app in web": expected "\(" after "in"/);
      });

      it('lists nothing for another kind', async () => {
        assert.deepEqual((await store.list({ group: 'networking.istio.io', kind: 'VirtualService' })).items, []);
      });
    });

    describe('resource versions', () => {
      it('counts store-wide: every write moves it by one across objects and namespaces', async () => {
        assert.equal(await store.currentResourceVersion(), '0');
        await store.create(gateway('a'));
        await store.create(gateway('b', { namespace: 'other' }));
        await store.update(gateway('a', { host: 'example.com' }));
        await store.delete(keyOf('b', 'other'));
        assert.equal(await store.currentResourceVersion(), '4');
      });
    });

    describe('watch', () => {
      it('delivers ADDED, MODIFIED and DELETED in order after the listed version', async () => {
        await store.create(gateway('before'));
        const { resourceVersion } = await store.list(GATEWAY);
        const w = record(store, { resourceVersion });
        await store.create(gateway('public'));
        await store.update(gateway('public', { host: 'example.com' }));
        await store.delete(keyOf('public'));
        await w.next(3);
        w.stop();
        assert.deepEqual(w.summary(), ['ADDED public@2', 'MODIFIED public@3', 'DELETED public@4']);
        assert.deepEqual(w.errors, []);
      });

      it('replays every retained change after an older version, then continues live', async () => {
        await store.create(gateway('a'));
        await store.create(gateway('b'));
        await store.create(gateway('c'));
        const w = record(store, { resourceVersion: '1' });
        await w.next(2);
        await store.delete(keyOf('a'));
        await w.next(3);
        w.stop();
        assert.deepEqual(w.summary(), ['ADDED b@2', 'ADDED c@3', 'DELETED a@4']);
      });

      it('never calls a handler before watch() returns', async () => {
        await store.create(gateway('a'));
        let returned = false;
        let calledEarly = false;
        let done!: () => void;
        const arrived = new Promise<void>((resolve) => { done = resolve; });
        const stop = store.watch({ resourceVersion: '0' }, {
          onEvent() { calledEarly ||= !returned; done(); },
          onError() { calledEarly ||= !returned; done(); },
        });
        returned = true;
        await arrived;
        stop();
        assert.equal(calledEarly, false);
      });

      it('fails with "too old resource version" when the version is older than the retained history', async () => {
        for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) await store.create(gateway(name));
        const w = record(store, { resourceVersion: '1' });
        const err = await w.error();
        assert.ok(isSkiffError(err, StoreErrorCode.Gone));
        assert.equal(err.message, 'too old resource version: 1 (2)');
        assert.deepEqual(w.events, []);
        const fine = record(store, { resourceVersion: '2' });
        await fine.next(5);
        fine.stop();
        assert.deepEqual(fine.summary(), ['ADDED c@3', 'ADDED d@4', 'ADDED e@5', 'ADDED f@6', 'ADDED g@7']);
      });

      it('filters by kind and namespace', async () => {
        const w = record(store, { resourceVersion: '0', namespace: 'shop', kinds: [GATEWAY] });
        const other = record(store, { resourceVersion: '0', kinds: [{ group: 'networking.istio.io', kind: 'VirtualService' }] });
        await store.create(gateway('a', { namespace: 'blog' }));
        await store.create(gateway('b', { namespace: 'shop' }));
        await w.next(1);
        w.stop();
        other.stop();
        assert.deepEqual(w.summary(), ['ADDED b@2']);
        assert.deepEqual(other.events, []);
      });

      it('turns label changes into ADDED and DELETED for a selector, as the API server does', async () => {
        const w = record(store, { resourceVersion: '0', labelSelector: 'app=web' });
        await store.create(gateway('a', { labels: { app: 'api' } }));
        await store.update(gateway('a', { labels: { app: 'web' } }));
        await store.update(gateway('a', { labels: { app: 'web' }, host: 'example.com' }));
        await store.update(gateway('a', { labels: { app: 'api' }, host: 'example.com' }));
        await store.delete(keyOf('a'));
        await w.next(3);
        w.stop();
        assert.deepEqual(w.summary(), ['ADDED a@2', 'MODIFIED a@3', 'DELETED a@4']);
      });

      it('refuses a malformed resourceVersion or selector through onError', async () => {
        const badVersion = record(store, { resourceVersion: 'latest' });
        assert.ok(isSkiffError(await badVersion.error(), StoreErrorCode.Invalid));
        const badSelector = record(store, { resourceVersion: '0', labelSelector: 'a in' });
        assert.ok(isSkiffError(await badSelector.error(), StoreErrorCode.Invalid));
      });

      it('delivers nothing after the stop function is called', async () => {
        const w = record(store, { resourceVersion: '0' });
        await store.create(gateway('a'));
        await w.next(1);
        w.stop();
        await store.create(gateway('b'));
        await store.currentResourceVersion();
        assert.deepEqual(w.summary(), ['ADDED a@1']);
      });

      it('delivers writes made from inside a handler, in order', async () => {
        const seen: string[] = [];
        let done!: () => void;
        const finished = new Promise<void>((resolve) => { done = resolve; });
        const stop = store.watch({ resourceVersion: '0' }, {
          onEvent(event) {
            seen.push(`${event.type} ${event.object.metadata.name}`);
            if (event.object.metadata.name === 'a') void store.create(gateway('b'));
            if (event.object.metadata.name === 'b') done();
          },
          onError(error) { throw error; },
        });
        await store.create(gateway('a'));
        await finished;
        stop();
        assert.deepEqual(seen, ['ADDED a', 'ADDED b']);
      });

      it('ends watches with SKIFF_ERR_STORE_CLOSED on close, and refuses calls afterwards', async () => {
        const w = record(store, { resourceVersion: '0' });
        await store.close();
        assert.ok(isSkiffError(await w.error(), StoreErrorCode.Closed));
        await rejects(store.get(keyOf('a')), StoreErrorCode.Closed, 'config store is closed');
        await rejects(store.create(gateway('a')), StoreErrorCode.Closed);
        await store.close();
      });
    });
  });
}
