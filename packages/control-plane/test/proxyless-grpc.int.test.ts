/**
 * Proxyless gRPC end to end: the control plane on a directory of YAML, two
 * real gRPC servers as the pods of `reviews` (v1 on 127.0.0.2, v2 on
 * 127.0.0.3; Linux routes all of 127/8 to lo), and a real @grpc/grpc-js-xds
 * channel for `xds:///reviews.default.svc.cluster.local:9080` whose
 * bootstrap points at the control plane with Istio's gRPC node
 * (`GENERATOR: grpc`). The control plane runs on a FakeClock (debounce and
 * file polling move when the test says); gRPC runs on real time.
 *
 * Weighted picks are random in grpc-js, so split checks are statistical:
 * over 1,000 calls a 90/10 split has a standard deviation of 0.95 points
 * and a 50/50 one of 1.6, so ±3 and ±5 points are both ~3.2 standard
 * deviations (a chance failure about once in 700 runs each).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Metadata, Server, ServerCredentials, credentials, status, type ServiceError } from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { TypeUrl } from '@skiff/api';
import { FakeClock } from '@skiff/common';
import { openFileSource, type FileSource } from '@skiff/config';
import { startControlPlane, type ControlPlane } from '../src/server/control-plane.ts';
import type { SyncStatus } from '../src/xds/sync-status.ts';

const HOST = 'reviews.default.svc.cluster.local';
const TARGET = `xds:///${HOST}:9080`;
const NODE_ID = 'sidecar~127.0.0.1~app.default~default.svc.cluster.local';
/** One unary method, bytes in and out: the server answers with its version. */
const METHOD = '/skiff.test.Reviews/Version';
const bytes = { serialize: (s: string) => Buffer.from(s), deserialize: (b: Buffer) => b.toString() };

grpcXds.register();

interface Backend {
  readonly version: string;
  readonly ip: string;
  readonly port: number;
  readonly server: Server;
}

async function startBackend(version: string, ip: string): Promise<Backend> {
  const server = new Server();
  server.register(METHOD, (_call: unknown, callback: (err: null, value: string) => void) => callback(null, version), bytes.serialize, bytes.deserialize, 'unary');
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${ip}:0`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return { version, ip, port, server };
}

const pod = (b: Backend) => `---
apiVersion: v1
kind: Pod
metadata:
  name: reviews-${b.version}
  namespace: default
  labels: {app: reviews, version: ${b.version}}
spec:
  containers:
  - name: reviews
    image: reviews
    ports: [{name: grpc, containerPort: ${b.port}}]
status:
  phase: Running
  podIP: ${b.ip}
  conditions: [{type: Ready, status: "True"}]
`;

const workloads = (backends: readonly Backend[], trafficPolicy = '') => `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  clusterIP: 10.96.0.10
  selector: {app: reviews}
  ports: [{name: grpc, port: 9080, targetPort: grpc}]
${backends.map(pod).join('')}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
${trafficPolicy}  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
`;

/** Beta users go to v2; everyone else is split v1/v2 by weight. */
const virtualService = (v1: number, v2: number, extraRules = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
${extraRules}  - match: [{headers: {x-user-type: {exact: beta}}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - route:
    - {destination: {host: reviews, subset: v1}, weight: ${v1}}
    - {destination: {host: reviews, subset: v2}, weight: ${v2}}
`;

describe('proxyless gRPC client (@grpc/grpc-js-xds) against the control plane', () => {
  let dir: string;
  let backends: Backend[];
  let source: FileSource;
  let cp: ControlPlane;
  let clock: FakeClock;
  let client: Client;

  before(async () => {
    backends = [await startBackend('v1', '127.0.0.2'), await startBackend('v2', '127.0.0.3')];
    dir = await mkdtemp(join(tmpdir(), 'skiff-proxyless-grpc-'));
    await writeFile(join(dir, 'workloads.yaml'), workloads(backends));
    await writeFile(join(dir, 'virtual-service.yaml'), virtualService(90, 10));
    clock = new FakeClock(Date.UTC(2025, 0, 1));
    source = await openFileSource({ paths: [dir], cwd: dir, clock, onReport: () => {} });
    cp = await startControlPlane({ source, xdsAddress: '127.0.0.1:0', monitoringAddress: '127.0.0.1:0', clock, log: () => {} });
    // Istio's gRPC bootstrap (pilot-agent writes it to GRPC_XDS_BOOTSTRAP); passed per channel here so the test sets no environment.
    const bootstrap = {
      xds_servers: [{ server_uri: cp.xdsAddress, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
      node: { id: NODE_ID, metadata: { GENERATOR: 'grpc', NAMESPACE: 'default' }, locality: {} },
    };
    client = new Client(TARGET, credentials.createInsecure(), { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap) });
  });

  after(async () => {
    client?.close();
    await cp?.close();
    await source?.close();
    for (const b of backends ?? []) b.server.forceShutdown();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function call(metadata = new Metadata()): Promise<string> {
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(METHOD, bytes.serialize, bytes.deserialize, 'which version?', metadata, { deadline: Date.now() + 5_000 }, (err: ServiceError | null, value?: string) =>
        (err ? reject(err) : resolve(value!)));
    });
  }

  /** `n` calls, 50 at a time; the share of each version, in percent. */
  async function split(n: number, metadata?: Metadata): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (let done = 0; done < n; done += 50) {
      const versions = await Promise.all(Array.from({ length: Math.min(50, n - done) }, () => call(metadata)));
      for (const v of versions) counts[v] = (counts[v] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(counts).map(([v, c]) => [v, (100 * c) / n]));
  }

  async function syncz(): Promise<SyncStatus[]> {
    return (await (await fetch(`http://${cp.monitoringAddress}/debug/syncz`)).json()) as SyncStatus[];
  }

  /** Real-time wait (gRPC's side) for a condition on the control plane's view of the client. */
  async function untilSynced(condition: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for the client to sync: ${JSON.stringify((await syncz())[0])}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 10)); // the resolver applies the complete config right after the last ACK
  }

  /** The HTTP filters of the api_listener the client was last sent, from /debug/config_dump. */
  async function httpFilters(): Promise<string[]> {
    const dump = (await (await fetch(`http://${cp.monitoringAddress}/debug/config_dump?proxyID=app.default`)).json()) as {
      configs: { dynamic_listeners?: { active_state: { listener: { api_listener: { api_listener: { http_filters: { name: string }[] } } } } }[] }[];
    };
    const listener = dump.configs.flatMap((c) => c.dynamic_listeners ?? [])[0];
    return listener.active_state.listener.api_listener.api_listener.http_filters.map((f) => f.name);
  }

  /** Moves the control plane's clock (file poll, debounce) until the client has ACKed a route configuration newer than `since`. */
  async function untilRouteAcked(since: string | undefined): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [status] = await syncz();
      if (status?.route_acked && status.route_acked !== since && status.route_acked === status.route_sent) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for a new RDS ACK (since ${since}): ${JSON.stringify(status)}`);
      clock.advance(500);
      await source.whenIdle();
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('connects as a gRPC proxy, ACKs an api_listener, its route configuration, the subset clusters and endpoints', async () => {
    assert.match(await call(), /^v[12]$/);
    const [status, ...others] = await syncz();
    assert.equal(others.length, 0);
    assert.equal(status.proxy, 'app.default');
    assert.deepEqual(status.xds_status, { CDS: 'SYNCED', LDS: 'SYNCED', EDS: 'SYNCED', RDS: 'SYNCED', ECDS: 'NOT SENT' });
    assert.deepEqual(status.nacks, []);
    const connection = cp.xds.connections()[0];
    assert.deepEqual([...connection.watches.get(TypeUrl.Listener)!.names], [`${HOST}:9080`]);
    assert.deepEqual([...connection.watches.get(TypeUrl.RouteConfiguration)!.names], [`outbound|9080||${HOST}`]);
    assert.deepEqual([...connection.watches.get(TypeUrl.Cluster)!.names].sort(), [`outbound|9080|v1|${HOST}`, `outbound|9080|v2|${HOST}`]);
  });

  it('splits 1,000 calls 90/10 between the subsets, within ±3 points', async () => {
    const shares = await split(1_000);
    assert.ok(Math.abs((shares.v1 ?? 0) - 90) <= 3, `v1 got ${shares.v1}%`);
    assert.ok(Math.abs((shares.v2 ?? 0) - 10) <= 3, `v2 got ${shares.v2}%`);
  });

  it('routes calls with metadata x-user-type: beta to v2 only', async () => {
    const beta = new Metadata();
    beta.set('x-user-type', 'beta');
    assert.deepEqual(await split(200, beta), { v2: 100 });
  });

  it('follows an edit of the VirtualService to 50/50 on the same ADS stream', async () => {
    const before = (await syncz())[0];
    await writeFile(join(dir, 'virtual-service.yaml'), virtualService(50, 50));
    await untilRouteAcked(before.route_acked);
    const shares = await split(1_000);
    assert.ok(Math.abs((shares.v1 ?? 0) - 50) <= 5, `v1 got ${shares.v1}%`);
    assert.ok(Math.abs((shares.v2 ?? 0) - 50) <= 5, `v2 got ${shares.v2}%`);
    const after = await syncz();
    assert.equal(after.length, 1);
    assert.equal(after[0].connection_id, before.connection_id, 'the client kept its ADS stream');
    assert.equal(cp.xds.connections().length, 1);
  });

  it('injects a fault abort as the gRPC status, adding the fault filter to the api_listener only while a route needs it', async () => {
    assert.deepEqual(await httpFilters(), ['envoy.filters.http.router']);
    const before = (await syncz())[0];
    const faultRule = `  - match: [{headers: {x-fault: {exact: abort}}}]
    fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 100}}}
    route: [{destination: {host: reviews, subset: v1}}]
`;
    await writeFile(join(dir, 'virtual-service.yaml'), virtualService(50, 50, faultRule));
    await untilRouteAcked(before.route_acked);
    const faulty = new Metadata();
    faulty.set('x-fault', 'abort');
    await assert.rejects(call(faulty), (err: ServiceError) => err.code === status.UNAVAILABLE);
    assert.match(await call(), /^v[12]$/);
    assert.deepEqual(await httpFilters(), ['envoy.filters.http.fault', 'envoy.filters.http.router']);
  });

  it('keeps each x-user on one pod with a consistentHash (RING_HASH) DestinationRule, spreading users over both', async () => {
    const before = (await syncz())[0];
    await writeFile(join(dir, 'workloads.yaml'), workloads(backends, '  trafficPolicy:\n    loadBalancer: {consistentHash: {httpHeaderName: x-user}}\n'));
    const stickyRule = `  - match: [{headers: {x-sticky: {exact: "yes"}}}]
    route: [{destination: {host: reviews}}]
`;
    await writeFile(join(dir, 'virtual-service.yaml'), virtualService(50, 50, stickyRule));
    await untilRouteAcked(before.route_acked);
    // The new route names the service's default cluster: gRPC switches once that cluster and its endpoints are in.
    const watches = () => cp.xds.connections()[0].watches;
    const defaultCluster = `outbound|9080||${HOST}`;
    await untilSynced(() => [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment].every((t) => watches().get(t)?.names.has(defaultCluster) && watches().get(t)?.status === 'SYNCED'));
    const byUser = new Map<string, Set<string>>();
    for (let u = 0; u < 20; u++) {
      const metadata = new Metadata();
      metadata.set('x-sticky', 'yes');
      metadata.set('x-user', `user-${u}`);
      byUser.set(`user-${u}`, new Set(Object.keys(await split(10, metadata))));
    }
    for (const [user, versions] of byUser) assert.equal(versions.size, 1, `${user} reached ${[...versions]}`);
    assert.deepEqual(new Set([...byUser.values()].flatMap((v) => [...v])), new Set(['v1', 'v2']));
    assert.equal((await syncz())[0].connection_id, before.connection_id);
  });
});
