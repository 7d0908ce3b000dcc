/**
 * End to end, what an operator sees: the real control plane with MeshConfig
 * accessLogFile (JSON) → the in-process sidecar → an HTTP request through its
 * outbound listener is logged in Istio's JSON format and counted as
 * istio_requests_total{reporter="source"} with the destination service, as
 * Istio's generated istio.stats and access_log configure it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, seededRandom } from '@skiff/common';
import { openFileSource, type FileSource } from '@skiff/config';
import { startControlPlane, type ControlPlane } from '@skiff/control-plane/server/index.ts';
import { buildBootstrap } from '../src/bootstrap/index.ts';
import { ProxyServer } from '../src/proxy-server.ts';
import { formatStatsPrometheus } from '../src/stats/index.ts';
import { echo, get, until, type Echo } from './harness.ts';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const mesh = (port: number, logFile: string) => `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: ${port}, targetPort: ${port}}]
---
apiVersion: v1
kind: Pod
metadata: {name: reviews-v1, namespace: default, labels: {app: reviews, version: v1}}
spec: {containers: [{name: reviews, image: reviews, ports: [{containerPort: ${port}}]}]}
status: {phase: Running, podIP: 127.0.0.2, conditions: [{type: Ready, status: "True"}]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress:
  - port: {number: ${port}, protocol: HTTP, name: http}
    captureMode: NONE
    hosts: [./*]
---
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: installed-state, namespace: istio-system}
spec:
  meshConfig:
    accessLogFile: ${logFile}
    accessLogEncoding: JSON
`;

describe('end to end: MeshConfig access log and Istio metrics from the real control plane', () => {
  let dir: string;
  let source: FileSource;
  let cp: ControlPlane;
  let proxy: ProxyServer;
  let upstream: Echo;
  let servicePort = 0;

  before(async () => {
    upstream = await echo('reviews-v1', '127.0.0.2');
    servicePort = upstream.port;
    dir = await mkdtemp(join(tmpdir(), 'skiff-telemetry-e2e-'));
    await writeFile(join(dir, 'mesh.yaml'), mesh(servicePort, join(dir, 'access.log')));
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    source = await openFileSource({ paths: [join(dir, 'mesh.yaml')], cwd: dir, clock });
    cp = await startControlPlane({ source, xdsAddress: '127.0.0.1:0', monitoringAddress: '127.0.0.1:0', clock, random: seededRandom(1), log: () => {} });
    const bootstrap = buildBootstrap({ proxyType: 'sidecar', ip: '127.0.0.1', podName: 'productpage-v1-6b746f74dc-9stvs', namespace: 'default', labels: { app: 'productpage', version: 'v1' }, xdsAddress: cp.xdsAddress });
    if (!bootstrap.ok) throw new Error(bootstrap.errors.join());
    proxy = new ProxyServer({ bootstrap: bootstrap.value, clock: new FakeClock(Date.UTC(2026, 0, 1)), random: seededRandom(3), admin: false, bindAddress: (l) => ({ host: l.address.address, port: 0 }) });
    await proxy.start();
    await until(() => proxy.listeners.address(`127.0.0.1_${servicePort}`) !== null, 'the outbound listener to bind', 10_000);
  });

  after(async () => {
    await proxy?.close();
    await cp?.close();
    await source?.close();
    await upstream?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('logs the request as Istio JSON and counts it with reporter source and the destination service', async () => {
    const port = proxy.listeners.address(`127.0.0.1_${servicePort}`)!.port;
    const r = await get(port, '/reviews/1', { host: `reviews:${servicePort}`, 'x-request-id': 'e2e-1' });
    assert.equal(r.status, 200, r.body);
    const st = proxy.xds.state();
    assert.deepEqual([...st.listeners.failed.values()].map((f) => `${f.name}: ${f.details}`), [], 'nothing NACKed');

    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 200 && line === undefined; i++) {
      const text = await readFile(join(dir, 'access.log'), 'utf8').catch(() => '');
      const found = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>).find((o) => o.request_id === 'e2e-1');
      if (found) line = found;
      else await new Promise((res) => setTimeout(res, 20));
    }
    assert.ok(line, 'an access log line for the request');
    const cluster = `outbound|${servicePort}||reviews.default.svc.cluster.local`;
    assert.deepEqual(
      [line.method, line.path, line.protocol, line.response_code, line.response_flags, line.upstream_cluster, line.upstream_host, line.authority],
      ['GET', '/reviews/1', 'HTTP/1.1', 200, null, cluster, `127.0.0.2:${servicePort}`, `reviews:${servicePort}`],
    );

    const prom = formatStatsPrometheus(proxy.stats.metrics());
    const series = prom.split('\n').find((l) => l.startsWith('istio_requests_total{')) ?? '';
    for (const label of ['reporter="source"', 'source_workload="productpage-v1"', 'source_app="productpage"', 'destination_service="reviews.default.svc.cluster.local"', 'destination_service_name="reviews"', 'destination_service_namespace="default"', 'response_code="200"', 'destination_workload="unknown"']) {
      assert.ok(series.includes(label), `${label} in ${series}`);
    }
    assert.ok(series.endsWith(' 1'), series);
  });
});
