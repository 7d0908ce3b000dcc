import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, PASSTHROUGH_CLUSTER, VIRTUAL_INBOUND_LISTENER, VIRTUAL_OUTBOUND_LISTENER,
  clusterSni, gatewayRouteName, grpcListenerName, inboundClusterName, listenerName, listenerStatPrefix,
  outboundClusterName, outboundRouteName, parseOutboundRouteName, sniffedOutboundRouteName, parseClusterName, virtualHostName,
} from './names.ts';

describe('generated names', () => {
  it('names outbound clusters direction|port|subset|host', () => {
    assert.equal(outboundClusterName(80, 'v1', 'reviews.default.svc.cluster.local'), 'outbound|80|v1|reviews.default.svc.cluster.local');
    assert.equal(outboundClusterName(9080, '', 'reviews.default.svc.cluster.local'), 'outbound|9080||reviews.default.svc.cluster.local');
  });

  it('names inbound clusters by workload port only', () => {
    assert.equal(inboundClusterName(9080), 'inbound|9080||');
  });

  it('keeps the special cluster and listener names', () => {
    assert.deepEqual([PASSTHROUGH_CLUSTER, BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER], ['PassthroughCluster', 'BlackHoleCluster', 'InboundPassthroughCluster']);
    assert.deepEqual([VIRTUAL_OUTBOUND_LISTENER, VIRTUAL_INBOUND_LISTENER], ['virtualOutbound', 'virtualInbound']);
  });

  it('parses cluster names back, and rejects other names', () => {
    assert.deepEqual(parseClusterName('outbound|80|v1|reviews.default.svc.cluster.local'), { direction: 'outbound', port: 80, subset: 'v1', hostname: 'reviews.default.svc.cluster.local' });
    assert.deepEqual(parseClusterName('inbound|9080||'), { direction: 'inbound', port: 9080, subset: '', hostname: '' });
    assert.equal(parseClusterName('PassthroughCluster'), undefined);
    assert.equal(parseClusterName('sideways|80||x'), undefined);
    assert.equal(parseClusterName('outbound|http||x'), undefined);
  });

  it('builds the mTLS SNI as Istio does', () => {
    assert.equal(clusterSni({ direction: 'outbound', port: 80, subset: 'v1', hostname: 'reviews.default.svc.cluster.local' }), 'outbound_.80_.v1_.reviews.default.svc.cluster.local');
  });

  it('names listeners address_port and their stat prefixes', () => {
    assert.equal(listenerName('0.0.0.0', 80), '0.0.0.0_80');
    assert.equal(listenerName('10.0.0.1', 9080), '10.0.0.1_9080');
    assert.equal(listenerStatPrefix('outbound', '0.0.0.0', 80), 'outbound_0.0.0.0_80');
  });

  it('names route configurations and virtual hosts', () => {
    assert.equal(outboundRouteName(80), '80');
    assert.equal(sniffedOutboundRouteName('legacy.default.svc.cluster.local', 8000), 'legacy.default.svc.cluster.local:8000');
    assert.deepEqual(parseOutboundRouteName('80'), { port: 80 });
    assert.deepEqual(parseOutboundRouteName('legacy.default.svc.cluster.local:8000'), { port: 8000, sniffedHost: 'legacy.default.svc.cluster.local' });
    assert.equal(parseOutboundRouteName('http.8080'), undefined);
    assert.equal(parseOutboundRouteName('inbound|9080||'), undefined);
    const gw = { listenerPort: 8443, serverPort: 443, portName: 'https', gatewayName: 'bookinfo-gateway', gatewayNamespace: 'default', bind: '' };
    assert.equal(gatewayRouteName({ ...gw, kind: 'http', listenerPort: 8080, serverPort: 80 }), 'http.8080');
    assert.equal(gatewayRouteName({ ...gw, kind: 'https' }), 'https.443.https.bookinfo-gateway.default');
    assert.equal(gatewayRouteName({ ...gw, kind: 'http', listenerPort: 8080, bind: '10.0.0.1' }), 'http.8080.10.0.0.1');
    assert.equal(gatewayRouteName({ ...gw, kind: 'https', bind: '10.0.0.1' }), 'https.443.https.bookinfo-gateway.default.10.0.0.1');
    assert.equal(virtualHostName('reviews.default.svc.cluster.local', 9080), 'reviews.default.svc.cluster.local:9080');
    assert.equal(grpcListenerName('reviews.default.svc.cluster.local', 9080), 'reviews.default.svc.cluster.local:9080');
  });
});
