import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { kube } from '@skiff/api';
import { configGen } from '@skiff/testing/config-gen.ts';
import { podTlsMode, tlsModeOfLabels } from './sidecar-presence.ts';

const pod = (labels: Record<string, string>, containers: string[] = ['app'], annotations: Record<string, string> = {}): kube.Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', labels, annotations },
  spec: { containers: containers.map((name) => ({ name, image: name })) },
});

describe('sidecar presence (endpoint tlsMode)', () => {
  it('takes the security.istio.io/tlsMode label first, whatever else the pod says', () => {
    assert.equal(podTlsMode(pod({ 'security.istio.io/tlsMode': 'istio' }), {}), 'istio');
    assert.equal(podTlsMode(pod({ 'security.istio.io/tlsMode': 'disabled' }, ['app', 'istio-proxy']), {}), 'disabled');
    assert.equal(tlsModeOfLabels({}), undefined);
    assert.equal(tlsModeOfLabels({ 'security.istio.io/tlsMode': 'mutual' }), 'disabled');
  });

  it('counts an istio-proxy container, including a native sidecar', () => {
    assert.equal(podTlsMode(pod({}, ['app', 'istio-proxy']), {}), 'istio');
    const native = pod({});
    native.spec = { ...native.spec, initContainers: [{ name: 'istio-proxy', image: 'proxy', restartPolicy: 'Always' }] };
    assert.equal(podTlsMode(native, {}), 'istio');
    assert.equal(podTlsMode(pod({}), {}), 'disabled');
  });

  it('follows injection requests: pod label or annotation, namespace label or revision, pod opt-out', () => {
    assert.equal(podTlsMode(pod({ 'sidecar.istio.io/inject': 'true' }), {}), 'istio');
    assert.equal(podTlsMode(pod({}, ['app'], { 'sidecar.istio.io/inject': 'true' }), {}), 'istio');
    assert.equal(podTlsMode(pod({}), { 'istio-injection': 'enabled' }), 'istio');
    assert.equal(podTlsMode(pod({}), { 'istio.io/rev': 'canary' }), 'istio');
    assert.equal(podTlsMode(pod({}), { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }), 'disabled');
    assert.equal(podTlsMode(pod({ 'sidecar.istio.io/inject': 'false' }), { 'istio-injection': 'enabled' }), 'disabled');
    assert.equal(podTlsMode(pod({ 'sidecar.istio.io/inject': 'true' }), { 'istio-injection': 'disabled' }), 'istio');
  });

  it('reads Namespace labels from the snapshot, and WorkloadEntry labels only', () => {
    const gen = configGen({ yaml: `
apiVersion: v1
kind: Namespace
metadata: {name: mesh, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: mesh, labels: {app: a}, annotations: {skiff.test/ip: 10.0.0.1}}
spec: {containers: [{name: app, image: app}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: plain, labels: {app: b}, annotations: {skiff.test/ip: 10.0.0.2}}
spec: {containers: [{name: app, image: app}]}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm, namespace: plain}
spec: {address: 10.0.0.3, labels: {security.istio.io/tlsMode: istio}}
` });
    const modes = Object.fromEntries(gen.push.registry.workloads().map((w) => [w.name, w.tlsMode]));
    assert.deepEqual(modes, { a: 'istio', b: 'disabled', vm: 'istio' });
  });
});
