import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { FakeMesh, sidecarId } from '@skiff/testing';
import { MonitoringServer } from './debug/monitoring-server.ts';

let mesh: FakeMesh;
let monitoring: MonitoringServer;
afterEach(async () => {
  await monitoring.close();
  await mesh.close();
});

async function start() {
  mesh = await FakeMesh.start({ clusters: { a: { value: 1 } } });
  monitoring = new MonitoringServer(mesh.server);
  const port = await monitoring.listen(0, '127.0.0.1');
  return (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
}

describe('monitoring server', () => {
  it('serves /debug/syncz in Istio\'s shape', async () => {
    const get = await start();
    const client = mesh.client({ nodeId: sidecarId('reviews-v1-abc'), decide: () => ({ nack: 'bad cluster' }) });
    client.subscribe(TypeUrl.Cluster);
    const sent = await client.next(TypeUrl.Cluster);
    client.subscribe(TypeUrl.ClusterLoadAssignment, ['a']);
    await client.next(TypeUrl.ClusterLoadAssignment);
    const body = (await (await get('/debug/syncz')).json()) as Record<string, unknown>[];
    assert.equal(body.length, 1);
    assert.equal(body[0].proxy, 'reviews-v1-abc.default');
    assert.equal(body[0].proxy_type, 'sidecar');
    assert.equal(body[0].cluster_id, 'Kubernetes');
    assert.equal(body[0].cluster_sent, sent.nonce);
    assert.equal(body[0].cluster_acked, undefined);
    assert.deepEqual(body[0].xds_status, { CDS: 'NACK', LDS: 'NOT SENT', EDS: 'NACK', RDS: 'NOT SENT', ECDS: 'NOT SENT' });
    assert.equal((body[0].nacks as { error: string }[])[0].error, 'bad cluster');
  });

  it('serves Prometheus metrics with pushes, connected proxies, convergence and rejects', async () => {
    const get = await start();
    const client = mesh.client({ decide: (r) => (r.typeUrl === TypeUrl.Cluster && (r.resources.get('a')?.connect_timeout as { seconds: string }).seconds === '3' ? { nack: 'no' } : 'ack') });
    client.subscribe(TypeUrl.Cluster);
    await client.next(TypeUrl.Cluster);
    mesh.clusters.set('a', { value: 3 });
    mesh.changed();
    mesh.clock.advance(250); // quiet period ends at 100 ms; the push reports 0.1 s of convergence
    await client.next(TypeUrl.Cluster);
    client.subscribe(TypeUrl.ClusterLoadAssignment, ['a']);
    await client.next(TypeUrl.ClusterLoadAssignment);

    const res = await get('/metrics');
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    assert.match(text, /^pilot_xds_pushes\{type="cds"\} 2$/m);
    assert.match(text, /^pilot_xds_pushes\{type="eds"\} 1$/m);
    assert.match(text, /^pilot_xds 1$/m);
    assert.match(text, /^pilot_proxy_convergence_time_bucket\{le="0.1"\} 1$/m);
    assert.match(text, /^pilot_proxy_convergence_time_count 1$/m);
    assert.match(text, /^pilot_total_xds_rejects\{type="cds"\} 1$/m);
  });

  it('serves /debug/push_status and 404 elsewhere', async () => {
    const get = await start();
    mesh.changed('config:VirtualService/default/reviews');
    mesh.push();
    const status = (await (await get('/debug/push_status')).json()) as { totalPushes: number; lastPush: { reasons: string[] } };
    assert.equal(status.totalPushes, 1);
    assert.deepEqual(status.lastPush.reasons, ['config:VirtualService/default/reviews']);
    assert.equal((await get('/debug/nope')).status, 404);
  });
});
