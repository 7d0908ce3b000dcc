import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TypeUrl } from '@skiff/api';
import { configGen, routerProxy } from '@skiff/testing/config-gen.ts';
import type { FilterChainWire } from './wire.ts';

const seed = (file: string) => readFileSync(new URL(`../../../../config/testdata/seeds/${file}`, import.meta.url), 'utf8');

const INGRESS = `
apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  clusterIP: 10.96.9.9
  ports: [{name: http2, port: 80, targetPort: 8080}, {name: https, port: 443, targetPort: 8443}]
---
apiVersion: v1
kind: Pod
metadata: {name: ingress-1, namespace: istio-system, labels: {istio: ingressgateway}, annotations: {skiff.test/ip: 10.1.9.9}}
spec: {containers: [{name: istio-proxy, image: proxyv2}]}
`;
const gateway = routerProxy({ ip: '10.1.9.9' });
const hcm = (c: FilterChainWire) => c.filters.find((f) => f.name === 'envoy.filters.network.http_connection_manager')?.typed_config as Record<string, any>;
const tcpCluster = (c: FilterChainWire) => (c.filters.find((f) => f.name === 'envoy.filters.network.tcp_proxy')?.typed_config as { cluster?: string }).cluster;

describe('gateway listeners', () => {
  it('serves the seed 002 app-gateway (port 80, hosts *) on the target port 8080 with RDS http.8080', () => {
    const gen = configGen({ yaml: `${INGRESS}\n---\n${seed('002-app-gateway.yaml')}`, namespace: 'backend' });
    const ls = gen.listeners(gateway);
    assert.deepEqual(ls.map((l) => l.name), ['0.0.0.0_8080']);
    const [l] = ls;
    assert.deepEqual(l.address, { socket_address: { address: '0.0.0.0', port_value: 8080 } });
    assert.equal(l.filter_chains.length, 1);
    assert.equal(l.filter_chains[0].filter_chain_match, undefined);
    const h = hcm(l.filter_chains[0]);
    assert.equal(h.rds.route_config_name, 'http.8080');
    assert.equal(h.stat_prefix, 'outbound_0.0.0.0_8080;');
    assert.deepEqual(h.use_remote_address, { value: true });
    assert.equal(h.forward_client_cert_details, 'SANITIZE_SET');
    assert.deepEqual(h.http_filters.map((f: { name: string }) => f.name), ['istio.metadata_exchange', 'envoy.filters.http.fault', 'envoy.filters.http.cors', 'istio.stats', 'envoy.filters.http.router']);
  });

  it('uses the server port as is when no gateway Service exposes it', () => {
    const gen = configGen({ yaml: seed('002-app-gateway.yaml'), namespace: 'backend' });
    assert.deepEqual(gen.listeners(routerProxy({ ip: '10.1.9.8' })).map((l) => l.name), ['0.0.0.0_80']);
  });

  it('terminates the HTTPS server with credentialName api-cert by SNI, with an SDS reference and a TLS inspector', () => {
    const gen = configGen({ yaml: `${INGRESS}\n---\n${seed('002-advanced-gateway.yaml')}`, namespace: 'backend' });
    const l = gen.listener(gateway, '0.0.0.0_8443');
    assert.deepEqual(l.listener_filters?.map((f) => f.name), ['envoy.filters.listener.tls_inspector']);
    assert.equal(l.filter_chains.length, 1);
    const chain = l.filter_chains[0];
    assert.deepEqual(chain.filter_chain_match, { server_names: ['api.example.com'] });
    assert.equal(hcm(chain).rds.route_config_name, 'https.443.https.advanced-gateway.backend');
    const tls = chain.transport_socket?.typed_config as Record<string, any>;
    assert.equal(chain.transport_socket?.name, 'envoy.transport_sockets.tls');
    assert.equal(tls['@type'], TypeUrl.DownstreamTlsContext);
    assert.deepEqual(tls.common_tls_context.tls_certificate_sds_secret_configs, [{ name: 'kubernetes://api-cert', sds_config: { ads: {}, resource_api_version: 'V3' } }]);
    assert.equal(hcm(gen.listener(gateway, '0.0.0.0_8080').filter_chains[0]).rds.route_config_name, 'http.8080');
  });

  it('merges HTTP servers of several Gateways on one port into one listener', () => {
    const gen = configGen({ yaml: `${INGRESS}\n---\n${seed('002-app-gateway.yaml')}\n---\n${seed('002-advanced-gateway.yaml')}`, namespace: 'backend' });
    assert.deepEqual(gen.listeners(gateway).map((l) => l.name), ['0.0.0.0_8080', '0.0.0.0_8443']);
  });

  it('gives gateways that select other workloads no listeners', () => {
    const gen = configGen({ yaml: seed('002-egress-gateway.yaml') });
    assert.deepEqual(gen.listeners(gateway), []);
  });

  it('proxies TLS PASSTHROUGH servers per SNI from the tls routes of bound VirtualServices', () => {
    const gen = configGen({ yaml: `${INGRESS}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: passthrough, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    tls: {mode: PASSTHROUGH}
    hosts: ["*.example.com"]
---
apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  clusterIP: 10.96.0.30
  ports: [{name: https, port: 443}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: nginx}
spec:
  hosts: [nginx.example.com]
  gateways: [istio-system/passthrough]
  tls:
  - match: [{port: 443, sniHosts: [nginx.example.com]}]
    route: [{destination: {host: nginx.default.svc.cluster.local, port: {number: 443}}}]
` });
    const l = gen.listener(gateway, '0.0.0.0_8443');
    assert.deepEqual(l.filter_chains.map((c) => [c.filter_chain_match?.server_names, tcpCluster(c)]), [[['nginx.example.com'], 'outbound|443||nginx.default.svc.cluster.local']]);
    assert.equal(l.filter_chains[0].transport_socket, undefined);
    assert.deepEqual(l.listener_filters?.map((f) => f.name), ['envoy.filters.listener.tls_inspector']);
  });

  it('proxies TCP servers with the tcp route of a bound VirtualService', () => {
    const gen = configGen({ yaml: `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: tcp-gw, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 31400, name: tcp, protocol: TCP}
    hosts: ["*"]
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  clusterIP: 10.96.0.31
  ports: [{name: tcp, port: 9000}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: echo}
spec:
  hosts: ["*"]
  gateways: [istio-system/tcp-gw]
  tcp:
  - match: [{port: 31400}]
    route: [{destination: {host: echo}}]
` });
    const l = gen.listener(gateway, '0.0.0.0_31400');
    assert.deepEqual(l.filter_chains.map(tcpCluster), ['outbound|9000||echo.default.svc.cluster.local']);
    assert.equal(l.listener_filters, undefined);
  });
});
