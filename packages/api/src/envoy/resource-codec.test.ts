import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '../type-urls.ts';
import { decodeAny, encodeAny, isKnownTypeUrl } from './resource-codec.ts';

describe('resource codec', () => {
  it('knows the message behind every TypeUrl', () => {
    const unknown = Object.entries(TypeUrl).filter(([, url]) => !isKnownTypeUrl(url)).map(([key]) => key);
    assert.deepEqual(unknown, []);
  });

  it('round-trips a cluster with a nested typed_config Any', () => {
    const cluster = {
      name: 'outbound|80||reviews.default.svc.cluster.local',
      type: 'EDS',
      connect_timeout: { seconds: '10' },
      eds_cluster_config: { service_name: 'outbound|80||reviews.default.svc.cluster.local', eds_config: { ads: {} } },
      load_balancing_policy: {
        policies: [{ typed_extension_config: { name: 'envoy.load_balancing_policies.round_robin', typed_config: encodeAny(TypeUrl.RoundRobin, {}) } }],
      },
    };
    const decoded = decodeAny(encodeAny(TypeUrl.Cluster, cluster));
    assert.equal(decoded.name, cluster.name);
    assert.equal(decoded.type, 'EDS');
    assert.deepEqual(decoded.connect_timeout, { seconds: '10' });
    const policies = (decoded.load_balancing_policy as { policies: { typed_extension_config: { typed_config: Record<string, unknown> } }[] }).policies;
    assert.equal(policies[0].typed_extension_config.typed_config['@type'], TypeUrl.RoundRobin);
  });

  it('accepts a nested Any in JSON form', () => {
    const listener = {
      name: '0.0.0.0_80',
      filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: { '@type': TypeUrl.HttpConnectionManager, stat_prefix: 'outbound_0.0.0.0_80', rds: { route_config_name: '80', config_source: { ads: {} } } } }] }],
    };
    const decoded = decodeAny(encodeAny(TypeUrl.Listener, listener)) as typeof listener;
    assert.equal(decoded.filter_chains[0].filters[0].typed_config.stat_prefix, 'outbound_0.0.0.0_80');
    assert.equal(decoded.filter_chains[0].filters[0].typed_config['@type'], TypeUrl.HttpConnectionManager);
  });

  it('rejects a type URL the protos do not define', () => {
    assert.throws(() => encodeAny('type.googleapis.com/envoy.nope.v3.Nope', {}), /Unable to find a message type/);
  });
});
