import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { decodeAny, encodeAny, type WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { edsCluster, httpListener, loadAssignment } from '../test/fixtures.ts';
import { parseCluster, parseClusterLoadAssignment, parseListener } from './index.ts';

/** Through the codec, so the parsers see exactly what arrives on the wire. */
const wire = (typeUrl: string, m: WireMessage) => decodeAny(encodeAny(typeUrl, m));
const errorsOf = (r: { ok: boolean; errors?: readonly string[] }) => (r.ok ? [] : r.errors);

describe('xDS resource parsers', () => {
  it('parses an Istio outbound HTTP listener: address, HCM on RDS, router last', () => {
    const parsed = parseListener(wire(TypeUrl.Listener, httpListener('0.0.0.0_9080', 9080, '9080')));
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.deepEqual(parsed.value.address, { address: '0.0.0.0', port: 9080 });
    const hcm = parsed.value.filterChains[0].filters[0];
    assert.equal(hcm.kind, 'http_connection_manager');
    assert.deepEqual(hcm.kind === 'http_connection_manager' && hcm.route, { rds: '9080' });
    assert.deepEqual(parsed.value.routeConfigNames, ['9080']);
  });

  it('rejects a listener with every reason and its field path', () => {
    const l = httpListener('0.0.0.0_9080', 9080, '') as Record<string, unknown>;
    const chain = (l.filter_chains as Record<string, unknown>[])[0];
    const hcm = ((chain.filters as Record<string, unknown>[])[0].typed_config) as Record<string, unknown>;
    hcm.http_filters = [{ name: 'envoy.filters.http.router', typed_config: { '@type': TypeUrl.Router } }, { name: 'envoy.filters.http.fault', typed_config: { '@type': TypeUrl.HttpFault } }];
    l.filter_chains = [chain, { ...chain, name: 'copy' }];
    assert.deepEqual(errorsOf(parseListener(wire(TypeUrl.Listener, l))), [
      'filter_chains[0].filters[0].typed_config.rds.route_config_name: value length must be at least 1 characters',
      'filter_chains[0].filters[0].typed_config.http_filters[0]: Error: terminal filter named envoy.filters.http.router of type envoy.extensions.filters.http.router.v3.Router must be the last filter in a http filter chain.',
      'filter_chains[0].filters[0].typed_config.http_filters[1]: Error: non-terminal filter named envoy.filters.http.fault of type envoy.extensions.filters.http.fault.v3.HTTPFault is the last filter in a http filter chain.',
      'filter_chains[1].filters[0].typed_config.rds.route_config_name: value length must be at least 1 characters',
      'filter_chains[1].filters[0].typed_config.http_filters[0]: Error: terminal filter named envoy.filters.http.router of type envoy.extensions.filters.http.router.v3.Router must be the last filter in a http filter chain.',
      'filter_chains[1].filters[0].typed_config.http_filters[1]: Error: non-terminal filter named envoy.filters.http.fault of type envoy.extensions.filters.http.fault.v3.HTTPFault is the last filter in a http filter chain.',
      "filter_chains[1].filter_chain_match: filter chain 'copy' has the same matching rules defined as ''",
    ]);
    assert.deepEqual(errorsOf(parseListener(wire(TypeUrl.Listener, { name: 'x', address: { socket_address: { address: '0.0.0.0', port_value: 80 } } }))), ['filter_chains: no filter chains specified']);
  });

  it('parses an inline route_config through the route table parser, with its errors under the HCM path', () => {
    const l = httpListener('virtualInbound', 15006, 'x') as Record<string, unknown>;
    const hcm = ((l.filter_chains as Record<string, unknown>[])[0].filters as Record<string, unknown>[])[0].typed_config as Record<string, unknown>;
    delete hcm.rds;
    hcm.route_config = { name: 'inbound|9080||', virtual_hosts: [{ name: 'a', domains: ['*'], routes: [] }, { name: 'b', domains: ['*'], routes: [] }] };
    assert.deepEqual(errorsOf(parseListener(wire(TypeUrl.Listener, l))), [
      'filter_chains[0].filters[0].typed_config.route_config: Only unique values for domains are permitted. Duplicate entry of domain * in route inbound|9080||',
    ]);
  });

  it('validates clusters as Envoy does: connect_timeout, ORIGINAL_DST with its LB policy, EDS service name default', () => {
    const eds = parseCluster(wire(TypeUrl.Cluster, { name: 'c', type: 'EDS', connect_timeout: { seconds: '1' } }));
    assert.equal(eds.ok && eds.value.edsServiceName, 'c');
    assert.deepEqual(errorsOf(parseCluster(wire(TypeUrl.Cluster, { ...edsCluster('c'), connect_timeout: { nanos: 0 } }))), ['connect_timeout: value must be greater than 0s']);
    assert.deepEqual(errorsOf(parseCluster(wire(TypeUrl.Cluster, { name: 'PassthroughCluster', type: 'ORIGINAL_DST', connect_timeout: { seconds: '1' } }))), [
      "lb_policy: cluster: LB policy ROUND_ROBIN is not valid for Cluster type ORIGINAL_DST. Only 'CLUSTER_PROVIDED' is allowed with cluster type 'ORIGINAL_DST'",
    ]);
  });

  it('validates endpoints: ports, weights, health status defaulting', () => {
    const ok = parseClusterLoadAssignment(wire(TypeUrl.ClusterLoadAssignment, loadAssignment('c', [['10.0.0.1', 80, 'DRAINING']])));
    assert.ok(ok.ok);
    assert.equal(ok.value.overprovisioningFactor, 140);
    assert.equal(ok.value.localities[0].lbEndpoints[0].healthStatus, 'DRAINING');
    const bad = loadAssignment('c', [['10.0.0.1', 70000]]) as { endpoints: { lb_endpoints: Record<string, unknown>[] }[] };
    bad.endpoints[0].lb_endpoints[0].load_balancing_weight = { value: 0 };
    assert.deepEqual(errorsOf(parseClusterLoadAssignment(wire(TypeUrl.ClusterLoadAssignment, bad as unknown as WireMessage))), [
      'endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value: value must be less than or equal to 65535',
      'endpoints[0].lb_endpoints[0].load_balancing_weight: value must be greater than or equal to 1',
    ]);
  });

  it('converts a legacy lb_policy and its *_lb_config to the typed load_balancing_policy at decode', () => {
    const parsed = parseCluster(wire(TypeUrl.Cluster, { ...edsCluster('c'), lb_policy: 'RING_HASH', ring_hash_lb_config: { minimum_ring_size: { value: '2048' } } }));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.loadBalancingPolicy, {
      policies: [{ typed_extension_config: { name: 'envoy.load_balancing_policies.ring_hash', typed_config: { '@type': TypeUrl.RingHash, minimum_ring_size: { value: '2048' } } } }],
    });
    const rr = parseCluster(wire(TypeUrl.Cluster, edsCluster('c')));
    assert.equal(rr.ok && (rr.value.loadBalancingPolicy.policies as { typed_extension_config: { name: string } }[])[0].typed_extension_config.name, 'envoy.load_balancing_policies.round_robin');
  });
});
