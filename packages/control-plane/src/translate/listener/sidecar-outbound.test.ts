import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TypeUrl } from '@skiff/api';
import { configGen, sidecarProxy } from '@skiff/testing/config-gen.ts';
import type { FilterChainWire, ListenerWire } from './wire.ts';

const seed = (file: string) => readFileSync(new URL(`../../../../config/testdata/seeds/${file}`, import.meta.url), 'utf8');

const SERVICES = `
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec:
  selector: {app: reviews}
  clusterIP: 10.96.0.10
  ports: [{name: http, port: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: 10.96.0.11
  ports: [{name: tcp-db, port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: db-v2}
spec:
  clusterIP: 10.96.0.12
  ports: [{name: tcp-db, port: 5432}]
`;

const proxy = sidecarProxy({ ip: '10.1.1.50', labels: { app: 'client' } });
const names = (ls: readonly ListenerWire[]) => ls.map((l) => l.name);
const tcpProxy = (chain: FilterChainWire | undefined) => chain?.filters.find((f) => f.name === 'envoy.filters.network.tcp_proxy')?.typed_config;
const hcm = (chain: FilterChainWire | undefined) => chain?.filters.find((f) => f.name === 'envoy.filters.network.http_connection_manager')?.typed_config as Record<string, any> | undefined;

describe('sidecar outbound listeners', () => {
  it('gives HTTP ports a shared 0.0.0.0_<port> listener using RDS route config <port>, bound to no port', () => {
    const l = configGen({ yaml: SERVICES }).listener(proxy, '0.0.0.0_9080');
    assert.deepEqual(l.address, { socket_address: { address: '0.0.0.0', port_value: 9080 } });
    assert.deepEqual(l.bind_to_port, { value: false });
    assert.equal(l.traffic_direction, 'OUTBOUND');
    const chain = l.filter_chains[0];
    assert.deepEqual(chain.filter_chain_match, { transport_protocol: 'raw_buffer', application_protocols: ['http/1.1', 'h2c'] });
    assert.equal(hcm(chain)?.rds.route_config_name, '9080');
    assert.deepEqual(hcm(chain)?.rds.config_source.ads, {});
    assert.deepEqual(l.listener_filters?.map((f) => f.name), ['envoy.filters.listener.tls_inspector', 'envoy.filters.listener.http_inspector']);
    assert.equal(l.default_filter_chain?.name, 'PassthroughFilterChain');
    assert.equal(tcpProxy(l.default_filter_chain)?.cluster, 'PassthroughCluster');
  });

  it('configures the HCM as Istio does: metadata exchange first, fault, cors, stats, and the router last', () => {
    const h = hcm(configGen({ yaml: SERVICES }).listener(proxy, '0.0.0.0_9080').filter_chains[0])!;
    assert.equal(h['@type'], TypeUrl.HttpConnectionManager);
    assert.equal(h.stat_prefix, 'outbound_0.0.0.0_9080;');
    assert.deepEqual(h.http_filters.map((f: { name: string }) => f.name), ['istio.metadata_exchange', 'envoy.filters.http.fault', 'envoy.filters.http.cors', 'istio.stats', 'envoy.filters.http.router']);
    assert.deepEqual(h.http_filters.map((f: { typed_config: { '@type': string } }) => f.typed_config['@type']), [TypeUrl.IstioPeerMetadata, TypeUrl.HttpFault, TypeUrl.Cors, TypeUrl.IstioStats, TypeUrl.Router]);
    assert.deepEqual(h.use_remote_address, { value: false });
    assert.deepEqual(h.generate_request_id, { value: true });
    assert.equal(h.server_name, 'istio-envoy');
    assert.deepEqual(h.upgrade_configs, [{ upgrade_type: 'websocket' }]);
    assert.deepEqual(h.normalize_path, { value: true });
    assert.equal(h.path_with_escaped_slashes_action, 'KEEP_UNCHANGED');
    assert.equal(h.rds.config_source.resource_api_version, 'V3');
  });

  it('gives TCP services a <ClusterIP>_<port> listener proxying to the service cluster', () => {
    const gen = configGen({ yaml: SERVICES });
    const l = gen.listener(proxy, '10.96.0.11_5432');
    assert.equal(l.filter_chains.length, 1);
    assert.equal(l.default_filter_chain, undefined);
    assert.deepEqual(tcpProxy(l.filter_chains[0]), { '@type': TypeUrl.TcpProxy, stat_prefix: 'outbound|5432||db.default.svc.cluster.local', cluster: 'outbound|5432||db.default.svc.cluster.local' });
    assert.ok(names(gen.listeners(proxy)).includes('10.96.0.12_5432'));
  });

  it('builds the seed 002 postgres ServiceEntry (no address) as 0.0.0.0_5432 to its cluster', () => {
    const l = configGen({ yaml: seed('002-external-database-serviceentry.yaml') }).listener(proxy, '0.0.0.0_5432');
    assert.equal(l.filter_chains.length, 1);
    assert.equal(tcpProxy(l.filter_chains[0])?.cluster, 'outbound|5432||external-db.company.com');
  });

  it('splits TCP traffic by the weights of a VirtualService tcp route', () => {
    const l = configGen({ yaml: `${SERVICES}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: db-split}
spec:
  hosts: [db]
  tcp:
  - route:
    - destination: {host: db}
      weight: 80
    - destination: {host: db-v2}
      weight: 20
` }).listener(proxy, '10.96.0.11_5432');
    assert.deepEqual(tcpProxy(l.filter_chains[0]), {
      '@type': TypeUrl.TcpProxy,
      stat_prefix: 'db-split.default',
      weighted_clusters: { clusters: [
        { name: 'outbound|5432||db.default.svc.cluster.local', weight: 80 },
        { name: 'outbound|5432||db-v2.default.svc.cluster.local', weight: 20 },
      ] },
    });
  });

  it('routes TLS ports by SNI from VirtualService tls routes, with a TLS inspector', () => {
    const l = configGen({ yaml: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext}
spec:
  hosts: [api.example.com, www.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
  location: MESH_EXTERNAL
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ext-tls}
spec:
  hosts: [api.example.com]
  tls:
  - match: [{sniHosts: [api.example.com], port: 443}]
    route: [{destination: {host: www.example.com}}]
` }).listener(proxy, '0.0.0.0_443');
    assert.deepEqual(l.listener_filters?.map((f) => f.name), ['envoy.filters.listener.tls_inspector']);
    const bySni = Object.fromEntries(l.filter_chains.map((c) => [c.filter_chain_match?.server_names?.join(','), tcpProxy(c)?.cluster]));
    assert.deepEqual(bySni, { 'api.example.com': 'outbound|443||www.example.com', 'www.example.com': 'outbound|443||www.example.com' });
    assert.equal(l.default_filter_chain?.name, 'PassthroughFilterChain');
  });

  it('ends virtualOutbound in PassthroughCluster under ALLOW_ANY and BlackHoleCluster under REGISTRY_ONLY', () => {
    const allowAny = configGen({ yaml: SERVICES }).listener(proxy, 'virtualOutbound');
    assert.deepEqual(allowAny.address, { socket_address: { address: '0.0.0.0', port_value: 15001 } });
    assert.deepEqual(allowAny.use_original_dst, { value: true });
    assert.deepEqual(allowAny.filter_chains.map((c) => [c.name, c.filter_chain_match, tcpProxy(c)?.cluster]), [
      ['virtualOutbound-blackhole', { destination_port: { value: 15001 } }, 'BlackHoleCluster'],
      ['virtualOutbound-catchall-tcp', undefined, 'PassthroughCluster'],
    ]);
    const gen = configGen({ yaml: SERVICES, mesh: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } });
    assert.equal(tcpProxy(gen.listener(proxy, 'virtualOutbound').filter_chains[1])?.cluster, 'BlackHoleCluster');
    assert.equal(tcpProxy(gen.listener(proxy, '0.0.0.0_9080').default_filter_chain)?.cluster, 'BlackHoleCluster');
  });

  it('lets a Sidecar override the mesh outboundTrafficPolicy', () => {
    const gen = configGen({ yaml: `${SERVICES}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default}
spec:
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
` });
    assert.equal(tcpProxy(gen.listener(proxy, 'virtualOutbound').filter_chains[1])?.cluster, 'BlackHoleCluster');
  });

  it('builds listeners only for the hosts a Sidecar egress lists', () => {
    const gen = configGen({ yaml: `${SERVICES}
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: other}
spec:
  clusterIP: 10.96.1.1
  ports: [{name: http, port: 8080}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default}
spec:
  egress:
  - hosts: [./db.default.svc.cluster.local, other/*]
` });
    assert.deepEqual(names(gen.listeners(proxy)), ['10.96.0.11_5432', '0.0.0.0_8080', 'virtualOutbound', 'virtualInbound']);
  });

  it('keeps an explicit Sidecar egress port to its own hosts and binds it with captureMode NONE', () => {
    const gen = configGen({ yaml: `${SERVICES}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default}
spec:
  egress:
  - port: {number: 9080, protocol: HTTP, name: http}
    captureMode: NONE
    hosts: [./reviews.default.svc.cluster.local]
  - hosts: [./*]
` });
    const l = gen.listener(proxy, '127.0.0.1_9080');
    assert.equal(l.bind_to_port, undefined);
    assert.equal(hcm(l.filter_chains[0])?.rds.route_config_name, '9080');
    assert.ok(names(gen.listeners(proxy)).includes('10.96.0.11_5432'));
  });

  it('gives each endpoint of a headless TCP service its own listener', () => {
    const gen = configGen({ yaml: `
apiVersion: v1
kind: Service
metadata: {name: kafka}
spec:
  clusterIP: None
  selector: {app: kafka}
  ports: [{name: tcp, port: 9092}]
---
apiVersion: v1
kind: Pod
metadata: {name: kafka-0, labels: {app: kafka}, annotations: {skiff.test/ip: 10.1.2.1}}
spec: {containers: [{name: k, image: kafka}]}
---
apiVersion: v1
kind: Pod
metadata: {name: kafka-1, labels: {app: kafka}, annotations: {skiff.test/ip: 10.1.2.2}}
spec: {containers: [{name: k, image: kafka}]}
` });
    const ls = names(gen.listeners(proxy)).filter((n) => n.endsWith('_9092'));
    assert.deepEqual(ls, ['10.1.2.1_9092', '10.1.2.2_9092']);
  });

  it('sniffs a port of unknown protocol: a TCP chain and an HTTP chain told apart by ALPN', () => {
    const l = configGen({ yaml: `
apiVersion: v1
kind: Service
metadata: {name: legacy}
spec:
  clusterIP: 10.96.0.20
  ports: [{name: legacy, port: 7000}]
` }).listener(proxy, '10.96.0.20_7000');
    assert.equal(tcpProxy(l.default_filter_chain ?? l.filter_chains.find((c) => !c.filter_chain_match))?.cluster, 'outbound|7000||legacy.default.svc.cluster.local');
    const http = l.filter_chains.find((c) => c.filter_chain_match?.application_protocols);
    assert.equal(hcm(http)?.rds.route_config_name, 'legacy.default.svc.cluster.local:7000');
  });
});
