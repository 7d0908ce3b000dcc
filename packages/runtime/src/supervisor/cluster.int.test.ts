import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, systemRandom } from '@skiff/common';
import type { ResourceObject } from '@skiff/api';
import type { ConfigStore, StoredObject } from '@skiff/config';
import { BUILTIN_IMAGES } from '../images/resolve.ts';
import { startCluster, type Cluster } from './cluster.ts';
import { processAlive } from './cluster-files.ts';

/** A container that answers with its environment, listening where the runtime says (SKIFF_APP_IP). */
const ECHO_ENV = `require('http').createServer((q, s) => s.end(JSON.stringify(process.env))).listen(8080, process.env.SKIFF_APP_IP)`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    if (i > 1200) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function fetchText(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host, port, path: '/' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function deployment(name: string, namespace: string, replicas: number, script: string): ResourceObject & { spec: any } {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, version: 'v1' } },
        spec: {
          serviceAccountName: `${name}-sa`,
          containers: [{
            name,
            image: 'local/node',
            command: [process.execPath, '-e', script],
            env: [{ name: 'GREETING', value: 'hello $(POD_NAME)' }],
            ports: [{ containerPort: 8080 }],
            readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
          }],
        },
      },
    },
  };
}

async function pods(store: ConfigStore, namespace: string, app: string): Promise<StoredObject[]> {
  return (await store.list({ group: '', kind: 'Pod' }, { namespace, labelSelector: `app=${app}` })).items;
}

const ready = (p: StoredObject) => (p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

describe('the local cluster (in-process supervisor)', () => {
  let dir: string;
  let cluster: Cluster;
  const octet = 10 + Math.floor(Math.random() * 200);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-cluster-'));
    cluster = await startCluster({
      dataDir: dir,
      apiAddress: '127.0.0.1:0',
      xdsAddress: '127.0.0.1:0',
      monitoringAddress: '127.0.0.1:0',
      ingressHttpPort: await freePort(),
      ingressHttpsPort: await freePort(),
      podCidr: `127.${octet}.0.0/16`,
      clock: systemClock,
      random: systemRandom,
      baseEnv: { PATH: process.env.PATH ?? '' },
      localCapture: false,
      builtins: BUILTIN_IMAGES,
      backoff: { baseMs: 20, maxMs: 80 },
      maxGraceMs: 2000,
      onShutdownRequest: () => {},
      log: () => {},
    });
  });

  after(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the gateways as Ready pods in istio-system with pod IPs from the pod CIDR', async () => {
    const gw = await pods(cluster.store, 'istio-system', 'istio-ingressgateway');
    assert.equal(gw.length, 1);
    assert.ok(ready(gw[0]));
    assert.match((gw[0].status as { podIP: string }).podIP, new RegExp(`^127\\.${octet}\\.`));
    const svc = await cluster.store.get({ group: '', kind: 'Service', namespace: 'istio-system', name: 'istio-ingressgateway' });
    assert.deepEqual((svc?.spec as { ports: { port: number; targetPort: number }[] }).ports.filter((p) => p.port === 80 || p.port === 443).map((p) => [p.port, p.targetPort]), [[80, 8080], [443, 8443]]);
  });

  it('turns a Deployment into Ready pods named <deployment>-<hash>-<5>, each running with its identity in the environment', async () => {
    await cluster.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    await cluster.store.create(deployment('web', 'apps', 2, ECHO_ENV));
    const running = await until('two ready pods', async () => {
      const list = await pods(cluster.store, 'apps', 'web');
      return list.length === 2 && list.every(ready) ? list : undefined;
    });
    for (const pod of running) {
      assert.match(pod.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      const ip = (pod.status as { podIP: string }).podIP;
      assert.match(ip, new RegExp(`^127\\.${octet}\\.`));
      const env = JSON.parse(await fetchText(ip, 8080)) as Record<string, string>;
      assert.equal(env.POD_IP, ip);
      assert.equal(env.INSTANCE_IP, ip);
      assert.equal(env.SKIFF_APP_IP, ip, 'without a sidecar the application listens on the pod IP');
      assert.equal(env.POD_NAME, pod.metadata.name);
      assert.equal(env.POD_NAMESPACE, 'apps');
      assert.equal(env.SERVICE_ACCOUNT, 'web-sa');
      assert.equal(env.GREETING, `hello ${pod.metadata.name}`);
      assert.equal(env.HTTP_PROXY, undefined);
    }
    const d = await until('deployment status', async () => {
      const got = await cluster.store.get({ group: 'apps', kind: 'Deployment', namespace: 'apps', name: 'web' });
      return (got?.status as { readyReplicas?: number } | undefined)?.readyReplicas === 2 ? got : undefined;
    });
    assert.equal((d.status as { updatedReplicas: number }).updatedReplicas, 2);
  });

  it('replaces a deleted pod, and stops the deleted pod\'s process', async () => {
    const [victim] = await pods(cluster.store, 'apps', 'web');
    const pid = cluster.kubelet.worker('apps', victim.metadata.name)?.pids()[0];
    assert.ok(pid && processAlive(pid));
    await cluster.store.delete({ group: '', kind: 'Pod', namespace: 'apps', name: victim.metadata.name });
    await until('a replacement', async () => {
      const list = await pods(cluster.store, 'apps', 'web');
      return list.length === 2 && list.every(ready) && !list.some((p) => p.metadata.name === victim.metadata.name) ? list : undefined;
    });
    await until('the old process to exit', async () => (processAlive(pid) ? undefined : true));
  });

  it('restarts a crashing container with backoff and shows CrashLoopBackOff', async () => {
    await cluster.store.create(deployment('crash', 'apps', 1, 'process.exit(3)'));
    const seen = new Set<string>();
    const pod = await until('three restarts', async () => {
      const [p] = await pods(cluster.store, 'apps', 'crash');
      const cs = (p?.status as { containerStatuses?: { restartCount: number; state: { waiting?: { reason: string } }; lastState: { terminated?: { exitCode: number } } }[] } | undefined)?.containerStatuses?.[0];
      if (cs?.state.waiting) seen.add(cs.state.waiting.reason);
      return cs && cs.restartCount >= 3 ? cs : undefined;
    });
    assert.ok(seen.has('CrashLoopBackOff'), `saw ${[...seen].join(', ')}`);
    assert.equal(pod.lastState.terminated?.exitCode, 3);
    await cluster.store.delete({ group: 'apps', kind: 'Deployment', namespace: 'apps', name: 'crash' });
    await until('the crash pods to go', async () => ((await pods(cluster.store, 'apps', 'crash')).length === 0 ? true : undefined));
  });

  it('runs the built-in hashicorp/http-echo image on the pod\'s address', async () => {
    const d = deployment('echo', 'apps', 1, '');
    const c = (d.spec as any).template.spec.containers[0];
    delete c.command;
    c.image = 'hashicorp/http-echo:1.0';
    c.args = ['-text=hello from echo', '-listen=:8080'];
    await cluster.store.create(d);
    const [pod] = await until('a ready echo pod', async () => {
      const list = await pods(cluster.store, 'apps', 'echo');
      return list.length === 1 && list.every(ready) ? list : undefined;
    });
    assert.equal((await fetchText((pod.status as { podIP: string }).podIP, 8080)).trim(), 'hello from echo');
  });

  it('reports an image it cannot run as ErrImagePull with how to run your own process', async () => {
    const d = deployment('nodocker', 'apps', 1, '');
    ((d.spec as any).template.spec.containers[0]).command = undefined;
    ((d.spec as any).template.spec.containers[0]).image = 'example.com/not-built-in:1.0';
    await cluster.store.create(d);
    const waiting = await until('ErrImagePull', async () => {
      const [p] = await pods(cluster.store, 'apps', 'nodocker');
      const w = (p?.status as { containerStatuses?: { state: { waiting?: { reason: string; message: string } } }[] } | undefined)?.containerStatuses?.[0]?.state.waiting;
      return w?.reason === 'ErrImagePull' ? w : undefined;
    });
    assert.match(waiting.message, /image "example.com\/not-built-in:1.0" is not built into Skiff .*built in: hashicorp\/http-echo.*set the container's command/);
  });

  it('scales a Deployment down', async () => {
    const d = await cluster.store.get({ group: 'apps', kind: 'Deployment', namespace: 'apps', name: 'web' });
    await cluster.store.update({ ...d!, spec: { ...(d!.spec as object), replicas: 1 } });
    await until('one pod', async () => ((await pods(cluster.store, 'apps', 'web')).length === 1 ? true : undefined));
  });

  it('rolls out a new template: new pods Ready first, then the old ones go (rollout restart)', async () => {
    const old = (await pods(cluster.store, 'apps', 'web')).map((p) => p.metadata.name);
    const d = await cluster.store.get({ group: 'apps', kind: 'Deployment', namespace: 'apps', name: 'web' });
    const spec = structuredClone(d!.spec) as { template: { metadata: { annotations?: Record<string, string> } } };
    spec.template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' };
    await cluster.store.update({ ...d!, spec });
    const fresh = await until('only new pods, all Ready', async () => {
      const list = await pods(cluster.store, 'apps', 'web');
      return list.length === 1 && list.every(ready) && !list.some((p) => old.includes(p.metadata.name)) ? list : undefined;
    });
    assert.notEqual(fresh[0].metadata.labels?.['pod-template-hash'], old[0].split('-')[1]);
    const status = await until('status of the new generation', async () => {
      const got = await cluster.store.get({ group: 'apps', kind: 'Deployment', namespace: 'apps', name: 'web' });
      const st = got?.status as { observedGeneration?: number; updatedReplicas?: number; replicas?: number } | undefined;
      return st && st.observedGeneration === got!.metadata.generation && st.updatedReplicas === 1 && st.replicas === 1 ? st : undefined;
    });
    assert.equal(status.updatedReplicas, 1);
  });

  it('close() drains every pod: no container process is left', async () => {
    const pids = cluster.kubelet.pids();
    assert.ok(pids.length > 0);
    await cluster.close();
    for (const pid of pids) assert.equal(processAlive(pid), false, `pid ${pid} still runs`);
  });
});
