import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '../type-urls.ts';
import { decodeAny, encodeAny, isKnownTypeUrl } from './resource-codec.ts';
import { jsonToStruct, structToJson, type JsonValue } from './struct.ts';

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

  describe('google.protobuf.Struct values', () => {
    const istio: Record<string, JsonValue> = {
      services: [{ host: 'reviews.default.svc.cluster.local', name: 'reviews', namespace: 'default' }],
      default_original_port: 9080,
      external: true,
      subset: 'v1',
      unset: null,
    };
    const clusterWith = (struct: unknown) => ({ name: 'c', metadata: { filter_metadata: { istio: struct } } });
    const metadataOf = (decoded: Record<string, unknown>) =>
      (decoded.metadata as { filter_metadata: { istio: Parameters<typeof structToJson>[0] } }).filter_metadata.istio;

    it('survive encode and decode when built by jsonToStruct (proto field names)', () => {
      const decoded = decodeAny(encodeAny(TypeUrl.Cluster, clusterWith(jsonToStruct(istio))));
      assert.deepEqual(structToJson(metadataOf(decoded)), istio);
    });

    it('are accepted with JSON names (stringValue, listValue...) and decode with proto names', () => {
      const camel = { fields: {
        subset: { stringValue: 'v1' },
        port: { numberValue: 9080 },
        tags: { listValue: { values: [{ boolValue: true }, { structValue: { fields: { a: { nullValue: 'NULL_VALUE' } } } }] } },
      } };
      const decoded = decodeAny(encodeAny(TypeUrl.Cluster, clusterWith(camel)));
      // `kind` is the oneof's name, as @grpc/proto-loader also reports it.
      assert.deepEqual(metadataOf(decoded), { fields: {
        subset: { kind: 'string_value', string_value: 'v1' },
        port: { kind: 'number_value', number_value: 9080 },
        tags: { kind: 'list_value', list_value: { values: [
          { kind: 'bool_value', bool_value: true },
          { kind: 'struct_value', struct_value: { fields: { a: { kind: 'null_value', null_value: 'NULL_VALUE' } } } },
        ] } },
      } });
    });
  });

  describe('field names', () => {
    it('accepts JSON names for any field and encodes them as the proto names', () => {
      const decoded = decodeAny(encodeAny(TypeUrl.Cluster, { name: 'c', connectTimeout: { seconds: '1' }, edsClusterConfig: { serviceName: 's' } }));
      assert.deepEqual(decoded.connect_timeout, { seconds: '1' });
      assert.deepEqual(decoded.eds_cluster_config, { service_name: 's' });
    });

    it('reports every unknown field with its path instead of dropping it', () => {
      const listener = {
        name: 'l',
        bogus: 1,
        filter_chains: [{ filters: [{ name: 'hcm', typed_config: { '@type': TypeUrl.HttpConnectionManager, stat_prefix: 'x', route_config_nme: '80' } }] }],
      };
      assert.throws(() => encodeAny(TypeUrl.Listener, listener), (err: Error) => {
        assert.ok(err instanceof TypeError);
        assert.match(err.message, /bogus: unknown field "bogus" in envoy\.config\.listener\.v3\.Listener/);
        assert.match(err.message, /filter_chains\[0\]\.filters\[0\]\.typed_config\.route_config_nme: unknown field "route_config_nme" in envoy\.extensions\.filters\.network\.http_connection_manager\.v3\.HttpConnectionManager/);
        return true;
      });
    });

    it('reports a nested Any whose type URL names no known message', () => {
      const listener = { name: 'l', filter_chains: [{ filters: [{ name: 'x', typed_config: { '@type': 'type.googleapis.com/envoy.nope.v3.Nope' } }] }] };
      assert.throws(() => encodeAny(TypeUrl.Listener, listener), /filter_chains\[0\]\.filters\[0\]\.typed_config\.@type: Unable to find a message type/);
    });

    it('accepts unknown-looking keys inside map fields, which are data', () => {
      const decoded = decodeAny(encodeAny(TypeUrl.Cluster, { name: 'c', metadata: { filter_metadata: { 'any.key-here': { fields: {} } } } }));
      assert.deepEqual(Object.keys((decoded.metadata as { filter_metadata: object }).filter_metadata), ['any.key-here']);
    });
  });
});
