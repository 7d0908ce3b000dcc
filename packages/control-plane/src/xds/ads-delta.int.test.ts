import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { FakeMesh, sidecarId, type FakeAdsClient } from '@skiff/testing';

let mesh: FakeMesh;
afterEach(() => mesh.close());

let barriers = 0;
/** Subscribes to a new VirtualHost name and waits for the answer: everything sent before has been handled by then. */
async function barrier(client: FakeAdsClient): Promise<void> {
  const before = client.received(TypeUrl.VirtualHost).length;
  client.subscribe(TypeUrl.VirtualHost, [`barrier-${++barriers}`]);
  await client.waitFor(() => client.received(TypeUrl.VirtualHost).length > before, 'barrier');
}

function names(map: ReadonlyMap<string, unknown>): string[] {
  return [...map.keys()].sort();
}

describe('ADS delta', () => {
  it('sends a wildcard subscriber everything, then only what changed, and removed_resources for deletions', async () => {
    mesh = await FakeMesh.start({ clusters: { a: { value: 1 }, b: { value: 2 }, c: { value: 3 } } });
    const client = mesh.client({ protocol: 'delta' });
    client.subscribe(TypeUrl.Cluster, ['*']);
    assert.deepEqual(names((await client.next(TypeUrl.Cluster)).resources), ['a', 'b', 'c']);

    mesh.clusters.set('b', { value: 20 });
    mesh.clusters.delete('c');
    mesh.changed();
    mesh.push();
    const update = await client.next(TypeUrl.Cluster);
    assert.deepEqual(names(update.resources), ['b']);
    assert.deepEqual(update.removed, ['c']);
    assert.deepEqual(names(client.resources(TypeUrl.Cluster)), ['a', 'b']);
  });

  it('treats an empty first subscription to CDS as wildcard', async () => {
    mesh = await FakeMesh.start({ clusters: { a: { value: 1 }, b: { value: 2 } } });
    const client = mesh.client({ protocol: 'delta' });
    client.subscribe(TypeUrl.Cluster);
    assert.deepEqual(names((await client.next(TypeUrl.Cluster)).resources), ['a', 'b']);
  });

  it('follows named subscribe and unsubscribe, and reports unknown names as removed', async () => {
    mesh = await FakeMesh.start({ clusters: { a: { value: 1 }, b: { value: 2 } } });
    const client = mesh.client({ protocol: 'delta' });
    client.subscribe(TypeUrl.ClusterLoadAssignment, ['a']);
    assert.deepEqual(names((await client.next(TypeUrl.ClusterLoadAssignment)).resources), ['a']);

    client.subscribe(TypeUrl.ClusterLoadAssignment, ['b', 'missing']);
    const second = await client.next(TypeUrl.ClusterLoadAssignment);
    assert.deepEqual(names(second.resources), ['b']);
    assert.deepEqual(second.removed, ['missing']);

    client.unsubscribe(TypeUrl.ClusterLoadAssignment, ['a']);
    await barrier(client);
    mesh.clusters.set('a', { value: 10 });
    mesh.changed();
    mesh.push();
    // 'a' changed but is no longer watched: nothing to send.
    assert.equal(mesh.server.metrics.pushes('eds'), 2);

    mesh.clusters.set('b', { value: 20 });
    mesh.changed();
    mesh.push();
    const third = await client.next(TypeUrl.ClusterLoadAssignment);
    assert.deepEqual(names(third.resources), ['b']);
    assert.deepEqual(client.received(TypeUrl.ClusterLoadAssignment).length, 3);
  });

  it('on reconnect sends only resources whose version differs from initial_resource_versions', async () => {
    mesh = await FakeMesh.start({ clusters: { a: { value: 1 }, b: { value: 2 } } });
    // The proxy never applies the update (held), then reconnects with the versions it runs.
    let held = 0;
    const client = mesh.client({ protocol: 'delta', decide: (r) => (r.resources.has('new') && held++ === 0 ? 'hold' : 'ack') });
    client.subscribe(TypeUrl.Cluster, ['*']);
    await client.next(TypeUrl.Cluster);
    mesh.clusters.set('b', { value: 3 });
    mesh.clusters.set('new', { value: 4 });
    mesh.changed();
    mesh.push();
    await client.next(TypeUrl.Cluster);
    assert.deepEqual(names(client.resources(TypeUrl.Cluster)), ['a', 'b']);
    client.reconnect();
    const resumed = await client.next(TypeUrl.Cluster);
    assert.deepEqual(names(resumed.resources), ['b', 'new']);
    assert.deepEqual(names(client.resources(TypeUrl.Cluster)), ['a', 'b', 'new']);
  });

  it('records a delta NACK and keeps the rejected version from being resent', async () => {
    mesh = await FakeMesh.start({ clusters: { a: { value: 1 } } });
    const client = mesh.client({
      protocol: 'delta',
      nodeId: sidecarId('ratings-v1-xyz'),
      decide: (r) => (r.resources.has('bad') ? { nack: "Unknown cluster type 'bogus'" } : 'ack'),
    });
    client.subscribe(TypeUrl.Cluster, ['*']);
    await client.next(TypeUrl.Cluster);
    mesh.clusters.set('bad', { value: 1 });
    mesh.changed();
    mesh.push();
    await client.next(TypeUrl.Cluster);
    client.subscribe(TypeUrl.ClusterLoadAssignment, ['a']);
    await client.next(TypeUrl.ClusterLoadAssignment);

    const status = mesh.server.syncStatus()[0];
    assert.equal(status.xds_status.CDS, 'NACK');
    assert.deepEqual(status.nacks.map((n) => [n.resource_names, n.error]), [[['bad'], "Unknown cluster type 'bogus'"]]);
    assert.deepEqual(names(client.resources(TypeUrl.Cluster)), ['a']);

    const before = mesh.server.metrics.pushes('cds');
    mesh.changed();
    mesh.push();
    assert.equal(mesh.server.metrics.pushes('cds'), before);
  });
});
