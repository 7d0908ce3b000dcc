import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { lookupKind, type kube } from '@skiff/api';
import { parseManifests } from '../parse/manifests.ts';
import { defaultImagePullPolicy } from './kube.ts';
import { withDefaults } from './index.ts';

function parsedOne<T>(yaml: string): T {
  const { resources, issues } = parseManifests(yaml, 'file.yaml');
  assert.deepEqual(issues, []);
  return resources[0].object as unknown as T;
}

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
  - name: metrics
    port: 9090
    targetPort: 19090
    protocol: TCP
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: hashicorp/http-echo
        ports:
        - containerPort: 5678
      - name: pinned
        image: fortio/fortio:1.60.3
`;

describe('Kubernetes defaults', () => {
  it('fills Service type, session affinity, port protocol and targetPort', () => {
    const svc = parsedOne<kube.Service>(SERVICE);
    assert.equal(svc.spec.type, 'ClusterIP');
    assert.equal(svc.spec.sessionAffinity, 'None');
    assert.deepEqual(svc.spec.ports, [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'metrics', port: 9090, targetPort: 19090, protocol: 'TCP' },
    ]);
  });

  it('fills Deployment replicas, strategy, history and deadline, and the pod template', () => {
    const d = parsedOne<kube.Deployment>(DEPLOYMENT);
    assert.equal(d.spec.replicas, 1);
    assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.progressDeadlineSeconds, 600);
    const pod = d.spec.template!.spec!;
    assert.equal(pod.restartPolicy, 'Always');
    assert.equal(pod.dnsPolicy, 'ClusterFirst');
    assert.equal(pod.serviceAccountName, 'default');
    const [web, pinned] = pod.containers!;
    assert.equal(web.imagePullPolicy, 'Always');
    assert.equal(web.terminationMessagePath, '/dev/termination-log');
    assert.equal(web.ports![0].protocol, 'TCP');
    assert.equal(pinned.imagePullPolicy, 'IfNotPresent');
  });

  it('keeps values the manifest set', () => {
    const d = parsedOne<kube.Deployment>(DEPLOYMENT.replace('spec:\n  selector:', 'spec:\n  replicas: 3\n  strategy:\n    type: Recreate\n  selector:'));
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.strategy, { type: 'Recreate' });
  });

  it('defaults a Secret to Opaque', () => {
    const s = parsedOne<kube.Secret>('apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  a: b\n');
    assert.equal(s.type, 'Opaque');
  });

  it('leaves security kinds without defaults', () => {
    const yaml = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: STRICT\n';
    assert.deepEqual(parsedOne(yaml), parse(yaml));
  });

  it('does not mutate the input object', () => {
    const input = parse(SERVICE) as kube.Service;
    const before = structuredClone(input);
    const lookup = lookupKind('v1', 'Service');
    assert.ok(lookup.ok);
    const out = withDefaults(lookup.kind, input);
    assert.deepEqual(input, before);
    assert.notEqual(out, input);
    assert.equal((out as kube.Service).spec.type, 'ClusterIP');
  });

  const pullPolicies: [string, string][] = [
    ['nginx', 'Always'], ['nginx:latest', 'Always'], ['nginx:1.27', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'], ['localhost:5000/app:v2', 'IfNotPresent'], ['nginx@sha256:abc', 'IfNotPresent'],
  ];
  for (const [image, policy] of pullPolicies) {
    it(`pulls ${image} with ${policy}`, () => assert.equal(defaultImagePullPolicy(image), policy));
  }
});
