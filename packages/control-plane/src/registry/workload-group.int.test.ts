import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@skiff/common';
import { createMemoryStore, formatIssue, parseManifests, type ConfigStore } from '@skiff/config';
import { configGen, sidecarProxy } from '@skiff/testing/config-gen.ts';
import { startControlPlane, type ControlPlane } from '../server/control-plane.ts';

const GROUP = `
apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata: {name: vm-group, namespace: default}
spec:
  metadata: {labels: {app: vm}}
  template: {serviceAccount: vm-sa, ports: {http: 8080}, network: vm-net}
`;
const ENTRY = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vm, namespace: default}
spec:
  hosts: [vm.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{number: 80, name: http, protocol: HTTP}]
  workloadSelector: {labels: {app: vm}}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm-1, namespace: default, annotations: {istio.io/autoRegistrationGroup: vm-group}}
spec: {address: 10.8.0.1}
`;
const CLUSTER = 'outbound|80||vm.default.svc.cluster.local';

describe('WorkloadGroup (no auto-registration in Skiff yet)', () => {
  let cp: ControlPlane | undefined;
  let store: ConfigStore | undefined;
  afterEach(async () => {
    await cp?.close();
    await store?.close();
    cp = undefined;
    store = undefined;
  });

  it('is validated like any config: a template with an address is an error', () => {
    const bad = parseManifests(GROUP.replace('template: {', 'template: {address: 10.0.0.1, '), 'group.yaml');
    assert.deepEqual(bad.issues.filter((i) => i.severity === 'error').map(formatIssue).map((t) => /address must not be set in workload group template/.test(t)), [true]);
    assert.deepEqual(parseManifests(GROUP, 'group.yaml').issues.filter((i) => i.severity === 'error'), []);
  });

  it('is kept in the registry but produces no endpoints and does not template the WorkloadEntries that name it', () => {
    const gen = configGen({ yaml: `${GROUP}---${ENTRY}` });
    assert.equal(gen.push.registry.workloadGroup('default', 'vm-group')?.spec?.template?.serviceAccount, 'vm-sa');
    const vm = gen.push.registry.workloads().find((w) => w.name === 'vm-1')!;
    assert.deepEqual([vm.labels, vm.serviceAccount, vm.network], [{}, 'default', ''], 'the entry is read as written');
    assert.deepEqual(gen.endpoints(sidecarProxy(), CLUSTER).endpoints, []);
    const labelled = configGen({ yaml: `${GROUP}---${ENTRY.replace('spec: {address: 10.8.0.1}', 'spec: {address: 10.8.0.1, labels: {app: vm}}')}` });
    assert.equal(labelled.endpoints(sidecarProxy(), CLUSTER).endpoints[0].lb_endpoints.length, 1, 'an entry with the labels itself is an endpoint');
  });

  it('shows in /debug/configz while /debug/registryz lists no endpoint for it', async () => {
    store = createMemoryStore();
    for (const doc of parseManifests(`${GROUP}---${ENTRY}`, 'vm.yaml').resources) await store.create(doc.object);
    cp = await startControlPlane({ source: store, xdsAddress: '127.0.0.1:0', monitoringAddress: '127.0.0.1:0', clock: new FakeClock(), log: () => {} });
    const get = async (path: string) => (await fetch(`http://${cp!.monitoringAddress}${path}`)).json();
    const configz = (await get('/debug/configz')) as { kind: string; metadata: { name: string }; spec?: { template?: { serviceAccount?: string } } }[];
    const group = configz.find((o) => o.kind === 'WorkloadGroup');
    assert.equal(group?.metadata.name, 'vm-group');
    assert.equal(group?.spec?.template?.serviceAccount, 'vm-sa');
    const registry = (await get('/debug/registryz')) as { hostname: string; endpoints: unknown[] }[];
    assert.deepEqual(registry.find((s) => s.hostname === 'vm.default.svc.cluster.local')?.endpoints, []);
  });
});
