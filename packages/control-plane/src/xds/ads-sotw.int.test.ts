import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { FakeMesh, sidecarId, type FakeAdsClient } from '@skiff/testing';

let mesh: FakeMesh;
afterEach(() => mesh.close());

let barriers = 0;
/** Subscribes to a new VirtualHost name and waits for the answer: everything the client sent before has been handled by then. */
async function barrier(client: FakeAdsClient): Promise<void> {
  const before = client.received(TypeUrl.VirtualHost).length;
  client.subscribe(TypeUrl.VirtualHost, [`barrier-${++barriers}`]);
  await client.waitFor(() => client.received(TypeUrl.VirtualHost).length > before, 'barrier');
}

function statusOf(id: string) {
  const status = mesh.server.syncStatus().find((s) => s.proxy === id);
  assert.ok(status, `no sync status for ${id}`);
  return status;
}

describe('ADS state of the world', () => {
  it('sends the wildcard CDS state and records the ACK as SYNCED', async () => {
    mesh = await FakeMesh.start({ clusters: { a: { value: 1 }, b: { value: 2 } } });
    const client = mesh.client({ nodeId: sidecarId('reviews-v1-abc') });
    client.subscribe(TypeUrl.Cluster);
    const response = await client.next(TypeUrl.Cluster);
    assert.deepEqual([...response.resources.keys()].sort(), ['a', 'b']);
    assert.deepEqual(response.resources.get('a')?.connect_timeout, { seconds: '1' });
    await barrier(client);
    const status = statusOf('reviews-v1-abc.default');
    assert.equal(status.xds_status.CDS, 'SYNCED');
    assert.equal(status.cluster_acked, response.nonce);
    assert.equal(status.cluster_sent, response.nonce);
    assert.equal(status.xds_status.EDS, 'NOT SENT');
    assert.equal(client.ackedVersion(TypeUrl.Cluster), response.version);
  });

  it('records a NACK with Envoy\'s error, keeps the last good version, does not resend it, and accepts a later good push', async () => {
    mesh = await FakeMesh.start({ clusters: { a: { value: 1 } } });
    const error = "Proto constraint validation failed (ClusterValidationError.ConnectTimeout: value must be greater than 0s)";
    const client = mesh.client({
      nodeId: sidecarId('reviews-v1-abc'),
      decide: (r) => (r.resources.get('a')?.connect_timeout as { seconds?: string } | undefined)?.seconds === '99' ? { nack: error } : 'ack',
    });
    client.subscribe(TypeUrl.Cluster);
    const good = await client.next(TypeUrl.Cluster);

    mesh.clusters.set('a', { value: 99 });
    mesh.changed();
    mesh.push();
    const bad = await client.next(TypeUrl.Cluster);
    await barrier(client);

    const status = statusOf('reviews-v1-abc.default');
    assert.equal(status.xds_status.CDS, 'NACK');
    assert.deepEqual(status.nacks, [{ type: TypeUrl.Cluster, nonce: bad.nonce, version: bad.version, resource_names: ['a'], error }]);
    assert.equal(status.cluster_acked, good.nonce);
    const watch = mesh.server.connections()[0].watches.get(TypeUrl.Cluster)!;
    assert.equal(watch.ackedVersion, good.version);
    assert.deepEqual(client.resources(TypeUrl.Cluster).get('a')?.connect_timeout, { seconds: '1' });
    assert.equal(mesh.server.metrics.rejects('cds'), 1);

    // An unrelated change: the same rejected cluster is not pushed again.
    const cdsPushes = mesh.server.metrics.pushes('cds');
    mesh.listeners.set('0.0.0.0_80', { value: 80 });
    mesh.changed();
    mesh.push();
    assert.equal(mesh.server.metrics.pushes('cds'), cdsPushes);

    mesh.clusters.set('a', { value: 5 });
    mesh.changed();
    mesh.push();
    const fixed = await client.next(TypeUrl.Cluster);
    assert.deepEqual(fixed.resources.get('a')?.connect_timeout, { seconds: '5' });
    await barrier(client);
    const after = statusOf('reviews-v1-abc.default');
    assert.equal(after.xds_status.CDS, 'SYNCED');
    assert.deepEqual(after.nacks, []);
    assert.equal(client.ackedVersion(TypeUrl.Cluster), fixed.version);
    assert.equal(client.received(TypeUrl.Cluster).length, 3);
  });

  it('gives a reconnecting proxy the full state again', async () => {
    mesh = await FakeMesh.start({ clusters: { a: { value: 1 }, b: { value: 2 } } });
    const client = mesh.client();
    client.subscribe(TypeUrl.Cluster);
    const first = await client.next(TypeUrl.Cluster);
    client.reconnect();
    const again = await client.next(TypeUrl.Cluster);
    assert.deepEqual([...again.resources.keys()].sort(), ['a', 'b']);
    assert.notEqual(again.nonce, first.nonce);
  });

  it('answers a named subscription with only the named resources, and a wildcard with all', async () => {
    mesh = await FakeMesh.start({ clusters: { a: { value: 1 }, b: { value: 2 }, c: { value: 3 } } });
    const client = mesh.client();
    client.subscribe(TypeUrl.Cluster);
    client.subscribe(TypeUrl.ClusterLoadAssignment, ['a']);
    assert.equal((await client.next(TypeUrl.Cluster)).resources.size, 3);
    assert.deepEqual([...(await client.next(TypeUrl.ClusterLoadAssignment)).resources.keys()], ['a']);
    client.subscribe(TypeUrl.ClusterLoadAssignment, ['b']);
    assert.deepEqual([...(await client.next(TypeUrl.ClusterLoadAssignment)).resources.keys()].sort(), ['a', 'b']);
  });

  it('pushes CDS before EDS and LDS before RDS', async () => {
    mesh = await FakeMesh.start({ clusters: { a: { value: 1 } }, listeners: { l: { value: 80 } }, routes: { '80': { value: 1 } } });
    const client = mesh.client();
    client.subscribe(TypeUrl.RouteConfiguration, ['80']);
    client.subscribe(TypeUrl.ClusterLoadAssignment, ['a']);
    client.subscribe(TypeUrl.Listener);
    client.subscribe(TypeUrl.Cluster);
    await client.waitFor(() => client.received().length === 4, 'initial responses');
    mesh.clusters.set('a', { value: 2 });
    mesh.listeners.set('l', { value: 81 });
    mesh.routes.set('80', { value: 2 });
    mesh.changed();
    mesh.push();
    await client.waitFor(() => client.received().length === 8, 'pushed responses');
    assert.deepEqual(client.received().slice(4).map((r) => r.typeUrl), [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration]);
  });

  it('pushes only to proxies whose output changed', async () => {
    mesh = await FakeMesh.start({ clusters: { shared: { value: 1 }, mine: { value: 1, namespace: 'team-a' } } });
    const a = mesh.client({ nodeId: sidecarId('app-1', 'team-a') });
    const b = mesh.client({ nodeId: sidecarId('app-2', 'team-b') });
    for (const c of [a, b]) c.subscribe(TypeUrl.Cluster);
    await a.next(TypeUrl.Cluster);
    await b.next(TypeUrl.Cluster);

    mesh.clusters.set('mine', { value: 2, namespace: 'team-a' });
    mesh.changed();
    mesh.push();
    assert.equal(mesh.server.pushStatus().lastPush?.proxiesPushed, 1);
    assert.equal(mesh.server.pushStatus().lastPush?.proxiesUnchanged, 1);
    assert.deepEqual((await a.next(TypeUrl.Cluster)).resources.get('mine')?.connect_timeout, { seconds: '2' });

    mesh.clusters.set('shared', { value: 2 });
    mesh.changed();
    mesh.push();
    await a.next(TypeUrl.Cluster);
    await b.next(TypeUrl.Cluster);
    // Responses on a stream arrive in order: b saw the initial state and the shared change, nothing between.
    assert.equal(b.received(TypeUrl.Cluster).length, 2);
    assert.equal(a.received(TypeUrl.Cluster).length, 3);
  });

  it('merges a burst of changes into one push', async () => {
    mesh = await FakeMesh.start({ clusters: { a: { value: 1 } } });
    const client = mesh.client();
    client.subscribe(TypeUrl.Cluster);
    await client.next(TypeUrl.Cluster);
    for (let i = 2; i <= 10; i++) {
      mesh.clusters.set('a', { value: i });
      mesh.changed(`change ${i}`);
      mesh.clock.advance(50);
    }
    assert.equal(mesh.server.pushStatus().totalPushes, 0);
    mesh.push();
    assert.equal(mesh.server.pushStatus().totalPushes, 1);
    assert.equal(mesh.server.pushStatus().lastPush?.reasons.length, 9);
    const pushed = await client.next(TypeUrl.Cluster);
    assert.deepEqual(pushed.resources.get('a')?.connect_timeout, { seconds: '10' });
  });

  it('ends the stream of a node whose id is not Istio-shaped', async () => {
    mesh = await FakeMesh.start();
    const client = mesh.client({ nodeId: 'not-an-istio-node' });
    client.subscribe(TypeUrl.Cluster);
    await assert.rejects(client.waitFor(() => false, 'stream error'), /missing parts in the service node/);
    assert.equal(mesh.server.connections().length, 0);
  });
});
