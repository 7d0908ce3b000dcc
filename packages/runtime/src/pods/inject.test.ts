import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { kube } from '@skiff/api';
import { injectionWanted, injectSidecar } from './inject.ts';

const pod = (labels: Record<string, string> = {}, annotations: Record<string, string> = {}): kube.Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', labels: { app: 'reviews', version: 'v2', ...labels }, annotations }, spec: { containers: [{ name: 'app', image: 'x' }] },
});

describe('sidecar injection (Istio\'s rules)', () => {
  it('injects when the namespace is labelled istio-injection=enabled or has an istio.io/rev', () => {
    assert.equal(injectionWanted(pod(), { 'istio-injection': 'enabled' }), true);
    assert.equal(injectionWanted(pod(), { 'istio.io/rev': 'canary' }), true);
    assert.equal(injectionWanted(pod(), {}), false);
  });

  it('lets the pod refuse with sidecar.istio.io/inject "false" (label or annotation), or ask with "true"', () => {
    assert.equal(injectionWanted(pod({ 'sidecar.istio.io/inject': 'false' }), { 'istio-injection': 'enabled' }), false);
    assert.equal(injectionWanted(pod({}, { 'sidecar.istio.io/inject': 'false' }), { 'istio-injection': 'enabled' }), false);
    assert.equal(injectionWanted(pod({ 'sidecar.istio.io/inject': 'true' }), {}), true);
  });

  it('never injects into a namespace labelled istio-injection=disabled, nor twice', () => {
    assert.equal(injectionWanted(pod({ 'sidecar.istio.io/inject': 'true' }), { 'istio-injection': 'disabled' }), false);
    const once = injectSidecar(pod(), { 'istio-injection': 'enabled' });
    assert.equal(injectSidecar(once, { 'istio-injection': 'enabled' }).spec?.containers?.length, 2);
  });

  it('adds the istio-proxy container, Istio\'s labels and status annotation, without touching the original', () => {
    const original = pod();
    const injected = injectSidecar(original, { 'istio-injection': 'enabled' });
    assert.deepEqual(injected.spec?.containers?.map((c) => c.name), ['app', 'istio-proxy']);
    assert.equal(injected.metadata.labels?.['security.istio.io/tlsMode'], 'istio');
    assert.equal(injected.metadata.labels?.['service.istio.io/canonical-name'], 'reviews');
    assert.equal(injected.metadata.labels?.['service.istio.io/canonical-revision'], 'v2');
    assert.deepEqual(JSON.parse(injected.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}').containers, ['istio-proxy']);
    assert.equal(original.spec?.containers?.length, 1);
  });
});
