import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kube, VirtualServiceKind } from '@skiff/api';
import { ClusterClient, validationIssues, type WatchEvent } from '@skiff/client';
import { isSkiffError, FakeClock } from '@skiff/common';
import { createMemoryStore, type ConfigStore } from '@skiff/config';
import { ApiServer } from './api-server.ts';

const vs = (name: string, weight1: number, weight2: number) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'backend' },
  spec: { hosts: ['users'], http: [{ route: [{ destination: { host: 'users', subset: 'v1' }, weight: weight1 }, { destination: { host: 'users', subset: 'v2' }, weight: weight2 }] }] },
});

describe('the API server and its client', () => {
  let store: ConfigStore;
  let server: ApiServer;
  let client: ClusterClient;
  let logs: string;
  let shutdowns = 0;

  before(async () => {
    logs = mkdtempSync(join(tmpdir(), 'skiff-api-'));
    store = createMemoryStore({ clock: new FakeClock(Date.UTC(2026, 0, 1)) });
    server = new ApiServer({ store, address: { host: '127.0.0.1', port: 0 }, logsDir: logs, clusterInfo: () => ({ name: 'test' }), onShutdown: () => shutdowns++, log: () => {} });
    client = new ClusterClient(await server.listen());
  });

  after(async () => {
    await server.close();
    await store.close();
    rmSync(logs, { recursive: true, force: true });
  });

  it('applies: created, then unchanged, then configured', async () => {
    assert.equal((await client.apply(vs('users', 90, 10))).action, 'created');
    assert.equal((await client.apply(vs('users', 90, 10))).action, 'unchanged');
    const { action, object } = await client.apply(vs('users', 50, 50));
    assert.equal(action, 'configured');
    assert.equal(object.metadata.generation, 2);
    const got = await client.get(VirtualServiceKind, 'backend', 'users');
    assert.equal((got as any).spec.http[0].route[0].weight, 50);
  });

  it('passes validation errors through with their field paths, as a 422 Invalid', async () => {
    await assert.rejects(client.apply(vs('bad', 90, 20)), (err: unknown) => {
      assert.ok(isSkiffError(err, 'SKIFF_ERR_INVALID'));
      assert.match((err as Error).message, /VirtualService.networking.istio.io "bad" is invalid/);
      const issues = validationIssues(err);
      assert.ok(issues.some((i) => i.field.startsWith('spec.http[0].route') && /weight/.test(i.message)), JSON.stringify(issues));
      return true;
    });
    await assert.rejects(client.get(VirtualServiceKind, 'backend', 'bad'), (err: unknown) => isSkiffError(err, 'SKIFF_ERR_NOT_FOUND'));
  });

  it('validates without storing on a dry run', async () => {
    await client.apply(vs('dry', 100, 0), { dryRun: true });
    await assert.rejects(client.get(VirtualServiceKind, 'backend', 'dry'), /virtualservices.networking.istio.io "dry" not found/);
  });

  it('lists by namespace and label selector, across namespaces, and deletes', async () => {
    for (const [ns, name, app] of [['a', 'one', 'x'], ['a', 'two', 'y'], ['b', 'three', 'x']]) {
      await client.create({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, labels: { app } }, spec: { ports: [{ port: 80 }] } });
    }
    assert.deepEqual((await client.list(kube.ServiceKind, { namespace: 'a' })).items.map((s) => s.metadata.name), ['one', 'two']);
    assert.deepEqual((await client.list(kube.ServiceKind, { labelSelector: 'app=x' })).items.map((s) => s.metadata.name).sort(), ['one', 'three']);
    await client.delete(kube.ServiceKind, 'a', 'one');
    assert.deepEqual((await client.list(kube.ServiceKind, { namespace: 'a' })).items.map((s) => s.metadata.name), ['two']);
  });

  it('watches from a list: existing objects as ADDED, then every change', async () => {
    const events: WatchEvent[] = [];
    let seen: () => void = () => {};
    const watch = client.watch(kube.ConfigMapKind, { namespace: 'w' }, (e) => {
      events.push(e);
      if (events.length === 3) seen();
    });
    const three = new Promise<void>((r) => (seen = r));
    await new Promise((r) => setTimeout(r, 50));
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'w' }, data: { k: '1' } });
    await client.update({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'w' }, data: { k: '2' } });
    await client.delete(kube.ConfigMapKind, 'w', 'c');
    await three;
    watch.stop();
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('injects the istio-proxy sidecar into Pods created in a namespace with istio-injection=enabled, not when the pod refuses', async () => {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mesh', labels: { 'istio-injection': 'enabled' } } });
    const pod = (name: string, annotations: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'mesh', labels: { app: name }, annotations }, spec: { containers: [{ name: 'app', image: 'x' }] } });
    const injected = await client.create(pod('in'));
    assert.deepEqual((injected as any).spec.containers.map((c: { name: string }) => c.name), ['app', 'istio-proxy']);
    assert.equal(injected.metadata.labels?.['security.istio.io/tlsMode'], 'istio');
    const refused = await client.create(pod('out', { 'sidecar.istio.io/inject': 'false' }));
    assert.deepEqual((refused as any).spec.containers.map((c: { name: string }) => c.name), ['app']);
  });

  it('keeps the stored status when a client replaces an object', async () => {
    const created = await store.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } }, status: { readyReplicas: 1 } });
    const { status: _s, ...body } = created;
    const updated = await client.update({ ...body, spec: { ...(created.spec as object), replicas: 3 } });
    assert.deepEqual(updated.status, { readyReplicas: 1 });
  });

  it('serves a container log, and refuses an unknown container', async () => {
    writeFileSync(join(logs, 'mesh_in_app.log'), 'one\ntwo\nthree\n');
    let text = '';
    await client.logs('mesh', 'in', { container: 'app', tailLines: 2 }, (t) => (text += t)).done;
    assert.equal(text, 'two\nthree\n');
    await assert.rejects(client.logs('mesh', 'in', { container: 'nope' }, () => {}).done, /container nope is not valid for pod in/);
  });

  it('answers unknown paths and bad bodies with a Status, not a crash', async () => {
    await assert.rejects(client.create({ apiVersion: 'v1', kind: 'Nonsense', metadata: { name: 'x' } }), /unknown kind Nonsense/);
    await assert.rejects(client.get({ ...kube.ServiceKind, plural: 'nothings' }, 'a', 'b'), /the server could not find the requested resource/);
  });

  it('asks the supervisor to shut down on POST /skiff/v1/shutdown', async () => {
    await client.shutdown();
    assert.equal(shutdowns, 1);
  });
});
