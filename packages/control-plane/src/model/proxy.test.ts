import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonToStruct } from '@skiff/api/envoy/struct.ts';
import { parseProxyNode } from './proxy.ts';

describe('parseProxyNode', () => {
  it('reads a sidecar id and Istio bootstrap metadata', () => {
    const result = parseProxyNode({
      id: 'sidecar~10.1.1.1~reviews-v1-abc.default~default.svc.cluster.local',
      metadata: jsonToStruct({
        LABELS: { app: 'reviews', version: 'v1' },
        NAMESPACE: 'default',
        SERVICE_ACCOUNT: 'bookinfo-reviews',
        CLUSTER_ID: 'cluster-1',
        ISTIO_VERSION: '1.22.0',
      }),
    });
    assert.ok(result.ok);
    assert.deepEqual(result.value, {
      id: 'reviews-v1-abc.default',
      type: 'sidecar',
      ipAddresses: ['10.1.1.1'],
      dnsDomain: 'default.svc.cluster.local',
      namespace: 'default',
      labels: { app: 'reviews', version: 'v1' },
      serviceAccount: 'bookinfo-reviews',
      clusterId: 'cluster-1',
      istioVersion: '1.22.0',
      metadata: result.value.metadata,
    });
  });

  it('reads a gateway (router) and defaults namespace from the id and cluster to Kubernetes', () => {
    const result = parseProxyNode({ id: 'router~10.1.1.9~istio-ingressgateway-1.istio-system~istio-system.svc.cluster.local' });
    assert.ok(result.ok);
    assert.equal(result.value.type, 'router');
    assert.equal(result.value.namespace, 'istio-system');
    assert.equal(result.value.clusterId, 'Kubernetes');
  });

  it('prefers INSTANCE_IPS over the id address', () => {
    const result = parseProxyNode({ id: 'sidecar~10.1.1.1~a.ns~ns.svc.cluster.local', metadata: jsonToStruct({ INSTANCE_IPS: '10.1.1.1,fd00::1' }) });
    assert.ok(result.ok);
    assert.deepEqual(result.value.ipAddresses, ['10.1.1.1', 'fd00::1']);
  });

  it('rejects a malformed id with every reason', () => {
    assert.deepEqual(parseProxyNode({ id: 'sidecar~10.1.1.1' }), { ok: false, errors: ['missing parts in the service node "sidecar~10.1.1.1"'] });
    const bad = parseProxyNode({ id: 'bogus~~~d' });
    assert.equal(bad.ok, false);
    assert.equal(bad.ok ? 0 : bad.errors.length, 3);
  });
});
