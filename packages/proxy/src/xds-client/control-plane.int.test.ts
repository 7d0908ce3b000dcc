/**
 * End to end against Skiff's real control plane: a file source on a temp
 * directory → startControlPlane → this client as a sidecar. Everything the
 * control plane builds for the sidecar must parse, validate and warm here,
 * and every type must show SYNCED in /debug/syncz (no NACKs).
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, seededRandom } from '@skiff/common';
import { openFileSource, type FileSource } from '@skiff/config';
import { startControlPlane, type ControlPlane } from '@skiff/control-plane/server/index.ts';
import { snapshotWhere, startClient, type TestClient } from './test/fixtures.ts';

const pod = (name: string, version: string, ip: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default, labels: {app: reviews, version: ${version}}}
spec: {containers: [{name: reviews, image: reviews, ports: [{containerPort: 9080}]}]}
status: {phase: Running, podIP: ${ip}, conditions: [{type: Ready, status: "True"}]}
`;

const MESH = `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
${pod('reviews-v1', 'v1', '10.1.0.1')}${pod('reviews-v2', 'v2', '10.1.0.2')}---
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
`;

const HOST = 'reviews.default.svc.cluster.local';

let dir: string | undefined;
let source: FileSource | undefined;
let cp: ControlPlane | undefined;
let t: TestClient | undefined;
afterEach(async () => {
  t?.client.close();
  await cp?.close();
  await source?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  t = cp = source = dir = undefined;
});

describe('xDS client against the real control plane', () => {
  for (const protocol of ['sotw', 'delta'] as const) {
    it(`accepts everything the control plane builds for a sidecar (${protocol}) and every type shows SYNCED`, async () => {
      dir = await mkdtemp(join(tmpdir(), 'skiff-proxy-e2e-'));
      await writeFile(join(dir, 'mesh.yaml'), MESH);
      const clock = new FakeClock(Date.UTC(2025, 0, 1));
      source = await openFileSource({ paths: [dir], cwd: dir, clock });
      cp = await startControlPlane({ source, xdsAddress: '127.0.0.1:0', monitoringAddress: '127.0.0.1:0', clock, random: seededRandom(1), log: () => {} });
      t = startClient(cp.xdsAddress, { protocol });
      const s = await snapshotWhere(t.client, (x) => x.initialized, 'initialized');

      assert.deepEqual(t.log.filter((l) => l.includes('rejected')), [], 'no NACKs');
      for (const name of [`outbound|9080||${HOST}`, `outbound|9080|v1|${HOST}`, `outbound|9080|v2|${HOST}`]) {
        assert.ok(s.clusters.has(name), `cluster ${name}`);
      }
      const v1 = s.clusters.get(`outbound|9080|v1|${HOST}`)!.config;
      assert.deepEqual(s.endpoints.get(v1.edsServiceName!)?.config.localities.flatMap((l) => l.lbEndpoints.map((e) => e.address.address)), ['10.1.0.1']);
      assert.ok(s.listeners.has('0.0.0.0_9080'), [...s.listeners.keys()].join());
      assert.ok(s.listeners.has('virtualOutbound'));
      const route = s.routes.get('9080')?.config;
      const reviewsHost = route?.virtualHosts.find((vh) => vh.domains.includes(HOST));
      const action = reviewsHost?.routes[0].action;
      assert.deepEqual(action?.type === 'route' && action.route.clusterSpecifier.kind === 'weightedClusters' ? action.route.clusterSpecifier.clusters.map((c) => [c.name, c.weight]) : action,
        [[`outbound|9080|v1|${HOST}`, 90], [`outbound|9080|v2|${HOST}`, 10]]);
      assert.equal(s.warmingClusters.size + s.warmingListeners.size, 0);

      type Sync = { proxy: string; xds_status: Record<string, string> };
      let mine: Sync | undefined;
      const deadline = Date.now() + 5000;
      for (;;) {
        const syncz = await (await fetch(`http://${cp.monitoringAddress}/debug/syncz`)).json() as Sync[];
        mine = syncz.find((x) => x.proxy === 'productpage-abc.default');
        if (mine && ['CDS', 'EDS', 'LDS', 'RDS'].every((k) => mine!.xds_status[k] === 'SYNCED')) break;
        if (Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.deepEqual({ CDS: mine?.xds_status.CDS, EDS: mine?.xds_status.EDS, LDS: mine?.xds_status.LDS, RDS: mine?.xds_status.RDS },
        { CDS: 'SYNCED', EDS: 'SYNCED', LDS: 'SYNCED', RDS: 'SYNCED' });
    });
  }
});
