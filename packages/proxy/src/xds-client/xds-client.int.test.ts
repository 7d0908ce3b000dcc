import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { FakeControlPlane } from '@skiff/testing';
import { edsCluster, eventually, httpListener, loadAssignment, routeConfiguration, snapshotWhere, startClient, staticCluster, type TestClient } from './test/fixtures.ts';

const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';
const RATINGS = 'outbound|9080||ratings.default.svc.cluster.local';

let plane: FakeControlPlane | undefined;
let t: TestClient | undefined;
afterEach(async () => {
  t?.client.close();
  await plane?.close();
  t = undefined;
  plane = undefined;
});

async function withBookinfo(protocol: 'sotw' | 'delta' = 'sotw') {
  plane = await FakeControlPlane.start();
  plane.setResources(TypeUrl.Cluster, [edsCluster(REVIEWS), staticCluster('BlackHoleCluster', '127.0.0.1', 1)]);
  plane.setResources(TypeUrl.ClusterLoadAssignment, [loadAssignment(REVIEWS, [['10.1.0.1', 9080], ['10.1.0.2', 9080]])]);
  plane.setResources(TypeUrl.Listener, [httpListener('0.0.0.0_9080', 9080, '9080')]);
  plane.setResources(TypeUrl.RouteConfiguration, [routeConfiguration('9080', REVIEWS)]);
  t = startClient(plane.address, { protocol });
  return { plane, ...t };
}

describe('xDS client against the fake control plane (state of the world)', () => {
  it('ACKs every type, requests CDS → EDS → LDS → RDS in Envoy order, and publishes a ready snapshot', async () => {
    const { plane, client, stats } = await withBookinfo();
    const s = await snapshotWhere(client, (x) => x.initialized, 'initialized');
    for (const type of [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration]) await plane.waitForAck(type);
    const firstOfEachType = [...new Set(plane.requests().map((r) => r.typeUrl))];
    assert.deepEqual(firstOfEachType, [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration]);
    assert.deepEqual(plane.requests().map((r) => r.hasNode), plane.requests().map((_, i) => i === 0), 'the node goes in the first request only');
    assert.equal(plane.requests()[0].nodeId, 'sidecar~10.1.0.9~productpage-abc.default~default.svc.cluster.local');
    assert.deepEqual(plane.subscription(TypeUrl.ClusterLoadAssignment), { wildcard: false, names: [REVIEWS] });
    assert.deepEqual(plane.subscription(TypeUrl.RouteConfiguration), { wildcard: false, names: ['9080'] });
    assert.deepEqual([...s.clusters.keys()].sort(), ['BlackHoleCluster', REVIEWS]);
    assert.deepEqual(s.endpoints.get(REVIEWS)?.config.localities[0].lbEndpoints.map((e) => e.address), [{ address: '10.1.0.1', port: 9080 }, { address: '10.1.0.2', port: 9080 }]);
    assert.deepEqual(s.listeners.get('0.0.0.0_9080')?.config.routeConfigNames, ['9080']);
    const action = s.routes.get('9080')?.config.virtualHosts[0].routes[0].action;
    assert.deepEqual(action?.type === 'route' && action.route.clusterSpecifier, { kind: 'cluster', name: REVIEWS });
    assert.ok(Object.isFrozen(s));
    assert.equal(stats.counter('cluster_manager.cds.update_success').value, 1);
    assert.equal(stats.counter('listener_manager.lds.update_success').value, 1);
    assert.equal(stats.gauge('control_plane.connected_state').value, 1);
  });

  it('NACKs a bad listener with Envoy\'s text, keeps the last good one, and accepts the next good version', async () => {
    const { plane, client, stats } = await withBookinfo();
    const good = await snapshotWhere(client, (x) => x.initialized, 'initialized');
    const goodVersion = plane.responses(TypeUrl.Listener).at(-1)!.version;
    await plane.waitForAck(TypeUrl.Listener, goodVersion);

    const bad = httpListener('0.0.0.0_9080', 9080, '9080') as Record<string, unknown>;
    bad.address = { socket_address: { address: '0.0.0.0', port_value: 70000 } };
    const badVersion = plane.setResources(TypeUrl.Listener, [bad, httpListener('0.0.0.0_8080', 8080, '9080')]);
    const nack = await plane.waitForNack(TypeUrl.Listener, badVersion);
    assert.equal(nack.message, 'Error adding/updating listener(s) 0.0.0.0_9080: address.socket_address.port_value: value must be less than or equal to 65535');
    assert.equal(nack.code, 13);
    const nackRequest = plane.requests(TypeUrl.Listener).find((r) => r.errorDetail)!;
    assert.equal(nackRequest.versionInfo, goodVersion, 'a NACK carries the last accepted version');
    const afterNack = await snapshotWhere(client, (x) => x.listeners.has('0.0.0.0_8080'), 'the valid listener of the rejected response');
    assert.equal(afterNack.listeners.get('0.0.0.0_9080'), good.listeners.get('0.0.0.0_9080'), 'the last good 0.0.0.0_9080 stays in service');
    assert.equal(client.state().listeners.failed.get('0.0.0.0_9080')?.details, 'address.socket_address.port_value: value must be less than or equal to 65535');
    assert.equal(stats.counter('listener_manager.lds.update_rejected').value, 1);

    const fixed = httpListener('0.0.0.0_9080', 9080, '9080') as Record<string, unknown>;
    fixed.traffic_direction = 'INBOUND';
    const fixedVersion = plane.setResources(TypeUrl.Listener, [fixed]);
    await plane.waitForAck(TypeUrl.Listener, fixedVersion);
    const after = await snapshotWhere(client, (x) => x.listeners.get('0.0.0.0_9080')?.config.trafficDirection === 'INBOUND', 'the fixed listener');
    assert.equal(after.listeners.get('0.0.0.0_9080')?.version, fixedVersion);
    assert.equal(after.listeners.has('0.0.0.0_8080'), false, 'SotW LDS removes what the new version no longer lists');
    assert.equal(client.state().listeners.failed.size, 0);
  });

  it('keeps an EDS cluster warming until its endpoints arrive, and the initial fetch timeout releases one that never does', async () => {
    plane = await FakeControlPlane.start();
    plane.setResources(TypeUrl.Cluster, [edsCluster(REVIEWS)]);
    plane.setResources(TypeUrl.Listener, [httpListener('0.0.0.0_9080', 9080, '9080')]);
    plane.setResources(TypeUrl.RouteConfiguration, [routeConfiguration('9080', REVIEWS)]);
    t = startClient(plane.address);
    const { client, clock, stats } = t;
    const warming = await snapshotWhere(client, (x) => x.warmingClusters.has(REVIEWS), 'a warming cluster');
    assert.equal(warming.clusters.has(REVIEWS), false, 'not usable before its endpoints');
    assert.equal(warming.initialized, false);
    assert.equal(stats.gauge('cluster_manager.warming_clusters').value, 1);
    await plane.waitFor(() => plane!.requests(TypeUrl.ClusterLoadAssignment).length > 0, 'the EDS request');
    assert.equal(plane.requests(TypeUrl.Listener).length, 0, 'LDS waits for the cluster manager to initialize');

    clock.advance(14_999);
    assert.equal(client.snapshot().clusters.has(REVIEWS), false);
    clock.advance(1);
    const released = client.snapshot();
    assert.equal(released.clusters.has(REVIEWS), true, 'active after 15 s without endpoints');
    assert.equal(released.warmingClusters.size, 0);
    const ready = await snapshotWhere(client, (x) => x.initialized, 'initialized after LDS and RDS');
    assert.ok(ready.listeners.has('0.0.0.0_9080'));

    // A new cluster warms again; its endpoints arriving promote it without waiting.
    plane.setResources(TypeUrl.Cluster, [edsCluster(REVIEWS), edsCluster(RATINGS)]);
    await snapshotWhere(client, (x) => x.warmingClusters.has(RATINGS), 'ratings warming');
    plane.setResources(TypeUrl.ClusterLoadAssignment, [loadAssignment(RATINGS, [['10.1.0.5', 9080]])]);
    const promoted = await snapshotWhere(client, (x) => x.clusters.has(RATINGS), 'ratings active');
    assert.equal(promoted.endpoints.get(RATINGS)?.config.localities[0].lbEndpoints.length, 1);
  });

  it('keeps a listener warming until its route configuration arrives', async () => {
    const { plane, client } = await withBookinfo();
    await snapshotWhere(client, (x) => x.initialized, 'initialized');
    plane.setResources(TypeUrl.Listener, [httpListener('0.0.0.0_9080', 9080, '9080'), httpListener('0.0.0.0_8080', 8080, '8080')]);
    const warming = await snapshotWhere(client, (x) => x.warmingListeners.has('0.0.0.0_8080'), 'a warming listener');
    assert.equal(warming.listeners.has('0.0.0.0_8080'), false);
    await plane.waitFor(() => plane.subscription(TypeUrl.RouteConfiguration)?.names.includes('8080') ?? false, 'RDS subscription to 8080');
    plane.setResources(TypeUrl.RouteConfiguration, [routeConfiguration('9080', REVIEWS), routeConfiguration('8080', REVIEWS)]);
    const active = await snapshotWhere(client, (x) => x.listeners.has('0.0.0.0_8080'), 'the listener active');
    assert.equal(active.warmingListeners.size, 0);
  });

  it('reconnects with jittered backoff after the control plane goes away, serving its last config meanwhile', async () => {
    const { plane, client, clock, stats, log } = await withBookinfo();
    const before = await snapshotWhere(client, (x) => x.initialized, 'initialized');
    for (const type of [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration]) await plane.waitForAck(type);
    const acceptedCds = plane.responses(TypeUrl.Cluster).at(-1)!.version;
    await plane.stop();
    await eventually(() => stats.gauge('control_plane.connected_state').value === 0, 'the client to see the stream close');
    assert.equal(client.snapshot(), before, 'the last config stays published while disconnected');
    assert.match(log.at(-1)!, /^StreamAggregatedResources gRPC config stream to xds-grpc closed: \d+, .*; retrying in \d+ ms$/);

    // Attempts while the server is down fail and back off further; none of them touches the config.
    for (let i = 0; i < 3; i++) {
      const failures = stats.counter('cluster_manager.cds.update_failure').value;
      clock.advance(30_000);
      await eventually(() => stats.counter('cluster_manager.cds.update_failure').value > failures, `failed attempt ${i + 1}`);
    }
    const delays = log.filter((l) => l.includes('retrying in')).map((l) => Number(/retrying in (\d+) ms/.exec(l)![1]));
    assert.deepEqual(delays.map((d, i) => d < Math.min(30_000, 500 * 2 ** i)), delays.map(() => true), `delays ${delays} stay under the doubling ceiling`);
    assert.equal(client.snapshot(), before);

    await plane.restart();
    const streams = plane.streamCount;
    await eventually(() => {
      clock.advance(30_000);
      return plane.streamCount > streams && stats.gauge('control_plane.connected_state').value === 1;
    }, 'a new stream', 10_000);
    const resumed = plane.requests(TypeUrl.Cluster).find((r) => r.nonce === '' && r.stream === plane.streamCount);
    assert.equal(resumed?.versionInfo, acceptedCds, 'the new stream starts from the accepted version');
    assert.equal(resumed?.hasNode, true);
    await plane.waitFor(() => plane.acks(TypeUrl.RouteConfiguration).some((a) => a.stream === plane.streamCount), 'RDS ACK on the new stream');
    assert.deepEqual([...client.snapshot().listeners.keys()], [...before.listeners.keys()]);
  });
});

describe('xDS client against the fake control plane (delta)', () => {
  it('subscribes and unsubscribes EDS and RDS names as clusters and listeners come and go', async () => {
    const { plane, client } = await withBookinfo('delta');
    await snapshotWhere(client, (x) => x.initialized, 'initialized');
    const eds = () => plane.requests(TypeUrl.ClusterLoadAssignment).filter((r) => !r.nonce);
    const rds = () => plane.requests(TypeUrl.RouteConfiguration).filter((r) => !r.nonce);
    assert.deepEqual(eds().map((r) => [r.subscribe, r.unsubscribe]), [[[REVIEWS], []]]);
    assert.deepEqual(plane.requests(TypeUrl.Cluster)[0].subscribe, [], 'CDS starts as the legacy wildcard');

    plane.setResources(TypeUrl.Cluster, [edsCluster(REVIEWS), edsCluster(RATINGS)]);
    await plane.waitFor(() => eds().length === 2, 'EDS subscribe to ratings');
    plane.setResources(TypeUrl.Cluster, [edsCluster(RATINGS)]);
    await plane.waitFor(() => eds().length === 3, 'EDS unsubscribe from reviews');
    assert.deepEqual(eds().map((r) => [r.subscribe, r.unsubscribe]), [[[REVIEWS], []], [[RATINGS], []], [[], [REVIEWS]]]);
    await snapshotWhere(client, (x) => !x.endpoints.has(REVIEWS) && !x.clusters.has(REVIEWS), 'reviews gone with its endpoints');

    // The new listener version warms on r2 while the old one, on 9080, stays active: 9080 is dropped once r2 arrives.
    plane.setResources(TypeUrl.RouteConfiguration, [routeConfiguration('9080', REVIEWS), routeConfiguration('r2', RATINGS)]);
    plane.setResources(TypeUrl.Listener, [httpListener('0.0.0.0_9080', 9080, 'r2')]);
    await plane.waitFor(() => rds().length === 3, 'RDS switch to r2');
    assert.deepEqual(rds().map((r) => [r.subscribe, r.unsubscribe]), [[['9080'], []], [['r2'], []], [[], ['9080']]]);
    const switched = await snapshotWhere(client, (x) => x.listeners.get('0.0.0.0_9080')?.config.routeConfigNames[0] === 'r2' && !x.routes.has('9080'), 'listener on r2, route 9080 dropped');
    assert.deepEqual([...switched.routes.keys()], ['r2']);
    for (const r of plane.requests().filter((x) => x.nonce)) assert.equal(r.errorDetail, undefined, `${r.typeUrl} ${r.nonce} is an ACK`);
  });

  it('NACKs a bad delta resource and tells the server what it holds on reconnect', async () => {
    const { plane, client, clock } = await withBookinfo('delta');
    await snapshotWhere(client, (x) => x.initialized, 'initialized');
    const badVersion = plane.setResources(TypeUrl.Cluster, [{ ...edsCluster(REVIEWS), connect_timeout: { seconds: '0' } }, staticCluster('BlackHoleCluster', '127.0.0.1', 1)]);
    const nack = await plane.waitForNack(TypeUrl.Cluster, badVersion);
    assert.equal(nack.message, `Error adding/updating cluster(s) ${REVIEWS}: connect_timeout: value must be greater than 0s`);
    assert.equal(client.snapshot().clusters.get(REVIEWS)?.config.connectTimeoutMs, 10_000);

    const streams = plane.streamCount;
    plane.disconnectAll();
    await eventually(() => {
      clock.advance(1000);
      return plane.requests(TypeUrl.Cluster).some((r) => r.stream > streams);
    }, 'the delta reconnect');
    const initial = plane.requests(TypeUrl.Cluster).find((r) => r.stream > streams)!;
    assert.deepEqual(Object.keys(initial.initialVersions).sort(), ['BlackHoleCluster', REVIEWS]);
  });
});
