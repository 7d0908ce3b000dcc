/**
 * End to end: the real control plane (startControlPlane on a temp dir with a
 * Service, two "pods" on 127.0.0.2 and 127.0.0.3 with echo servers bound
 * there, DestinationRule subsets, VirtualService 90/10, a Sidecar egress
 * listener with captureMode NONE so the outbound listener binds) → the
 * in-process proxy `skiff proxy sidecar` runs → HTTP requests through its
 * outbound listener reach the right upstreams in the right proportion.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, seededRandom } from '@skiff/common';
import { openFileSource, type FileSource } from '@skiff/config';
import { startControlPlane, type ControlPlane } from '@skiff/control-plane/server/index.ts';
import { buildBootstrap } from '../src/bootstrap/index.ts';
import { ProxyServer } from '../src/proxy-server.ts';
import { echo, get, until, type Echo } from './harness.ts';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const mesh = (port: number) => {
  const pod = (name: string, version: string, ip: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default, labels: {app: reviews, version: ${version}}}
spec: {containers: [{name: reviews, image: reviews, ports: [{containerPort: ${port}}]}]}
status: {phase: Running, podIP: ${ip}, conditions: [{type: Ready, status: "True"}]}
`;
  return `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: ${port}, targetPort: ${port}}]
${pod('reviews-v1', 'v1', '127.0.0.2')}${pod('reviews-v2', 'v2', '127.0.0.3')}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 90}
    - {destination: {host: reviews, subset: v2}, weight: 10}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress:
  - port: {number: ${port}, protocol: HTTP, name: http}
    captureMode: NONE
    hosts: [./*]
`;
};

describe('end to end: real control plane → proxy → upstream pods', () => {
  let dir: string;
  let source: FileSource;
  let cp: ControlPlane;
  let proxy: ProxyServer;
  let v1: Echo;
  let v2: Echo;
  let servicePort = 0;

  before(async () => {
    servicePort = await freePort();
    // The pods' "containers": echo servers on their pod IPs, the Service's target port.
    v1 = await echoOn('v1', '127.0.0.2', servicePort);
    v2 = await echoOn('v2', '127.0.0.3', servicePort);
    dir = await mkdtemp(join(tmpdir(), 'skiff-proxy-e2e-'));
    await writeFile(join(dir, 'mesh.yaml'), mesh(servicePort));
    const clock = new FakeClock(Date.UTC(2025, 0, 1));
    source = await openFileSource({ paths: [dir], cwd: dir, clock });
    cp = await startControlPlane({ source, xdsAddress: '127.0.0.1:0', monitoringAddress: '127.0.0.1:0', clock, random: seededRandom(1), log: () => {} });
    const bootstrap = buildBootstrap({ proxyType: 'sidecar', ip: '127.0.0.1', podName: 'productpage-1', namespace: 'default', labels: { app: 'productpage' }, xdsAddress: cp.xdsAddress });
    if (!bootstrap.ok) throw new Error(bootstrap.errors.join());
    // Every listener binds port 0 here, so parallel test runs never clash on 15001/15006.
    proxy = new ProxyServer({ bootstrap: bootstrap.value, clock: new FakeClock(Date.UTC(2025, 0, 1)), random: seededRandom(3), admin: false, bindAddress: (l) => ({ host: l.address.address, port: 0 }) });
    await proxy.start();
    await until(() => proxy.listeners.address(`127.0.0.1_${servicePort}`) !== null, 'the outbound listener to bind', 10_000);
  });

  after(async () => {
    await proxy?.close();
    await cp?.close();
    await source?.close();
    await Promise.all([v1?.stop(), v2?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sends 90/10 of the requests for reviews to the v1/v2 pods through the outbound listener', async () => {
    const port = proxy.listeners.address(`127.0.0.1_${servicePort}`)!.port;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 400; i += 40) {
      const batch = await Promise.all(Array.from({ length: 40 }, () => get(port, '/reviews/1', { host: `reviews:${servicePort}` }, agent)));
      for (const r of batch) {
        assert.equal(r.status, 200, r.body);
        const u = JSON.parse(r.body).upstream as string;
        counts[u] = (counts[u] ?? 0) + 1;
      }
    }
    agent.destroy();
    assert.ok((counts.v1 ?? 0) >= 340 && (counts.v1 ?? 0) <= 380, JSON.stringify(counts));
    assert.equal((counts.v1 ?? 0) + (counts.v2 ?? 0), 400);
    assert.equal(v1.seen[0].headers.host, `reviews:${servicePort}`);
    const st = proxy.xds.state();
    assert.deepEqual([...st.listeners.failed.values(), ...st.clusters.failed.values(), ...st.routes.failed.values()].map((f) => `${f.name}: ${f.details}`), [], 'nothing NACKed');
  });
});

async function echoOn(name: string, host: string, port: number): Promise<Echo> {
  const e = await echo(name, host);
  if (e.port === port) return e;
  await e.stop();
  return echoAt(name, host, port);
}

/** An echo server on a fixed host:port (the pod IP and container port the control plane advertises). */
async function echoAt(name: string, host: string, port: number): Promise<Echo> {
  const seen: Echo['seen'] = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ upstream: name, path: req.url, host: req.headers.host }));
    });
  });
  await new Promise<void>((r) => server.listen(port, host, r));
  return {
    name, host, port, seen, statuses: [], held: 0, release() {},
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
