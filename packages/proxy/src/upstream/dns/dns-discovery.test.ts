import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@skiff/common';
import { parseCluster } from '../../xds-client/index.ts';
import type { ClusterConfig, EndpointsConfig } from '../../xds-client/types.ts';
import { DnsDiscovery } from './dns-discovery.ts';
import { resolveFamily, type DnsRecord, type DnsResolver } from './dns-resolver.ts';

/** A resolver answering from a table the test edits; `fail` names reject. Counts queries. */
class FakeResolver implements DnsResolver {
  readonly v4 = new Map<string, DnsRecord[]>();
  readonly v6 = new Map<string, DnsRecord[]>();
  readonly failing = new Set<string>();
  queries: string[] = [];

  async resolve(name: string, family: 4 | 6): Promise<readonly DnsRecord[]> {
    this.queries.push(`${name}/${family}`);
    if (this.failing.has(name)) throw Object.assign(new Error(`queryA ESERVFAIL ${name}`), { code: 'ESERVFAIL' });
    return (family === 4 ? this.v4 : this.v6).get(name) ?? [];
  }
}

function dnsCluster(type: 'STRICT_DNS' | 'LOGICAL_DNS', names: string[], extra: Record<string, unknown> = {}): ClusterConfig {
  const r = parseCluster({
    name: 'ext', type, connect_timeout: { seconds: '1' },
    load_assignment: { cluster_name: 'ext', endpoints: [{ lb_endpoints: names.map((n) => ({ endpoint: { address: { socket_address: { address: n, port_value: 8080 } } } })) }] },
    ...extra,
  });
  if (!r.ok) throw new Error(r.errors.join());
  return r.value;
}

function start(cluster: ClusterConfig, resolver: DnsResolver, clock = new FakeClock(0)) {
  const updates: EndpointsConfig[] = [];
  const d = new DnsDiscovery({ cluster, clock, resolver, onUpdate: (e) => updates.push(e), log: () => {} });
  const hosts = () => updates.at(-1)?.localities.flatMap((l) => l.lbEndpoints.map((e) => `${e.address.address}:${e.address.port}`)) ?? [];
  return { d, updates, hosts, clock };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('STRICT_DNS discovery', () => {
  it('makes every resolved address of every name a host, with the endpoint port and the name as hostname', async () => {
    const dns = new FakeResolver();
    dns.v4.set('a.test', [{ address: '10.0.0.1' }, { address: '10.0.0.2' }]);
    dns.v4.set('b.test', [{ address: '10.0.0.3' }]);
    const s = start(dnsCluster('STRICT_DNS', ['a.test', 'b.test'], { dns_lookup_family: 'V4_ONLY' }), dns);
    await s.d.ready;
    assert.deepEqual(s.hosts(), ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080']);
    assert.equal(s.updates.at(-1)!.localities[0].lbEndpoints[0].hostname, 'a.test');
    s.d.close();
  });

  it('re-resolves every dns_refresh_rate (default 5 s) and publishes only when the answer changed', async () => {
    const dns = new FakeResolver();
    dns.v4.set('a.test', [{ address: '10.0.0.1' }]);
    const s = start(dnsCluster('STRICT_DNS', ['a.test'], { dns_lookup_family: 'V4_ONLY' }), dns);
    await s.d.ready;
    s.clock.advance(4999);
    await settle();
    assert.equal(dns.queries.length, 1);
    s.clock.advance(1);
    await settle();
    assert.equal(dns.queries.length, 2);
    assert.equal(s.updates.length, 1, 'same answer, no update');
    dns.v4.set('a.test', [{ address: '10.0.0.9' }]);
    s.clock.advance(5000);
    await settle();
    assert.deepEqual(s.hosts(), ['10.0.0.9:8080']);
    s.d.close();
  });

  it('follows the answer TTL with respect_dns_ttl, else dns_refresh_rate', async () => {
    const dns = new FakeResolver();
    dns.v4.set('a.test', [{ address: '10.0.0.1', ttlSeconds: 30 }, { address: '10.0.0.2', ttlSeconds: 20 }]);
    const s = start(dnsCluster('STRICT_DNS', ['a.test'], { dns_lookup_family: 'V4_ONLY', respect_dns_ttl: true, dns_refresh_rate: { seconds: '2' } }), dns);
    await s.d.ready;
    s.clock.advance(19_999);
    await settle();
    assert.equal(dns.queries.length, 1, 'waits for the smallest TTL, not the 2 s refresh rate');
    s.clock.advance(1);
    await settle();
    assert.equal(dns.queries.length, 2);
    s.d.close();
  });

  it('keeps the hosts it had when a resolution fails, and drops them when the name resolves to nothing', async () => {
    const dns = new FakeResolver();
    dns.v4.set('a.test', [{ address: '10.0.0.1' }]);
    const s = start(dnsCluster('STRICT_DNS', ['a.test'], { dns_lookup_family: 'V4_ONLY' }), dns);
    await s.d.ready;
    dns.failing.add('a.test');
    s.clock.advance(5000);
    await settle();
    assert.deepEqual(s.hosts(), ['10.0.0.1:8080']);
    dns.failing.clear();
    dns.v4.delete('a.test');
    s.clock.advance(5000);
    await settle();
    assert.deepEqual(s.hosts(), []);
    s.d.close();
  });

  it('initializes without a name whose first resolution failed', async () => {
    const dns = new FakeResolver();
    dns.v4.set('a.test', [{ address: '10.0.0.1' }]);
    dns.failing.add('down.test');
    const s = start(dnsCluster('STRICT_DNS', ['a.test', 'down.test'], { dns_lookup_family: 'V4_ONLY' }), dns);
    await s.d.ready;
    assert.deepEqual(s.hosts(), ['10.0.0.1:8080']);
    s.d.close();
  });

  it('stops resolving once closed', async () => {
    const dns = new FakeResolver();
    dns.v4.set('a.test', [{ address: '10.0.0.1' }]);
    const s = start(dnsCluster('STRICT_DNS', ['a.test'], { dns_lookup_family: 'V4_ONLY' }), dns);
    await s.d.ready;
    s.d.close();
    s.clock.advance(60_000);
    await settle();
    assert.equal(dns.queries.length, 1);
  });
});

describe('LOGICAL_DNS discovery', () => {
  it('keeps one logical host at the first address of the answer and moves it when the answer changes', async () => {
    const dns = new FakeResolver();
    dns.v4.set('db.test', [{ address: '10.0.0.1' }, { address: '10.0.0.2' }]);
    const s = start(dnsCluster('LOGICAL_DNS', ['db.test'], { dns_lookup_family: 'V4_ONLY' }), dns);
    await s.d.ready;
    assert.deepEqual(s.hosts(), ['10.0.0.1:8080']);
    dns.v4.set('db.test', [{ address: '10.0.0.7' }, { address: '10.0.0.1' }]);
    s.clock.advance(5000);
    await settle();
    assert.deepEqual(s.hosts(), ['10.0.0.7:8080']);
    s.d.close();
  });

  it('is rejected with more than one endpoint, as Envoy', () => {
    const r = parseCluster({
      name: 'ext', type: 'LOGICAL_DNS',
      load_assignment: { cluster_name: 'ext', endpoints: [{ lb_endpoints: ['a', 'b'].map((n) => ({ endpoint: { address: { socket_address: { address: n, port_value: 1 } } } })) }] },
    });
    assert.equal(r.ok, false);
  });
});

describe('dns_lookup_family', () => {
  const dns = new FakeResolver();
  dns.v4.set('both.test', [{ address: '10.0.0.1' }]);
  dns.v6.set('both.test', [{ address: 'fd00::1' }]);
  dns.v4.set('v4only.test', [{ address: '10.0.0.2' }]);
  dns.v6.set('v6only.test', [{ address: 'fd00::2' }]);
  const addresses = async (name: string, family: Parameters<typeof resolveFamily>[2]) => (await resolveFamily(dns, name, family)).map((r) => r.address);

  it('AUTO prefers IPv6 and falls back to IPv4', async () => {
    assert.deepEqual(await addresses('both.test', 'AUTO'), ['fd00::1']);
    assert.deepEqual(await addresses('v4only.test', 'AUTO'), ['10.0.0.2']);
  });

  it('V4_PREFERRED prefers IPv4 and falls back to IPv6', async () => {
    assert.deepEqual(await addresses('both.test', 'V4_PREFERRED'), ['10.0.0.1']);
    assert.deepEqual(await addresses('v6only.test', 'V4_PREFERRED'), ['fd00::2']);
  });

  it('V4_ONLY and V6_ONLY ask one family; ALL returns both', async () => {
    assert.deepEqual(await addresses('v6only.test', 'V4_ONLY'), []);
    assert.deepEqual(await addresses('both.test', 'V6_ONLY'), ['fd00::1']);
    assert.deepEqual(await addresses('both.test', 'ALL'), ['10.0.0.1', 'fd00::1']);
  });

  it('resolves an IP literal to itself without asking', async () => {
    const before = dns.queries.length;
    assert.deepEqual(await addresses('127.0.0.1', 'AUTO'), ['127.0.0.1']);
    assert.deepEqual(await addresses('127.0.0.1', 'V6_ONLY'), []);
    assert.equal(dns.queries.length, before);
  });

  it('rejects an unknown family, a refresh rate of 1 ms or less, with field paths', () => {
    const r = parseCluster({ name: 'ext', type: 'STRICT_DNS', dns_lookup_family: 'V5', dns_refresh_rate: { nanos: 1_000_000 } });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.errors.some((e) => e.includes('dns_lookup_family') && e.includes('value must be one of the defined enum values')), String(!r.ok && r.errors));
    assert.ok(!r.ok && r.errors.some((e) => e.includes('dns_refresh_rate') && e.includes('value must be greater than 1ms')), String(!r.ok && r.errors));
  });
});
