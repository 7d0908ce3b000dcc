import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypeUrl } from '@skiff/api';
import { FakeClock, seededRandom } from '@skiff/common';
import { createMemoryStore, formatIssue, openFileSource, type FileSource } from '@skiff/config';
import { FakeAdsClient } from '@skiff/testing';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { ConfigDumpType } from '../xds/debug/config-dump.ts';
import { PushContext } from '../model/push-context.ts';

const HOST = 'reviews.default.svc.cluster.local';
const V1 = `outbound|9080|v1|${HOST}`;
const V2 = `outbound|9080|v2|${HOST}`;
const V3 = `outbound|9080|v3|${HOST}`;
const PROXY_ID = 'productpage-abc.default';

const pod = (name: string, version: string, ip: string) => `---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default
  labels: {app: reviews, version: ${version}}
spec:
  containers:
  - name: reviews
    image: reviews
    ports: [{containerPort: 9080}]
status:
  phase: Running
  podIP: ${ip}
  conditions: [{type: Ready, status: "True"}]
`;

const WORKLOADS = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: default
spec:
  selector: {app: reviews}
  ports:
  - name: http
    port: 9080
${pod('reviews-v1', 'v1', '10.1.0.1')}${pod('reviews-v2', 'v2', '10.1.0.2')}`;

const destinationRule = (subsets: string[], extra = '') => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: default
spec:
  host: reviews
  subsets:
${subsets.map((s) => `  - name: ${s}\n    labels: {version: ${s}}\n`).join('')}${extra}`;

let dir: string;
let source: FileSource | undefined;
let cp: ControlPlane | undefined;
let client: FakeAdsClient | undefined;
afterEach(async () => {
  client?.close();
  await cp?.close();
  await source?.close();
  client = undefined;
  cp = undefined;
  source = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start() {
  dir = await mkdtemp(join(tmpdir(), 'skiff-control-plane-'));
  await writeFile(join(dir, 'workloads.yaml'), WORKLOADS);
  await writeFile(join(dir, 'destination-rule.yaml'), destinationRule(['v1', 'v2']));
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const reports: string[][] = [];
  const log: string[] = [];
  const s = await openFileSource({ paths: [dir], cwd: dir, clock, onReport: (r) => reports.push(r.issues.map(formatIssue)) });
  source = s;
  const plane = await startControlPlane({ source: s, xdsAddress: '127.0.0.1:0', monitoringAddress: '127.0.0.1:0', clock, random: seededRandom(1), log: (l) => log.push(l) });
  cp = plane;
  const c = new FakeAdsClient({ address: plane.xdsAddress, nodeId: `sidecar~10.1.0.9~${PROXY_ID}~default.svc.cluster.local`, metadata: { NAMESPACE: 'default', LABELS: { app: 'productpage' } }, timeoutMs: 3000 });
  client = c;
  /** Moves the fake clock (poll ticks, fs.watch and xDS debounce) until `condition` holds; real waits only for I/O. */
  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + 3000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      clock.advance(500);
      await s.whenIdle();
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const get = async (path: string) => fetch(`http://${plane.monitoringAddress}${path}`);
  return { clock, reports, log, source: s, cp: plane, client: c, until, get };
}

/** Subscribes like Envoy: CDS wildcard, EDS for the EDS clusters it got, LDS wildcard, RDS for the route names its listeners use. */
async function connectSidecar(c: FakeAdsClient) {
  c.subscribe(TypeUrl.Cluster);
  const cds = await c.next(TypeUrl.Cluster);
  c.subscribe(TypeUrl.ClusterLoadAssignment, [...cds.resources.values()].filter((r) => r.type === 'EDS').map((r) => String(r.name)));
  await c.next(TypeUrl.ClusterLoadAssignment);
  c.subscribe(TypeUrl.Listener);
  const lds = await c.next(TypeUrl.Listener);
  const routeNames = new Set<string>();
  for (const listener of lds.resources.values()) {
    for (const m of JSON.stringify(listener).matchAll(/"route_config_name":"([^"]+)"/g)) routeNames.add(m[1]);
  }
  c.subscribe(TypeUrl.RouteConfiguration, [...routeNames]);
  await c.next(TypeUrl.RouteConfiguration);
  return cds;
}

function endpointAddresses(c: FakeAdsClient, cluster: string): string[] {
  const cla = c.resources(TypeUrl.ClusterLoadAssignment).get(cluster) as { endpoints?: { lb_endpoints?: { endpoint: { address: { socket_address: { address: string } } } }[] }[] } | undefined;
  return (cla?.endpoints ?? []).flatMap((l) => l.lb_endpoints ?? []).map((e) => e.endpoint.address.socket_address.address).sort();
}

describe('control plane on a directory of YAML', () => {
  it('serves a sidecar CDS and EDS with the DestinationRule subset clusters, and its LDS and RDS', async () => {
    const { client } = await start();
    const cds = await connectSidecar(client);
    for (const name of [`outbound|9080||${HOST}`, V1, V2]) assert.ok(cds.resources.has(name), name);
    assert.deepEqual(endpointAddresses(client, V1), ['10.1.0.1']);
    assert.deepEqual(endpointAddresses(client, V2), ['10.1.0.2']);
    assert.deepEqual(endpointAddresses(client, `outbound|9080||${HOST}`), ['10.1.0.1', '10.1.0.2']);
    assert.ok(client.resources(TypeUrl.Listener).has('0.0.0.0_9080'), [...client.resources(TypeUrl.Listener).keys()].join());
    assert.ok(client.resources(TypeUrl.Listener).has('virtualOutbound'));
    assert.ok(client.resources(TypeUrl.RouteConfiguration).has('9080'), [...client.resources(TypeUrl.RouteConfiguration).keys()].join());
  });

  it('pushes an edited file to a connected sidecar without a reconnect: pod labels (EDS) and a new subset (CDS)', async () => {
    const { client, until, cp } = await start();
    await connectSidecar(client);
    const streams = cp.xds.connections().map((c) => c.id);

    await writeFile(join(dir, 'workloads.yaml'), WORKLOADS.replace('version: v2', 'version: v1'));
    await until(() => endpointAddresses(client, V1).length === 2, 'reviews-v2 to join subset v1');
    assert.deepEqual(endpointAddresses(client, V1), ['10.1.0.1', '10.1.0.2']);
    assert.deepEqual(endpointAddresses(client, V2), []);

    await writeFile(join(dir, 'destination-rule.yaml'), destinationRule(['v1', 'v2', 'v3']));
    await until(() => client.resources(TypeUrl.Cluster).has(V3), 'the v3 subset cluster');
    assert.deepEqual(cp.xds.connections().map((c) => c.id), streams);
  });

  it('keeps the last good config when an edit is invalid, and reports the errors with file:line', async () => {
    const { client, until, source, reports, get, clock } = await start();
    await connectSidecar(client);
    const pushes = client.received(TypeUrl.Cluster).length;

    await writeFile(join(dir, 'destination-rule.yaml'), destinationRule(['v1', 'v3'], '  trafficPolicy:\n    loadBalancer:\n      simple: SIDEWAYS\n'));
    await until(() => source.issues().length > 0, 'the parse errors');
    assert.match(reports.at(-1)![0], /^destination-rule\.yaml:\d+:\d+: error: DestinationRule default\/reviews: spec\.trafficPolicy\.loadBalancer\.simple: /);
    clock.advance(10_000); // past any debounce: nothing is pushed
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(client.received(TypeUrl.Cluster).length, pushes);
    assert.ok(client.resources(TypeUrl.Cluster).has(V2));
    const configz = (await (await get('/debug/configz')).json()) as { kind: string; spec?: { subsets?: { name: string }[] } }[];
    assert.deepEqual(configz.find((o) => o.kind === 'DestinationRule')?.spec?.subsets?.map((s) => s.name), ['v1', 'v2']);

    await writeFile(join(dir, 'destination-rule.yaml'), destinationRule(['v1', 'v3']));
    await until(() => client.resources(TypeUrl.Cluster).has(V3), 'the fixed file to apply');
    assert.ok(!client.resources(TypeUrl.Cluster).has(V2));
    assert.deepEqual(reports.at(-1), []);
  });

  it('keeps the last good push context when one cannot be built, and logs why', async () => {
    const store = createMemoryStore();
    await store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'default' }, spec: { ports: [{ port: 9080, name: 'http' }] } });
    const clock = new FakeClock();
    const log: string[] = [];
    let failing = false;
    const buildPushContext: typeof PushContext.build = (snapshot, options) => {
      if (failing) throw new Error('index exploded');
      return PushContext.build(snapshot, options);
    };
    cp = await startControlPlane({ source: store, xdsAddress: '127.0.0.1:0', monitoringAddress: '127.0.0.1:0', clock, log: (l) => log.push(l), buildPushContext });
    dir = await mkdtemp(join(tmpdir(), 'skiff-control-plane-'));
    const good = cp.pushContext();
    failing = true;
    await store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ratings', namespace: 'default' }, spec: { ports: [{ port: 9080, name: 'http' }] } });
    await new Promise((r) => setTimeout(r, 5)); // the watch event
    clock.advance(200);
    assert.equal(cp.xds.pushStatus().totalPushes, 1);
    assert.equal(cp.pushContext(), good);
    assert.deepEqual(cp.snapshot().objects.map((o) => o.metadata.name), ['reviews']);
    assert.match(log.join('\n'), /cannot build the push context for config version 2; keeping the last good one: Error: index exploded/);

    failing = false;
    await store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'details', namespace: 'default' }, spec: { ports: [{ port: 9080, name: 'http' }] } });
    await new Promise((r) => setTimeout(r, 5));
    clock.advance(200);
    assert.notEqual(cp.pushContext(), good);
    assert.deepEqual(cp.snapshot().objects.map((o) => o.metadata.name).sort(), ['details', 'ratings', 'reviews']);
    await store.close();
  });

  it('answers config_dump with what the proxy was sent, registryz with services and endpoints, and 404 JSON for an unknown proxy', async () => {
    const { client, get } = await start();
    await connectSidecar(client);
    const dump = (await (await get(`/debug/config_dump?proxyID=${PROXY_ID}&include_eds=true`)).json()) as { configs: Record<string, unknown>[] };
    assert.deepEqual(dump.configs.map((c) => c['@type']), [ConfigDumpType.Clusters, ConfigDumpType.Endpoints, ConfigDumpType.Listeners, ConfigDumpType.Routes]);
    const clusters = dump.configs[0] as { version_info: string; dynamic_active_clusters: { version_info: string; cluster: { '@type': string; name: string } }[] };
    assert.equal(clusters.version_info, client.ackedVersion(TypeUrl.Cluster));
    assert.deepEqual(clusters.dynamic_active_clusters.map((c) => c.cluster.name).sort(), [...client.resources(TypeUrl.Cluster).keys()].sort());
    assert.equal(clusters.dynamic_active_clusters[0].cluster['@type'], TypeUrl.Cluster);
    const v1 = clusters.dynamic_active_clusters.find((c) => c.cluster.name === V1)!.cluster;
    assert.deepEqual({ ...v1, '@type': undefined }, { ...client.resources(TypeUrl.Cluster).get(V1), '@type': undefined });
    const endpoints = dump.configs[1] as { dynamic_endpoint_configs: { endpoint_config: { cluster_name: string } }[] };
    assert.deepEqual(endpoints.dynamic_endpoint_configs.map((e) => e.endpoint_config.cluster_name).sort(), [...client.resources(TypeUrl.ClusterLoadAssignment).keys()].sort());
    const listeners = dump.configs[2] as { dynamic_listeners: { name: string; active_state: { listener: { name: string } } }[] };
    assert.deepEqual(listeners.dynamic_listeners.map((l) => l.name).sort(), [...client.resources(TypeUrl.Listener).keys()].sort());
    const routes = dump.configs[3] as { dynamic_route_configs: { route_config: { name: string } }[] };
    assert.deepEqual(routes.dynamic_route_configs.map((r) => r.route_config.name), [...client.resources(TypeUrl.RouteConfiguration).keys()]);
    const withoutEds = (await (await get(`/debug/config_dump?proxyID=${PROXY_ID}`)).json()) as { configs: Record<string, unknown>[] };
    assert.ok(!withoutEds.configs.some((c) => c['@type'] === ConfigDumpType.Endpoints));

    const registry = (await (await get('/debug/registryz')).json()) as { hostname: string; ports: unknown[]; endpoints: { address: string; labels: Record<string, string> }[] }[];
    const reviews = registry.find((s) => s.hostname === HOST)!;
    assert.deepEqual(reviews.ports, [{ name: 'http', port: 9080, protocol: 'HTTP' }]);
    assert.deepEqual(reviews.endpoints.map((e) => [e.address, e.labels.version]).sort(), [['10.1.0.1', 'v1'], ['10.1.0.2', 'v2']]);

    const unknown = await get('/debug/config_dump?proxyID=nobody.default');
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await unknown.json(), { error: 'Proxy not connected to this Pilot instance', proxyID: 'nobody.default' });
    assert.equal((await get('/debug/config_dump')).status, 400);
  });

  it('fails to start with one clear error line when the xDS port is taken', async () => {
    const { cp: first } = await start();
    const store = createMemoryStore();
    await assert.rejects(
      startControlPlane({ source: store, xdsAddress: first.xdsAddress, monitoringAddress: '127.0.0.1:0', clock: new FakeClock(), log: () => {} }),
      (err: Error & { code?: string }) => err.code === 'SKIFF_ERR_ADDRESS_IN_USE' && err.message === `cannot serve xDS on ${first.xdsAddress}: address already in use`,
    );
    await store.close();
  });

  it('closes idempotently', async () => {
    const { cp } = await start();
    await Promise.all([cp.close(), cp.close()]);
    await cp.close();
  });
});
