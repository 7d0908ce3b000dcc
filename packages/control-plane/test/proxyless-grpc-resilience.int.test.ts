/**
 * Proxyless gRPC end to end, resilience: what a real @grpc/grpc-js-xds
 * client enforces of the retries, faults and outlier detection the control
 * plane sends (gRFC A44 retries, A33 fault injection, A50 outlier
 * detection). One Service `flaky` with one pod (a gRPC server on
 * 127.0.0.4) that fails the first N attempts of a call with UNAVAILABLE, N
 * taken from the call's `x-fail-times` metadata; it counts attempts with
 * gRPC's own `grpc-previous-rpc-attempts` header, which a retrying client
 * adds, and answers `attempt <n>`.
 *
 * What the client cannot enforce is left out on purpose: Istio's
 * outlierDetection becomes consecutive-5xx / gateway-error ejection with
 * success-rate ejection off (enforcing_success_rate 0), and gRPC implements
 * only success-rate and failure-percentage ejection, so a proxyless client
 * accepts the cluster and ejects nothing. The last test pins that it
 * accepts it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Metadata, Server, ServerCredentials, credentials, status, type ServerUnaryCall, type ServiceError, type sendUnaryData } from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { FakeClock } from '@skiff/common';
import { openFileSource, type FileSource } from '@skiff/config';
import { startControlPlane, type ControlPlane } from '../src/server/control-plane.ts';
import type { SyncStatus } from '../src/xds/sync-status.ts';

const HOST = 'flaky.default.svc.cluster.local';
const TARGET = `xds:///${HOST}:9080`;
const NODE_ID = 'sidecar~127.0.0.1~resilience-client.default~default.svc.cluster.local';
const METHOD = '/skiff.test.Flaky/Call';
const bytes = { serialize: (s: string) => Buffer.from(s), deserialize: (b: Buffer) => b.toString() };

grpcXds.register();

/** Call id → attempts the server has seen for it. */
const attemptsSeen = new Map<string, number>();

async function startFlakyServer(ip: string): Promise<{ server: Server; port: number }> {
  const server = new Server();
  server.register(METHOD, (call: ServerUnaryCall<string, string>, callback: sendUnaryData<string>) => {
    const md = call.metadata;
    const previous = Number(md.get('grpc-previous-rpc-attempts')[0] ?? 0);
    const id = String(md.get('x-call-id')[0] ?? '');
    attemptsSeen.set(id, (attemptsSeen.get(id) ?? 0) + 1);
    const failTimes = Number(md.get('x-fail-times')[0] ?? 0);
    if (previous < failTimes) callback({ code: status.UNAVAILABLE, details: `failing attempt ${previous + 1} of ${failTimes}` });
    else callback(null, `attempt ${previous + 1}`);
  }, bytes.serialize, bytes.deserialize, 'unary');
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${ip}:0`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return { server, port };
}

const config = (port: number) => `apiVersion: v1
kind: Service
metadata: {name: flaky, namespace: default}
spec:
  clusterIP: 10.96.0.20
  selector: {app: flaky}
  ports: [{name: grpc, port: 9080, targetPort: grpc}]
---
apiVersion: v1
kind: Pod
metadata: {name: flaky-1, namespace: default, labels: {app: flaky}}
spec:
  containers: [{name: flaky, image: flaky, ports: [{name: grpc, containerPort: ${port}}]}]
status:
  phase: Running
  podIP: 127.0.0.4
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: flaky, namespace: default}
spec:
  host: flaky
  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: flaky, namespace: default}
spec:
  hosts: [flaky]
  http:
  - match: [{headers: {x-route: {exact: retry-3}}}]
    retries: {attempts: 3, retryOn: unavailable}
    route: [{destination: {host: flaky}}]
  - match: [{headers: {x-route: {exact: retry-on-deadline}}}]
    retries: {attempts: 3, retryOn: deadline-exceeded}
    route: [{destination: {host: flaky}}]
  - match: [{headers: {x-route: {exact: no-retry}}}]
    retries: {attempts: 0}
    route: [{destination: {host: flaky}}]
  - match: [{headers: {x-route: {exact: delay}}}]
    fault: {delay: {fixedDelay: 3s, percentage: {value: 100}}}
    route: [{destination: {host: flaky}}]
  - match: [{headers: {x-route: {exact: abort-http}}}]
    fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
    route: [{destination: {host: flaky}}]
  - route: [{destination: {host: flaky}}]
`;

describe('proxyless gRPC client (@grpc/grpc-js-xds): retries, faults and outlier detection', () => {
  let dir: string;
  let backend: { server: Server; port: number };
  let source: FileSource;
  let cp: ControlPlane;
  let client: Client;
  let nextId = 0;

  before(async () => {
    backend = await startFlakyServer('127.0.0.4');
    dir = await mkdtemp(join(tmpdir(), 'skiff-proxyless-resilience-'));
    await writeFile(join(dir, 'config.yaml'), config(backend.port));
    const clock = new FakeClock(Date.UTC(2025, 0, 1));
    source = await openFileSource({ paths: [dir], cwd: dir, clock, onReport: () => {} });
    cp = await startControlPlane({ source, xdsAddress: '127.0.0.1:0', monitoringAddress: '127.0.0.1:0', clock, log: () => {} });
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
    backend?.server.forceShutdown();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** One call on route `x-route` whose first `failTimes` attempts the server fails; resolves to its answer or the gRPC error. */
  function call(route: string, failTimes: number, deadlineMs = 10_000): Promise<{ id: string; answer?: string; error?: ServiceError }> {
    const id = `call-${++nextId}`;
    const md = new Metadata();
    md.set('x-route', route);
    md.set('x-fail-times', String(failTimes));
    md.set('x-call-id', id);
    return new Promise((resolve) => {
      client.makeUnaryRequest(METHOD, bytes.serialize, bytes.deserialize, 'hello', md, { deadline: Date.now() + deadlineMs }, (err: ServiceError | null, value?: string) =>
        resolve(err ? { id, error: err } : { id, answer: value }));
    });
  }

  async function syncz(): Promise<SyncStatus[]> {
    return (await (await fetch(`http://${cp.monitoringAddress}/debug/syncz`)).json()) as SyncStatus[];
  }

  it('retries UNAVAILABLE up to a VirtualService\'s 3 attempts (retryOn: unavailable): 3 failures become a success, 4 do not', async () => {
    const recovered = await call('retry-3', 3);
    assert.equal(recovered.error, undefined, recovered.error?.details);
    assert.equal(recovered.answer, 'attempt 4');
    const exhausted = await call('retry-3', 4);
    assert.equal(exhausted.error?.code, status.UNAVAILABLE);
    assert.equal(attemptsSeen.get(exhausted.id), 4, 'one try and three retries');
  });

  it('applies Istio\'s default retry policy (2 retries on unavailable) to a route without retries', async () => {
    assert.equal((await call('default', 2)).answer, 'attempt 3');
    const exhausted = await call('default', 3);
    assert.equal(exhausted.error?.code, status.UNAVAILABLE);
    assert.equal(attemptsSeen.get(exhausted.id), 3);
  });

  it('does not retry when retries are disabled (attempts: 0) or retryOn does not name the status', async () => {
    for (const route of ['no-retry', 'retry-on-deadline']) {
      const failed = await call(route, 1);
      assert.equal(failed.error?.code, status.UNAVAILABLE, route);
      assert.equal(attemptsSeen.get(failed.id), 1, route);
    }
  });

  it('delays calls on a fault-delay route before they reach the server (the deadline expires first)', async () => {
    // A 3 s delay against a 1 s deadline: grpc-js keeps the delay's timer after the deadline, so it is kept short.
    const delayed = await call('delay', 0, 1_000);
    assert.equal(delayed.error?.code, status.DEADLINE_EXCEEDED);
    assert.equal(attemptsSeen.get(delayed.id), undefined, 'the server never saw the call');
    assert.equal((await call('default', 0)).answer, 'attempt 1');
  });

  it('aborts calls on a fault-abort route with the gRPC status for HTTP 503 (UNAVAILABLE), without reaching the server', async () => {
    const aborted = await call('abort-http', 0);
    assert.equal(aborted.error?.code, status.UNAVAILABLE);
    assert.equal(attemptsSeen.get(aborted.id), undefined);
  });

  it('accepts the outlier-detection cluster (nothing NACKed), though gRPC enforces no consecutive-error ejection', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await call('no-retry', 1)).error?.code, status.UNAVAILABLE);
    assert.equal((await call('default', 0)).answer, 'attempt 1', 'the only endpoint was not ejected');
    const [s] = await syncz();
    assert.deepEqual(s.nacks, []);
    assert.equal(s.xds_status.CDS, 'SYNCED');
  });
});
