import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { FakeControlPlane } from '@skiff/testing';
import { buildBootstrap } from '../bootstrap/index.ts';
import { edsCluster, httpListener, loadAssignment, routeConfiguration, snapshotWhere, startClient, type TestClient } from '../xds-client/test/fixtures.ts';
import { AdminServer, LogLevels } from './index.ts';

const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';

let plane: FakeControlPlane | undefined;
let t: TestClient | undefined;
let admin: AdminServer | undefined;
afterEach(async () => {
  await admin?.close();
  t?.client.close();
  await plane?.close();
  admin = undefined;
  t = undefined;
  plane = undefined;
});

async function start(options: { withEndpoints?: boolean } = {}) {
  plane = await FakeControlPlane.start();
  plane.setResources(TypeUrl.Cluster, [edsCluster(REVIEWS)]);
  if (options.withEndpoints !== false) {
    plane.setResources(TypeUrl.ClusterLoadAssignment, [loadAssignment(REVIEWS, [['10.1.1.1', 9080], ['10.1.1.2', 9080, 'UNHEALTHY']])]);
  }
  plane.setResources(TypeUrl.Listener, [httpListener('0.0.0.0_9080', 9080, '9080')]);
  plane.setResources(TypeUrl.RouteConfiguration, [routeConfiguration('9080', REVIEWS)]);
  const bootstrap = buildBootstrap({ proxyType: 'sidecar', ip: '10.1.0.9', podName: 'productpage-abc', namespace: 'default', xdsAddress: plane.address, adminPort: 0 });
  assert.ok(bootstrap.ok);
  t = startClient(plane.address, { bootstrap: bootstrap.value });
  admin = new AdminServer({ bootstrap: bootstrap.value, xds: t.client, stats: t.stats, logLevels: new LogLevels(), clock: t.clock });
  const { host, port } = await admin.listen();
  assert.equal(host, '127.0.0.1');
  const get = (path: string, init?: RequestInit) => fetch(`http://${host}:${port}${path}`, init);
  return { plane, ...t, admin, get };
}

describe('admin interface', () => {
  it('/ready is 503 INITIALIZING while a cluster warms and 200 LIVE once the initial config is applied', async () => {
    const { client, clock, get } = await start({ withEndpoints: false });
    await snapshotWhere(client, (s) => s.warmingClusters.size === 1, 'a warming cluster');
    const before = await get('/ready');
    assert.equal(before.status, 503);
    assert.equal(await before.text(), 'INITIALIZING\n');
    clock.advance(15_000);
    await snapshotWhere(client, (s) => s.initialized, 'initialized');
    const after = await get('/ready');
    assert.equal(after.status, 200);
    assert.equal(await after.text(), 'LIVE\n');
    const info = await (await get('/server_info')).json() as Record<string, unknown>;
    assert.equal(info.state, 'LIVE');
    assert.equal(info.uptime_current_epoch, '15s');
    assert.equal((info.node as { id: string }).id, 'sidecar~10.1.0.9~productpage-abc.default~default.svc.cluster.local');
  });

  it('/config_dump has Envoy\'s shape: bootstrap, active clusters and listeners with version_info and last_updated, routes, and error_state after a NACK', async () => {
    const { plane, client, get } = await start();
    await snapshotWhere(client, (s) => s.initialized, 'initialized');
    const bad = { ...httpListener('0.0.0.0_9080', 9080, '9080'), address: { socket_address: { address: '0.0.0.0', port_value: 70000 } } };
    const badVersion = plane.setResources(TypeUrl.Listener, [bad]);
    await plane.waitForNack(TypeUrl.Listener, badVersion);
    const dump = await (await get('/config_dump')).json() as { configs: Record<string, unknown>[] };
    assert.deepEqual(dump.configs.map((c) => c['@type']), [
      'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump',
      'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
      'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
      'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
    ]);
    const clusters = dump.configs[1] as { version_info: string; static_clusters: { cluster: { name: string } }[]; dynamic_active_clusters: { version_info: string; cluster: Record<string, unknown>; last_updated: string }[] };
    assert.equal(clusters.static_clusters[0].cluster.name, 'xds-grpc');
    assert.equal(clusters.dynamic_active_clusters[0].cluster['@type'], TypeUrl.Cluster);
    assert.equal(clusters.dynamic_active_clusters[0].cluster.name, REVIEWS);
    assert.equal(clusters.dynamic_active_clusters[0].version_info, clusters.version_info);
    assert.equal(clusters.dynamic_active_clusters[0].last_updated, '2025-01-01T00:00:00.000Z');
    const listeners = dump.configs[2] as { dynamic_listeners: { name: string; active_state: { listener: { name: string } }; error_state: { details: string; failed_configuration: { address: unknown } } }[] };
    assert.equal(listeners.dynamic_listeners[0].name, '0.0.0.0_9080');
    assert.equal(listeners.dynamic_listeners[0].active_state.listener.name, '0.0.0.0_9080');
    assert.equal(listeners.dynamic_listeners[0].error_state.details, 'address.socket_address.port_value: value must be less than or equal to 65535');
    assert.equal((listeners.dynamic_listeners[0].error_state.failed_configuration.address as { socket_address: { port_value: number } }).socket_address.port_value, 70000);
    const routes = dump.configs[3] as { dynamic_route_configs: { route_config: { name: string } }[] };
    assert.equal(routes.dynamic_route_configs[0].route_config.name, '9080');
    const withEds = await (await get('/config_dump?include_eds')).json() as { configs: { '@type': string; dynamic_endpoint_configs?: { endpoint_config: { cluster_name: string } }[] }[] };
    assert.equal(withEds.configs.at(-1)!.dynamic_endpoint_configs![0].endpoint_config.cluster_name, REVIEWS);
  });

  it('/clusters prints Envoy\'s per-host lines with health flags; /listeners names and addresses', async () => {
    const { client, get } = await start();
    await snapshotWhere(client, (s) => s.initialized, 'initialized');
    const clusters = await (await get('/clusters')).text();
    const lines = clusters.split('\n');
    for (const line of [
      `${REVIEWS}::observability_name::${REVIEWS}`,
      `${REVIEWS}::added_via_api::true`,
      `${REVIEWS}::10.1.1.1:9080::cx_active::0`,
      `${REVIEWS}::10.1.1.1:9080::health_flags::healthy`,
      `${REVIEWS}::10.1.1.2:9080::health_flags::/failed_eds_health`,
      `${REVIEWS}::10.1.1.1:9080::zone::us-east-1a`,
      `${REVIEWS}::10.1.1.1:9080::weight::1`,
      'xds-grpc::added_via_api::false',
    ]) assert.ok(lines.includes(line), `missing ${line}`);
    assert.equal(await (await get('/listeners')).text(), '0.0.0.0_9080::0.0.0.0:9080\n');
    assert.deepEqual(await (await get('/listeners?format=json')).json(), { listener_statuses: [{ name: '0.0.0.0_9080', local_address: { socket_address: { address: '0.0.0.0', port_value: 9080 } } }] });
  });

  it('/logging shows levels and POST ?level= changes them; GET with parameters is refused', async () => {
    const { get } = await start();
    const listing = await (await get('/logging')).text();
    assert.match(listing, /^active loggers:\n {2}admin: info\n/);
    assert.equal((await get('/logging?level=debug')).status, 405);
    const changed = await (await get('/logging?level=debug', { method: 'POST' })).text();
    assert.ok(!changed.includes(': info'), changed);
    const one = await (await get('/logging?upstream=trace', { method: 'POST' })).text();
    assert.match(one, / {2}upstream: trace\n/);
    assert.equal((await get('/logging?level=loud', { method: 'POST' })).status, 404);
  });

  it('/stats and /stats/prometheus serve the xDS counters under Envoy\'s names', async () => {
    const { client, get } = await start();
    await snapshotWhere(client, (s) => s.initialized, 'initialized');
    const stats = await (await get('/stats')).text();
    assert.match(stats, /^cluster_manager\.cds\.update_success: 1$/m);
    assert.match(stats, /^listener_manager\.lds\.update_success: 1$/m);
    assert.match(stats, /^cluster_manager\.active_clusters: 1$/m);
    assert.equal(await (await get('/stats?filter=lds.update_rejected')).text(), 'listener_manager.lds.update_rejected: 0\n');
    const prom = await get('/stats/prometheus');
    assert.equal(prom.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const body = await prom.text();
    assert.match(body, /^# TYPE envoy_cluster_manager_cds_update_success counter\nenvoy_cluster_manager_cds_update_success\{\} 1$/m);
    assert.match(body, /^envoy_control_plane_connected_state\{\} 1$/m);
    assert.equal((await get('/nope')).status, 404);
  });
});
