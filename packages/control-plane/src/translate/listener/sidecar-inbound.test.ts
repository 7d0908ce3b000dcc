import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configGen, sidecarProxy } from '@skiff/testing/config-gen.ts';
import type { FilterChainWire } from './wire.ts';

const WORKLOAD = `
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec:
  selector: {app: reviews}
  clusterIP: 10.96.0.10
  ports: [{name: http, port: 80, targetPort: 9080}, {name: tcp-metrics, port: 7070}]
---
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, labels: {app: reviews}, annotations: {skiff.test/ip: 10.1.1.1}}
spec: {containers: [{name: app, image: reviews}]}
`;
const proxy = sidecarProxy({ ip: '10.1.1.1', labels: { app: 'reviews' } });
/** The chain's terminal network filter (Istio puts istio.stats before a tcp_proxy). */
const first = (c: FilterChainWire) => c.filters[c.filters.length - 1].typed_config as Record<string, any>;

describe('sidecar virtualInbound listener', () => {
  it('listens on 15006 with original_dst and a chain per workload target port', () => {
    const l = configGen({ yaml: WORKLOAD }).listener(proxy, 'virtualInbound');
    assert.deepEqual(l.address, { socket_address: { address: '0.0.0.0', port_value: 15006 } });
    assert.equal(l.traffic_direction, 'INBOUND');
    assert.equal(l.listener_filters?.[0].name, 'envoy.filters.listener.original_dst');
    const ports = l.filter_chains.map((c) => c.filter_chain_match?.destination_port?.value).filter((p) => p !== undefined && p !== 15006);
    assert.deepEqual(ports, [7070, 9080]);
  });

  it('terminates HTTP ports in an HCM with an inline route to inbound|<port>||', () => {
    const l = configGen({ yaml: WORKLOAD }).listener(proxy, 'virtualInbound');
    const chain = l.filter_chains.find((c) => c.filter_chain_match?.destination_port?.value === 9080)!;
    assert.equal(chain.name, '0.0.0.0_9080');
    assert.equal(chain.filter_chain_match?.transport_protocol, 'raw_buffer');
    const hcm = first(chain);
    assert.equal(hcm.stat_prefix, 'inbound_0.0.0.0_9080;');
    assert.equal(hcm.route_config.name, 'inbound|9080||');
    assert.deepEqual(hcm.route_config.virtual_hosts[0].domains, ['*']);
    assert.equal(hcm.route_config.virtual_hosts[0].routes[0].route.cluster, 'inbound|9080||');
    assert.equal(hcm.route_config.virtual_hosts[0].routes[0].decorator.operation, 'reviews.default.svc.cluster.local:80/*');
    assert.deepEqual(hcm.http_filters.at(-1).name, 'envoy.filters.http.router');
    assert.deepEqual(hcm.use_remote_address, { value: false });
  });

  it('proxies TCP ports to inbound|<port>|| with tcp_proxy', () => {
    const l = configGen({ yaml: WORKLOAD }).listener(proxy, 'virtualInbound');
    const chain = l.filter_chains.find((c) => c.filter_chain_match?.destination_port?.value === 7070)!;
    assert.deepEqual(chain.filters.map((f) => f.name), ['istio.stats', 'envoy.filters.network.tcp_proxy']);
    assert.equal(first(chain).cluster, 'inbound|7070||');
  });

  it('keeps the passthrough chains: a blackhole for 15006 and catch-alls to InboundPassthroughCluster', () => {
    const l = configGen({ yaml: WORKLOAD }).listener(proxy, 'virtualInbound');
    assert.deepEqual(l.filter_chains.slice(0, 3).map((c) => c.name), ['virtualInbound-blackhole', 'virtualInbound-catchall-http', 'virtualInbound']);
    assert.equal(first(l.filter_chains[0]).cluster, 'BlackHoleCluster');
    assert.equal(first(l.filter_chains[1]).route_config.virtual_hosts[0].routes[0].route.cluster, 'InboundPassthroughCluster');
    assert.equal(first(l.filter_chains[2]).cluster, 'InboundPassthroughCluster');
    // The HTTP inspector runs only where a chain needs it (not on declared ports, nor 15006).
    const inspector = l.listener_filters?.find((f) => f.name === 'envoy.filters.listener.http_inspector');
    assert.deepEqual(inspector?.filter_disabled, { or_match: { rules: [7070, 9080, 15006].map((p) => ({ destination_port_range: { start: p, end: p + 1 } })) } });
  });

  it('takes its ports from the Sidecar ingress listeners when there are any', () => {
    const l = configGen({ yaml: `${WORKLOAD}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: reviews}
spec:
  workloadSelector: {labels: {app: reviews}}
  ingress:
  - port: {number: 8443, protocol: TCP, name: tcp}
    defaultEndpoint: 127.0.0.1:8443
` }).listener(proxy, 'virtualInbound');
    const ports = l.filter_chains.map((c) => c.filter_chain_match?.destination_port?.value).filter((p) => p !== undefined && p !== 15006);
    assert.deepEqual(ports, [8443]);
  });

  it('has only the passthrough chains for a proxy whose workload serves no service', () => {
    const l = configGen({ yaml: WORKLOAD }).listener(sidecarProxy({ ip: '10.9.9.9' }), 'virtualInbound');
    assert.equal(l.filter_chains.length, 3);
  });
});
