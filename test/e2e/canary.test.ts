/**
 * Seed 002's canary through the whole local data path, driven by the CLI:
 * ingress gateway on 127.0.0.1 → sidecar of each pod (inbound capture on
 * its pod IP) → the application on its 127.N+1 address. The applications
 * here are small Node servers (a `command` on this machine) rather than
 * hashicorp/http-echo, and a DestinationRule turns mTLS off: there is no
 * CA yet to issue the workload certificates auto mTLS would use.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { TestCluster, until } from './harness.ts';

const echo = (text: string) => `require('http').createServer((q, s) => s.end(${JSON.stringify(text)})).listen(8080, process.env.SKIFF_APP_IP)`;

const deployment = (version: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: user-service-${version}
  namespace: backend
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: user-service, version: ${version}}
  template:
    metadata:
      labels: {app: user-service, version: ${version}}
    spec:
      containers:
      - name: user-service
        image: local/node
        command: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(echo(`User Service ${version} Response`))}]
        ports:
        - containerPort: 8080
        readinessProbe:
          tcpSocket: {port: 8080}
          periodSeconds: 1
`;

const MANIFEST = [
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: backend\n  labels: {istio-injection: enabled}\n',
  deployment('v1', 2),
  deployment('v2', 1),
  'apiVersion: v1\nkind: Service\nmetadata: {name: user-service, namespace: backend}\nspec:\n  selector: {app: user-service}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n',
  'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: app-gateway, namespace: backend}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: ["*"]\n',
  'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: user-service, namespace: backend}\nspec:\n  hosts: ["*"]\n  gateways: [app-gateway]\n  http:\n  - match:\n    - uri: {prefix: /users}\n    route:\n    - destination: {host: user-service.backend.svc.cluster.local, subset: v1}\n      weight: 90\n    - destination: {host: user-service.backend.svc.cluster.local, subset: v2}\n      weight: 10\n',
  'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: user-service, namespace: backend}\nspec:\n  host: user-service.backend.svc.cluster.local\n  trafficPolicy:\n    tls: {mode: DISABLE}\n  subsets:\n  - name: v1\n    labels: {version: v1}\n  - name: v2\n    labels: {version: v2}\n',
].join('---\n');

function getUsers(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/users', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

describe('the 90/10 canary through the ingress gateway and the sidecars', () => {
  const c = new TestCluster();
  before(async () => {
    await c.ports();
    const up = await c.run(c.upArgs());
    assert.equal(up.code, 0, up.stderr);
  });
  after(() => c.cleanup());

  it('injects a sidecar into every pod: READY 2/2', async () => {
    const file = join(c.dir, 'canary.yaml');
    writeFileSync(file, MANIFEST);
    const r = await c.run(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    const table = await until('three pods 2/2 Running', async () => {
      const out = (await c.run(['get', 'pods', '-n', 'backend'])).stdout;
      return (out.match(/ 2\/2 +Running /g) ?? []).length === 3 ? out : undefined;
    });
    assert.match(table, /user-service-v1-\S+ +2\/2 +Running/);
    assert.match(table, /user-service-v2-\S+ +2\/2 +Running/);
  });

  it('splits 100 requests to /users 90/10 between v1 and v2 (±7)', async () => {
    await until('the route through the gateway', async () => ((await getUsers(c.httpPort)).status === 200 ? true : undefined));
    const counts = { v1: 0, v2: 0, other: [] as string[] };
    for (let i = 0; i < 100; i++) {
      const { status, body } = await getUsers(c.httpPort);
      if (status === 200 && body === 'User Service v1 Response') counts.v1++;
      else if (status === 200 && body === 'User Service v2 Response') counts.v2++;
      else counts.other.push(`${status} ${body}`);
    }
    assert.deepEqual(counts.other, [], JSON.stringify(counts));
    assert.ok(Math.abs(counts.v1 - 90) <= 7 && Math.abs(counts.v2 - 10) <= 7, JSON.stringify(counts));
  });
});
