/**
 * `skiff up` / `apply` / `get` / `logs` / `down` through the CLI, as a user
 * runs them: a detached supervisor, pods as processes, the state surviving
 * `down` + `up`, and no orphan after `kill -9` of the supervisor.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { alive, TestCluster, until } from './harness.ts';

const APP = `require('http').createServer((q, s) => s.end(JSON.stringify({ pid: process.pid, name: process.env.POD_NAME }))).listen(8080, process.env.SKIFF_APP_IP, () => console.log('listening on ' + process.env.SKIFF_APP_IP + ':8080'))`;

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: apps
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: local/node
        command: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(APP)}]
        ports:
        - containerPort: 8080
        readinessProbe:
          httpGet: {path: /, port: 8080}
          periodSeconds: 1
`;

interface PodJson { metadata: { name: string }; status?: { podIP?: string; conditions?: { type: string; status: string }[] } }

function appPid(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: ip, port: 8080, path: '/' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve((JSON.parse(body) as { pid: number }).pid));
    }).on('error', reject);
  });
}

describe('skiff up / down through the CLI', () => {
  const c = new TestCluster();
  let manifest: string;

  const readyPods = async (): Promise<PodJson[] | undefined> => {
    const r = await c.run(['get', 'pods', '-n', 'apps', '-o', 'json']);
    const items = (JSON.parse(r.stdout || '{"items":[]}') as { items: PodJson[] }).items;
    return items.length === 2 && items.every((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) ? items : undefined;
  };

  before(async () => {
    await c.ports();
    manifest = join(c.dir, 'web.yaml');
    writeFileSync(manifest, MANIFEST);
  });
  after(() => c.cleanup());

  it('starts a detached cluster, prints what runs where and returns', async () => {
    const r = await c.run(c.upArgs());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /API server: +http:\/\/127\.0\.0\.1:\d+/);
    assert.match(r.stdout, new RegExp(`ingress gateway: +http://127\\.0\\.0\\.1:${c.httpPort} \\(port 80\\)`));
    assert.ok(alive(c.supervisorPid()!));
    const pods = await c.run(['get', 'pods', '-n', 'istio-system']);
    assert.match(pods.stdout, /^NAME +READY +STATUS +RESTARTS +AGE\n/);
    assert.match(pods.stdout, /istio-ingressgateway-\S+ +1\/1 +Running +0 /);
    assert.match(pods.stdout, /istio-egressgateway-\S+ +1\/1 +Running +0 /);
  });

  it('applies manifests and runs their pods, shown with kubectl\'s columns', async () => {
    const r = await c.run(['apply', '-f', manifest]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'namespace/apps created\ndeployment.apps/web created\n');
    await until('two ready pods', readyPods);
    const table = await c.run(['get', 'pods', '-n', 'apps', '-o', 'wide']);
    assert.match(table.stdout, new RegExp(`web-\\S+ +1/1 +Running +0 +\\S+ +127\\.${c.octet}\\.\\d+\\.\\d+ +skiff-local`));
    const deploy = await c.run(['get', 'deploy', '-n', 'apps']);
    assert.match(deploy.stdout, /^NAME +READY +UP-TO-DATE +AVAILABLE +AGE\nweb +2\/2 +2 +2 +/);
    const again = await c.run(['apply', '-f', manifest]);
    assert.equal(again.stdout, 'namespace/apps unchanged\ndeployment.apps/web unchanged\n');
  });

  it('prints a container\'s output with logs', async () => {
    const [pod] = (await readyPods())!;
    const r = await until('a log line', async () => {
      const out = await c.run(['logs', pod.metadata.name, '-n', 'apps']);
      return out.stdout.includes('listening on') ? out : undefined;
    });
    assert.match(r.stdout, new RegExp(`listening on ${pod.status!.podIP!.replaceAll('.', '\\.')}:8080`));
  });

  it('rejects a bad manifest with file:line and the field, applies nothing, exits 1 without a stack trace', async () => {
    const bad = join(c.dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: broken\n  namespace: apps\nspec:\n  hosts: [web]\n  http:\n  - route:\n    - destination: {host: web}\n      weight: 150\n');
    const r = await c.run(['apply', '-f', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${bad.replaceAll('.', '\\.')}:\\d+:\\d+: error: .*weight`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const vs = await c.run(['get', 'vs', '-n', 'apps']);
    assert.match(vs.stderr, /No resources found in apps namespace/);
  });

  it('down stops everything: supervisor and pods gone; up brings the same pods back', async () => {
    const before = (await readyPods())!;
    const pids = await Promise.all(before.map((p) => appPid(p.status!.podIP!)));
    const supervisor = c.supervisorPid()!;
    const down = await c.run(['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(alive(supervisor), false);
    for (const pid of pids) assert.equal(alive(pid), false, `container pid ${pid} still runs`);
    const get = await c.run(['get', 'pods']);
    assert.equal(get.code, 1);
    assert.match(get.stderr, /^Error: (no local cluster is running|the local cluster in .* is not running)/);

    const up = await c.run(c.upArgs());
    assert.equal(up.code, 0, up.stderr);
    const after = await until('the pods back', readyPods);
    assert.deepEqual(after.map((p) => [p.metadata.name, p.status!.podIP]).sort(), before.map((p) => [p.metadata.name, p.status!.podIP]).sort());
  });

  it('kill -9 of the supervisor leaves no container running, and loses no applied object', async () => {
    const pods = (await readyPods())!;
    const pids = await Promise.all(pods.map((p) => appPid(p.status!.podIP!)));
    const svc = await c.run(['apply', '-f', '-'], 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  selector: {app: web}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n');
    assert.equal(svc.stdout, 'service/web created\n');
    process.kill(c.supervisorPid()!, 'SIGKILL');
    for (const pid of pids) await until(`container pid ${pid} to exit`, () => (alive(pid) ? undefined : true));
    const up = await c.run(c.upArgs());
    assert.equal(up.code, 0, up.stderr);
    const got = await c.run(['get', 'svc', 'web', '-n', 'apps', '-o', 'name']);
    assert.equal(got.stdout, 'service/web\n');
    await until('the pods back', readyPods);
  });

  it('refuses to start a second cluster on a port in use, with a clear error', async () => {
    const other = new TestCluster();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    try {
      await other.ports();
      other.httpPort = (blocker.address() as { port: number }).port;
      const r = await other.run(other.upArgs());
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`cannot bind 127\\.0\\.0\\.1:${other.httpPort} for the ingress gateway \\(--ingress-http-port\\): address already in use`));
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    } finally {
      blocker.close();
      await other.cleanup();
    }
  });
});
