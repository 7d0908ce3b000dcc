/**
 * End to end, local mode (ADR 0004): the real control plane with a Service
 * `reviews` and three pods on 127.1.K.x, two in-process sidecars with
 * --local-capture (productpage, reviews-v1; their applications listen on
 * 127.2.K.x) and reviews-v2 without a sidecar (listening on its pod IP).
 * Traffic goes as it would on Kubernetes with iptables:
 * client → productpage's virtualOutbound (HTTP_PROXY) → 0.0.0.0_9080 and the
 * VirtualService's routes → reviews-v1's pod IP, captured by its sidecar →
 * virtualInbound → inbound|9080|| (ORIGINAL_DST) → the application address.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, seededRandom } from '@skiff/common';
import { openFileSource, type FileSource } from '@skiff/config';
import { startControlPlane, type ControlPlane } from '@skiff/control-plane/server/index.ts';
import { buildBootstrap } from '../src/bootstrap/index.ts';
import { ProxyServer } from '../src/proxy-server.ts';
import { until } from './harness.ts';

/** A per-process /24 in 127.1/16 and 127.2/16, so parallel runs do not share pod IPs. */
const K = 10 + (process.pid % 200);
const ip = (block: 1 | 2, host: number) => `127.${block}.${K}.${host}`;
const PRODUCTPAGE = { pod: ip(1, 1), app: ip(2, 1) };
const REVIEWS_V1 = { pod: ip(1, 2), app: ip(2, 2) };
const REVIEWS_V2 = { pod: ip(1, 3) };
const MYSQL = { pod: ip(1, 4) };
const PORT = 9080;

const mesh = (outboundPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY') => {
  const pod = (name: string, app: string, version: string, podIp: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default, labels: {app: ${app}, version: ${version}}}
spec: {containers: [{name: ${app}, image: ${app}, ports: [{containerPort: ${PORT}}]}]}
status: {phase: Running, podIP: ${podIp}, conditions: [{type: Ready, status: "True"}]}
`;
  return `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: ${PORT}, targetPort: ${PORT}}]
---
apiVersion: v1
kind: Service
metadata: {name: productpage, namespace: default}
spec:
  selector: {app: productpage}
  ports: [{name: http, port: ${PORT}, targetPort: ${PORT}}]
---
apiVersion: v1
kind: Service
metadata: {name: mysql-service, namespace: default}
spec:
  clusterIP: 10.96.0.50
  selector: {app: mysql}
  ports: [{name: tcp, port: 3306, targetPort: 3306}]
---
apiVersion: v1
kind: Pod
metadata: {name: mysql-1, namespace: default, labels: {app: mysql}}
spec: {containers: [{name: mysql, image: mysql, ports: [{containerPort: 3306}]}]}
status: {phase: Running, podIP: ${MYSQL.pod}, conditions: [{type: Ready, status: "True"}]}
${pod('productpage-1', 'productpage', 'v1', PRODUCTPAGE.pod)}${pod('reviews-v1', 'reviews', 'v1', REVIEWS_V1.pod)}${pod('reviews-v2', 'reviews', 'v2', REVIEWS_V2.pod)}---
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
  - match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - route: [{destination: {host: reviews, subset: v1}}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  outboundTrafficPolicy: {mode: ${outboundPolicy}}
`;
};

interface App {
  readonly name: string;
  readonly seen: { url: string; host: string; remoteAddress: string; requestId: string | undefined }[];
  readonly port: number;
  stop(): Promise<void>;
}

/** An application process stand-in: answers with its name, records what reached it and from where. */
async function app(name: string, host: string, port: number): Promise<App> {
  const seen: App['seen'] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', host: req.headers.host ?? '', remoteAddress: req.socket.remoteAddress ?? '', requestId: req.headers['x-request-id'] as string | undefined });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ upstream: name, path: req.url }));
    });
  });
  await new Promise<void>((r) => server.listen(port, host, r));
  return {
    name, seen, port: (server.address() as AddressInfo).port,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

function sidecar(cp: ControlPlane, name: string, appLabel: string, addr: { pod: string; app: string }, seed: number): ProxyServer {
  const bootstrap = buildBootstrap({ proxyType: 'sidecar', ip: addr.pod, podName: name, namespace: 'default', labels: { app: appLabel, version: 'v1' }, xdsAddress: cp.xdsAddress });
  if (!bootstrap.ok) throw new Error(bootstrap.errors.join());
  return new ProxyServer({ bootstrap: bootstrap.value, clock: new FakeClock(Date.UTC(2025, 0, 1)), random: seededRandom(seed), admin: false, localCapture: { podIp: addr.pod, appIp: addr.app } });
}

interface Reply { status: number; body: string; headers: http.IncomingHttpHeaders }

function collect(req: http.ClientRequest): Promise<Reply> {
  return new Promise((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What an application with HTTP_PROXY=http://POD_IP:15001 sends: Node's own proxy support (absolute-form requests). */
function viaHttpProxy(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  const agent = new http.Agent({ proxyEnv: { HTTP_PROXY: `http://${PRODUCTPAGE.pod}:15001` } } as http.AgentOptions);
  return collect(http.request(url, { agent, headers })).finally(() => agent.destroy());
}

describe('local capture end to end: HTTP_PROXY → sidecar → captured pod IP → application', () => {
  let dir: string;
  let source: FileSource;
  let cp: ControlPlane;
  let cpClock: FakeClock;
  let productpage: ProxyServer;
  let reviewsSidecar: ProxyServer;
  let v1: App;
  let v2: App;
  let outside: App;
  let mysql: App;

  before(async () => {
    v1 = await app('reviews-v1', REVIEWS_V1.app, PORT);
    v2 = await app('reviews-v2', REVIEWS_V2.pod, PORT);
    outside = await app('outside', '127.0.0.1', 0);
    mysql = await app('mysql', MYSQL.pod, 3306);
    dir = await mkdtemp(join(tmpdir(), 'skiff-local-capture-'));
    await writeFile(join(dir, 'mesh.yaml'), mesh('ALLOW_ANY'));
    cpClock = new FakeClock(Date.UTC(2025, 0, 1));
    source = await openFileSource({ paths: [dir], cwd: dir, clock: cpClock, fsWatch: false, pollIntervalMs: 0 });
    cp = await startControlPlane({ source, xdsAddress: '127.0.0.1:0', monitoringAddress: '127.0.0.1:0', clock: cpClock, random: seededRandom(1), log: () => {} });
    productpage = sidecar(cp, 'productpage-1', 'productpage', PRODUCTPAGE, 3);
    reviewsSidecar = sidecar(cp, 'reviews-v1', 'reviews', REVIEWS_V1, 4);
    await Promise.all([productpage.start(), reviewsSidecar.start()]);
    await until(() => productpage.listeners.address('virtualOutbound') !== null && reviewsSidecar.localCapture!.inbound.ports.includes(PORT), 'the sidecars to bind', 10_000);
    await reviewsSidecar.localCapture!.inbound.settled();
  });

  after(async () => {
    await productpage?.close();
    await reviewsSidecar?.close();
    await cp?.close();
    await source?.close();
    await Promise.all([v1?.stop(), v2?.stop(), outside?.stop(), mysql?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('binds virtualOutbound and virtualInbound on the pod IP and captures the service port there', () => {
    assert.deepEqual(productpage.listeners.address('virtualOutbound'), { address: PRODUCTPAGE.pod, family: 'IPv4', port: 15001 });
    assert.deepEqual(reviewsSidecar.listeners.address('virtualInbound'), { address: REVIEWS_V1.pod, family: 'IPv4', port: 15006 });
    assert.deepEqual(reviewsSidecar.localCapture!.inbound.ports, [PORT]);
  });

  it('forwards a connection to the pod IP through virtualInbound to the application address, from 127.0.0.6', async () => {
    const before = v1.seen.length;
    const r = await collect(http.request({ host: REVIEWS_V1.pod, port: PORT, path: '/inbound', headers: { host: `reviews:${PORT}` }, agent: false }));
    assert.equal(r.status, 200, r.body);
    assert.equal(JSON.parse(r.body).upstream, 'reviews-v1');
    const seen = v1.seen.slice(before);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].url, '/inbound');
    assert.equal(seen[0].remoteAddress, '127.0.0.6', 'inbound|9080|| binds upstream_bind_config 127.0.0.6');
    assert.ok(seen[0].requestId, 'the inbound HCM added x-request-id');
  });

  it('routes an absolute-form proxy request by the VirtualService: default to v1 through its sidecar, end-user jason to v2 (dialled from the pod IP)', async () => {
    const a = await viaHttpProxy(`http://reviews:${PORT}/reviews/1`);
    assert.equal(a.status, 200, a.body);
    assert.deepEqual(JSON.parse(a.body), { upstream: 'reviews-v1', path: '/reviews/1' });
    assert.equal(v1.seen.at(-1)!.host, `reviews:${PORT}`, 'Host kept');
    assert.equal(v1.seen.at(-1)!.remoteAddress, '127.0.0.6', 'reached v1 through its own sidecar');
    const b = await viaHttpProxy(`http://reviews:${PORT}/reviews/2`, { 'end-user': 'jason' });
    assert.equal(b.status, 200, b.body);
    assert.deepEqual(JSON.parse(b.body), { upstream: 'reviews-v2', path: '/reviews/2' });
    assert.equal(v2.seen.at(-1)!.remoteAddress, PRODUCTPAGE.pod, "v2 has no sidecar: it sees productpage's pod IP as the source, as on Kubernetes");
  });

  it("serves node's fetch with HTTP_PROXY (a CONNECT tunnel) in another process the same way", async () => {
    const script = `fetch('http://reviews:${PORT}/fetched', { headers: { 'end-user': 'jason' } }).then(async (r) => { process.stdout.write(r.status + ' ' + await r.text()); }, (e) => { process.stdout.write('error ' + e.cause?.message); });`;
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, NODE_USE_ENV_PROXY: '1', HTTP_PROXY: `http://${PRODUCTPAGE.pod}:15001` } }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
    assert.equal(out, `200 ${JSON.stringify({ upstream: 'reviews-v2', path: '/fetched' })}`);
  });

  it('answers CONNECT with 200 Connection established and carries the tunnel to the listener of its port', async () => {
    const socket = connect({ host: PRODUCTPAGE.pod, port: 15001 });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (text += c));
    socket.write(`CONNECT reviews:${PORT} HTTP/1.1\r\nHost: reviews:${PORT}\r\n\r\n`);
    await until(() => text.includes('\r\n\r\n'), 'the CONNECT reply');
    assert.equal(text, 'HTTP/1.1 200 Connection established\r\n\r\n');
    socket.write(`GET /tunnelled HTTP/1.1\r\nHost: reviews:${PORT}\r\nConnection: close\r\n\r\n`);
    await new Promise((r) => socket.once('close', r));
    assert.match(text, /\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    assert.ok(text.includes('"upstream":"reviews-v1"'), text);
  });

  it("reaches a TCP service by name through its ClusterIP listener (the pod's DNS search list applied)", async () => {
    assert.ok(productpage.listeners.address('10.96.0.50_3306') === null && productpage.xds.snapshot().listeners.has('10.96.0.50_3306'), 'a TCP listener for the ClusterIP, not bound');
    for (const name of ['mysql-service', 'mysql-service.default', 'mysql-service.default.svc.cluster.local']) {
      const r = await viaHttpProxy(`http://${name}:3306/q`);
      assert.equal(r.status, 200, `${name}: ${r.body}`);
      assert.deepEqual(JSON.parse(r.body), { upstream: 'mysql', path: '/q' });
    }
    assert.equal(mysql.seen.at(-1)!.remoteAddress, PRODUCTPAGE.pod);
  });

  it('passes a request for an unknown host:port through PassthroughCluster under ALLOW_ANY', async () => {
    const r = await viaHttpProxy(`http://127.0.0.1:${outside.port}/elsewhere`);
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(JSON.parse(r.body), { upstream: 'outside', path: '/elsewhere' });
  });

  it('answers 502 for a host outside the registry on a mesh HTTP port once the Sidecar says REGISTRY_ONLY', async () => {
    const unknown = `http://127.0.0.1:${PORT}/blocked`;
    assert.notEqual((await viaHttpProxy(unknown)).status, 502, 'ALLOW_ANY passes it through (to whatever 127.0.0.1:9080 is)');
    await writeFile(join(dir, 'mesh.yaml'), mesh('REGISTRY_ONLY'));
    await source.reload();
    let last: Reply | undefined;
    for (let i = 0; i < 200; i++) {
      cpClock.advance(1000);
      await new Promise((r) => setTimeout(r, 10));
      last = await viaHttpProxy(unknown);
      if (last.status === 502) break;
    }
    assert.equal(last?.status, 502, last?.body);
    const known = await viaHttpProxy(`http://reviews:${PORT}/still`);
    assert.equal(known.status, 200, 'services in the registry still work');
  });
});
