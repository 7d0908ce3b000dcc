/**
 * Route conflicts found while building RDS reach the operator: logged once
 * with the VirtualService names, and listed in /debug/push_status for the
 * connected proxies, through a real ADS stream and the monitoring port.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { FakeClock, seededRandom } from '@skiff/common';
import { createMemoryStore, parseManifests, type ConfigStore } from '@skiff/config';
import { FakeAdsClient } from '@skiff/testing';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { RouteConflicts } from './route-conflicts.ts';
import type { Proxy } from '../model/proxy.ts';

const CONFIG = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: app}
spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["*/shop.example.com"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: first, namespace: app, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/gw]
  http: [{route: [{destination: {host: web.app.svc.cluster.local}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: second, namespace: app, creationTimestamp: "2024-01-02T00:00:00Z"}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/gw]
  http: [{route: [{destination: {host: web.app.svc.cluster.local}}]}]
`;

let store: ConfigStore | undefined;
let cp: ControlPlane | undefined;
let client: FakeAdsClient | undefined;
afterEach(async () => {
  client?.close();
  await cp?.close();
  await store?.close();
  client = cp = store = undefined;
});

describe('route conflicts', () => {
  it('are logged with the VirtualService names and listed in /debug/push_status for the gateway that has them', async () => {
    store = createMemoryStore();
    for (const r of parseManifests(CONFIG, 'config.yaml').resources) await store.create(r.object);
    const log: string[] = [];
    cp = await startControlPlane({ source: store, xdsAddress: '127.0.0.1:0', monitoringAddress: '127.0.0.1:0', clock: new FakeClock(), random: seededRandom(1), log: (l) => log.push(l) });
    client = new FakeAdsClient({
      address: cp.xdsAddress,
      nodeId: 'router~10.1.9.9~ingress-1.istio-system~istio-system.svc.cluster.local',
      metadata: { NAMESPACE: 'istio-system', LABELS: { istio: 'ingressgateway' } },
      timeoutMs: 3000,
    });
    client.subscribe(TypeUrl.Listener);
    await client.next(TypeUrl.Listener);
    client.subscribe(TypeUrl.RouteConfiguration, ['http.8080']);
    const rds = await client.next(TypeUrl.RouteConfiguration);
    assert.deepEqual([...rds.resources.keys()], ['http.8080']);

    const conflictLines = log.filter((l) => l.startsWith('route conflict'));
    assert.equal(conflictLines.length, 1, log.join('\n'));
    assert.match(conflictLines[0], /^route conflict in VirtualService app\/second \(proxy ingress-1\.istio-system\): virtual host shop\.example\.com:8080: catch-all route .* is unreachable, app\/first already matches every request$/);

    const status = (await (await fetch(`http://${cp.monitoringAddress}/debug/push_status`)).json()) as { conflicts: { proxy: string; virtualService: string; message: string }[] };
    assert.deepEqual(status.conflicts.map((c) => [c.proxy, c.virtualService]), [['ingress-1.istio-system', 'app/second']]);
    assert.match(status.conflicts[0].message, /app\/first already matches every request/);

    client.close();
    client = undefined;
    await waitUntil(() => cp!.xds.connections().length === 0);
    const after = (await (await fetch(`http://${cp.monitoringAddress}/debug/push_status`)).json()) as { conflicts: unknown[] };
    assert.deepEqual(after.conflicts, [], 'a disconnected proxy is no longer listed');
  });
});

describe('RouteConflicts', () => {
  const proxy = (id: string) => ({ id }) as Proxy;
  const c = { virtualService: 'app/second', message: 'shadowed' };

  it('logs a conflict once while any proxy has it, again after it went away, and clears a proxy with none', () => {
    const log: string[] = [];
    const conflicts = new RouteConflicts((l) => log.push(l));
    conflicts.record(proxy('a.ns'), [c]);
    conflicts.record(proxy('b.ns'), [c]);
    conflicts.record(proxy('a.ns'), [c]);
    assert.equal(log.length, 1);
    assert.deepEqual(conflicts.list().map((x) => x.proxy), ['a.ns', 'b.ns']);
    conflicts.record(proxy('a.ns'), []);
    conflicts.record(proxy('b.ns'), []);
    assert.deepEqual(conflicts.list(), []);
    conflicts.record(proxy('a.ns'), [c]);
    assert.equal(log.length, 2);
    assert.deepEqual(conflicts.list((id) => id !== 'a.ns'), []);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setImmediate(r));
  }
}
