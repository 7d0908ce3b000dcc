import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { FakeMesh, sidecarId } from '@skiff/testing';

describe('ADS with many proxies', () => {
  let mesh: FakeMesh;
  after(() => mesh.close());

  it('delivers one push to all 100 connected proxies, SotW and delta alike', async () => {
    mesh = await FakeMesh.start({ clusters: { a: { value: 1 }, b: { value: 2 } } });
    const clients = Array.from({ length: 100 }, (_, i) =>
      mesh.client({ nodeId: sidecarId(`app-${i}`, 'default', `10.1.${i >> 8}.${i & 255}`), protocol: i % 2 === 0 ? 'sotw' : 'delta' }),
    );
    for (const c of clients) c.subscribe(TypeUrl.Cluster);
    await Promise.all(clients.map((c) => c.next(TypeUrl.Cluster)));
    assert.equal(mesh.server.connections().length, 100);

    mesh.clusters.set('a', { value: 7 });
    mesh.changed();
    mesh.push();
    assert.equal(mesh.server.pushStatus().lastPush?.proxiesPushed, 100);
    const pushed = await Promise.all(clients.map((c) => c.next(TypeUrl.Cluster)));
    for (const response of pushed) assert.deepEqual(response.resources.get('a')?.connect_timeout, { seconds: '7' });
    assert.equal(new Set(pushed.map((r) => r.version)).size, 1);
  });
});
