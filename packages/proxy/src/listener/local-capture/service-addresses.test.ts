import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { parseListener } from '../../xds-client/index.ts';
import type { ListenerConfig, ResourceEntry } from '../../xds-client/types.ts';
import { ServiceAddresses } from './service-addresses.ts';

function entry(wire: Record<string, unknown>): ResourceEntry<ListenerConfig> {
  const r = parseListener(wire);
  if (!r.ok) throw new Error(r.errors.join());
  return { name: r.value.name, config: r.value, wire, version: '1', lastUpdatedMs: 0 };
}

const tcpListener = (address: string, port: number, cluster: unknown) => entry({
  name: `${address}_${port}`, address: { socket_address: { address, port_value: port } }, bind_to_port: { value: false },
  filter_chains: [{ filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': TypeUrl.TcpProxy, stat_prefix: 'x', ...(cluster as object) } }] }],
});

describe('service names on the outbound side of local capture', () => {
  const services = new ServiceAddresses([
    tcpListener('10.96.0.50', 3306, { cluster: 'outbound|3306||mysql.default.svc.cluster.local' }),
    tcpListener('10.96.0.60', 5432, { weighted_clusters: { clusters: [{ name: 'outbound|5432|v1|pg.data.svc.cluster.local', weight: 1 }] } }),
    tcpListener('0.0.0.0', 9000, { cluster: 'outbound|9000||wild.default.svc.cluster.local' }),
  ], 'default.svc.cluster.local');

  it("resolves short and qualified names with the pod's search list, per port", () => {
    assert.equal(services.resolve('mysql', 3306), '10.96.0.50');
    assert.equal(services.resolve('mysql.default', 3306), '10.96.0.50');
    assert.equal(services.resolve('MySQL.default.svc.cluster.local.', 3306), '10.96.0.50');
    assert.equal(services.resolve('pg.data', 5432), '10.96.0.60', 'weighted clusters count too');
    assert.equal(services.resolve('mysql', 3307), undefined);
    assert.equal(services.resolve('pg', 5432), undefined, 'another namespace needs its name');
  });

  it('ignores wildcard listeners (their port already finds them) and unknown names', () => {
    assert.equal(services.resolve('wild', 9000), undefined);
    assert.equal(services.resolve('example.com', 3306), undefined);
  });
});
