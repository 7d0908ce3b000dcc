/**
 * Items with no test so far: the ExternalName Service cluster, VirtualService
 * tcp/tls `destinationSubnets`, ServiceEntry `exportTo` and CIDR addresses.
 * Connections are matched to filter chains by destination IP and SNI with
 * Envoy's precedence (most specific destination prefix first, then server
 * name, a chain without a match last, then default_filter_chain).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configGen, sidecarProxy } from '@skiff/testing/config-gen.ts';
import type { FilterChainWire, ListenerWire } from './wire.ts';

const sidecar = sidecarProxy({ ip: '10.1.0.5' });

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function inRange(ip: string, prefix: string, len: number): boolean {
  if (len === 0) return true;
  const mask = 2 ** 32 - 2 ** (32 - len);
  return (ipToInt(ip) & mask) >>> 0 === (ipToInt(prefix) & mask) >>> 0;
}

/** Envoy's filter chain selection on destination IP, then SNI. */
function chainFor(l: ListenerWire, destination: string, sni = ''): FilterChainWire | undefined {
  let best: { chain: FilterChainWire; len: number; sni: boolean } | undefined;
  for (const chain of l.filter_chains) {
    const m = chain.filter_chain_match ?? {};
    const ranges = m.prefix_ranges ?? [];
    const len = ranges.length === 0 ? -1 : Math.max(-1, ...ranges.filter((r) => inRange(destination, r.address_prefix, r.prefix_len.value)).map((r) => r.prefix_len.value));
    if (ranges.length > 0 && len < 0) continue;
    const names = m.server_names ?? [];
    if (names.length > 0 && !names.includes(sni)) continue;
    if ((m.application_protocols?.length ?? 0) > 0 || m.transport_protocol) continue; // sniffed HTTP chains: not plain TCP
    const candidate = { chain, len, sni: names.length > 0 };
    if (!best || candidate.len > best.len || (candidate.len === best.len && candidate.sni && !best.sni)) best = candidate;
  }
  return best?.chain ?? l.default_filter_chain;
}

function tcpCluster(chain: FilterChainWire | undefined): string | undefined {
  return (chain?.filters.find((f) => f.name === 'envoy.filters.network.tcp_proxy')?.typed_config as { cluster?: string } | undefined)?.cluster;
}

describe('ExternalName Service', () => {
  const yaml = `
apiVersion: v1
kind: Service
metadata: {name: mydb, namespace: default}
spec: {type: ExternalName, externalName: db.example.com, ports: [{name: tcp, port: 5432}]}
`;

  it('gets a STRICT_DNS cluster resolving the external name on the service port', () => {
    const gen = configGen({ yaml });
    const c = gen.cluster(sidecar, 'outbound|5432||mydb.default.svc.cluster.local');
    assert.equal(c.type, 'STRICT_DNS');
    const endpoints = c.load_assignment?.endpoints?.flatMap((l) => l.lb_endpoints ?? []).map((e) => (e.endpoint?.address as { socket_address?: { address: string; port_value: number } } | undefined)?.socket_address) ?? [];
    assert.deepEqual(endpoints.map((a) => [a?.address, a?.port_value]), [['db.example.com', 5432]]);
  });

  it('proxies its TCP port to that cluster', () => {
    const gen = configGen({ yaml });
    const l = gen.listener(sidecar, '0.0.0.0_5432');
    assert.equal(tcpCluster(chainFor(l, '10.9.9.9')), 'outbound|5432||mydb.default.svc.cluster.local');
  });
});

describe('VirtualService destinationSubnets', () => {
  const services = `
apiVersion: v1
kind: Service
metadata: {name: db, namespace: default}
spec: {selector: {app: db}, clusterIP: 10.96.0.40, ports: [{name: tcp, port: 5432}]}
---
apiVersion: v1
kind: Service
metadata: {name: db-replica, namespace: default}
spec: {selector: {app: db-replica}, clusterIP: 10.96.0.41, ports: [{name: tcp, port: 5432}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: tls-ext, namespace: default}
spec:
  hosts: ["*.ext.example.com"]
  addresses: [192.168.0.0/16]
  ports: [{number: 443, name: tls, protocol: TLS}]
  location: MESH_EXTERNAL
  resolution: NONE
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: tls-ext-b, namespace: default}
spec:
  hosts: [b.ext.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  location: MESH_EXTERNAL
  resolution: DNS
---
`;

  it('sends tcp connections to destinations in the subnets by the rule, the rest to the service', () => {
    const yaml = `${services}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: db, namespace: default}
spec:
  hosts: [db]
  tcp:
  - match: [{destinationSubnets: [10.96.0.40/32]}]
    route: [{destination: {host: db-replica}}]
`;
    const l = configGen({ yaml }).listener(sidecar, '10.96.0.40_5432');
    const ranged = l.filter_chains.find((c) => c.filter_chain_match?.prefix_ranges);
    assert.deepEqual(ranged?.filter_chain_match?.prefix_ranges, [{ address_prefix: '10.96.0.40', prefix_len: { value: 32 } }]);
    assert.equal(tcpCluster(chainFor(l, '10.96.0.40')), 'outbound|5432||db-replica.default.svc.cluster.local');
    assert.equal(tcpCluster(chainFor(l, '10.96.0.99')), 'outbound|5432||db.default.svc.cluster.local');
  });

  it('keeps one chain when the rule names exactly the service\'s own CIDR, so Envoy sees no duplicate match', () => {
    const yaml = `${services}
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: cidr-db, namespace: default}
spec:
  hosts: [cidr-db.internal]
  addresses: [10.70.0.0/16]
  ports: [{number: 6000, name: tcp, protocol: TCP}]
  location: MESH_INTERNAL
  resolution: NONE
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cidr-db, namespace: default}
spec:
  hosts: [cidr-db.internal]
  tcp:
  - match: [{destinationSubnets: [10.70.0.0/16]}]
    route: [{destination: {host: db}}]
`;
    const l = configGen({ yaml }).listener(sidecar, '0.0.0.0_6000');
    const ranged = l.filter_chains.filter((c) => c.filter_chain_match?.prefix_ranges?.some((r) => r.address_prefix === '10.70.0.0'));
    assert.equal(ranged.length, 1);
    assert.equal(tcpCluster(chainFor(l, '10.70.3.4')), 'outbound|5432||db.default.svc.cluster.local');
  });

  it('gives a ServiceEntry address written as a /32 its own <ip>_<port> listener, as Istio does', () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: mysql, namespace: default}
spec:
  hosts: [mysql.example.internal]
  addresses: [10.80.0.7/32]
  ports: [{number: 3306, name: tcp, protocol: TCP}]
  location: MESH_EXTERNAL
  resolution: STATIC
  endpoints: [{address: 10.80.0.7}]
`;
    const names = configGen({ yaml }).listeners(sidecar).map((l) => l.name);
    assert.ok(names.includes('10.80.0.7_3306'), names.join(', '));
    assert.ok(!names.includes('0.0.0.0_3306'), names.join(', '));
  });

  it('matches tls rules on SNI and destination subnet together', () => {
    const yaml = `${services}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: tls-ext, namespace: default}
spec:
  hosts: ["*.ext.example.com"]
  tls:
  - match: [{sniHosts: [a.ext.example.com], destinationSubnets: [192.168.1.0/24]}]
    route: [{destination: {host: b.ext.example.com, port: {number: 443}}}]
  - match: [{sniHosts: [a.ext.example.com]}]
    route: [{destination: {host: "*.ext.example.com", port: {number: 443}}}]
`;
    const l = configGen({ yaml }).listener(sidecar, '0.0.0.0_443');
    assert.equal(tcpCluster(chainFor(l, '192.168.1.7', 'a.ext.example.com')), 'outbound|443||b.ext.example.com');
    assert.equal(tcpCluster(chainFor(l, '192.168.2.7', 'a.ext.example.com')), 'outbound|443||*.ext.example.com');
  });
});

describe('ServiceEntry exportTo', () => {
  const entry = (exportTo: string) => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: team-a}
spec:
  hosts: [api.partner.com]
  exportTo: ${exportTo}
  ports: [{number: 80, name: http, protocol: HTTP}]
  location: MESH_EXTERNAL
  resolution: DNS
`;
  const CLUSTER = 'outbound|80||api.partner.com';
  const has = (exportTo: string, namespace: string) => configGen({ yaml: entry(exportTo) }).clusters(sidecarProxy({ namespace })).some((c) => c.name === CLUSTER);

  it('is visible only in its own namespace with "."', () => {
    assert.equal(has('["."]', 'team-a'), true);
    assert.equal(has('["."]', 'team-b'), false);
  });

  it('is visible only in the listed namespaces, and everywhere with "*"', () => {
    assert.equal(has('[team-b]', 'team-b'), true);
    assert.equal(has('[team-b]', 'team-c'), false);
    assert.equal(has('["*"]', 'team-c'), true);
  });
});

describe('ServiceEntry CIDR addresses', () => {
  const yaml = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy-db, namespace: default}
spec:
  hosts: [legacy-db.internal]
  addresses: [10.80.0.0/16]
  ports: [{number: 3306, name: tcp, protocol: TCP}]
  location: MESH_INTERNAL
  resolution: NONE
`;

  it('listens on the wildcard address and matches the CIDR, leaving other destinations to the passthrough', () => {
    const l = configGen({ yaml }).listener(sidecar, '0.0.0.0_3306');
    assert.equal(tcpCluster(chainFor(l, '10.80.1.2')), 'outbound|3306||legacy-db.internal');
    assert.notEqual(tcpCluster(chainFor(l, '10.81.1.2')), 'outbound|3306||legacy-db.internal');
  });
});
