import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodePeerMetadata, encodePeerMetadata, workloadFromMetadata, workloadNameFromPodName } from './workload.ts';
import { serviceFromClusterName } from './labels.ts';

describe('Istio workload metadata', () => {
  it('derives the workload name from a Deployment pod name when WORKLOAD_NAME is absent', () => {
    assert.equal(workloadNameFromPodName('reviews-v1-545db77b95-x7k2p'), 'reviews-v1');
    assert.equal(workloadNameFromPodName('ratings-x7k2p'), 'ratings');
    assert.equal(workloadNameFromPodName('standalone'), 'standalone');
  });

  it("uses Istio's canonical service and revision label precedence", () => {
    const w = workloadFromMetadata({ NAMESPACE: 'shop', LABELS: { app: 'cart', 'app.kubernetes.io/version': '2.1', 'service.istio.io/canonical-name': 'cart-svc' } }, 'sidecar~127.1.0.4~cart-5d8f9c7b6a-qwert.shop~shop.svc.cluster.local');
    assert.deepEqual([w.podName, w.namespace, w.workloadName, w.canonicalService, w.canonicalRevision], ['cart-5d8f9c7b6a-qwert', 'shop', 'cart', 'cart-svc', '2.1']);
  });

  it('round-trips the x-envoy-peer-metadata header and ignores a malformed one', () => {
    const header = encodePeerMetadata({ id: 'sidecar~127.1.0.2~web-abcdefghij-klmno.prod~prod.svc.cluster.local', metadata: { LABELS: { app: 'web', version: 'v3' }, CLUSTER_ID: 'Kubernetes' } });
    const peer = decodePeerMetadata(header);
    assert.deepEqual([peer?.workloadName, peer?.namespace, peer?.app, peer?.version, peer?.clusterId], ['web', 'prod', 'web', 'v3', 'Kubernetes']);
    assert.equal(decodePeerMetadata('%%% not base64 protobuf'), undefined);
  });

  it("reads the service from an Istio cluster name, not from Envoy's special clusters", () => {
    assert.deepEqual(serviceFromClusterName('outbound|9080|v1|reviews.default.svc.cluster.local'), { host: 'reviews.default.svc.cluster.local', name: 'reviews', namespace: 'default' });
    assert.equal(serviceFromClusterName('PassthroughCluster'), undefined);
    assert.equal(serviceFromClusterName('inbound|9080||'), undefined);
  });
});
