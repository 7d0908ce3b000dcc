import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { once } from 'node:events';
import { connect as netConnect, createServer, type AddressInfo } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { FakeClock, seededRandom, type Clock } from '@skiff/common';
import { FakeControlPlane } from '@skiff/testing';
import { createTestCa, spiffeId, type TestCa, type TestCertificate } from '@skiff/testing/certs.ts';
import { buildBootstrap } from '../src/bootstrap/index.ts';
import { ProxyServer } from '../src/proxy-server.ts';
import { SecretManager, StaticSecretProvider } from '../src/transport-sockets/tls/secret-manager.ts';
import type { SecretConfig } from '../src/transport-sockets/tls/config.ts';
import { assignment, echo, edsCluster, get, listener, until, type Echo, type Reply } from './harness.ts';

const ADS = { ads: {}, resource_api_version: 'V3' };
const PRODUCTPAGE = spiffeId('default', 'productpage');
const REVIEWS = spiffeId('default', 'reviews');
const VERIFY_FAILED = 'TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end';

const sds = (name: string) => ({ name, sds_config: ADS });
const H2 = { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': TypeUrl.HttpProtocolOptions, explicit_http_config: { http2_protocol_options: {} } } };

function certSecret(name: string, cert: TestCertificate): WireMessage {
  return { name, tls_certificate: { certificate_chain: { inline_string: cert.chainPem }, private_key: { inline_string: cert.keyPem } } };
}

function caSecret(name: string, ca: TestCa): WireMessage {
  return { name, validation_context: { trusted_ca: { inline_string: ca.certPem } } };
}

/** What the in-process agent would hand the proxy for `default` / `ROOTCA`. */
function agentSecrets(cert: TestCertificate, ca: TestCa): StaticSecretProvider {
  const p = new StaticSecretProvider(['default', 'ROOTCA']);
  const buf = (s: string) => ({ kind: 'inline' as const, value: Buffer.from(s) });
  p.set({ name: 'default', tlsCertificate: { certificateChain: buf(cert.chainPem), privateKey: buf(cert.keyPem) }, validationContext: undefined } satisfies SecretConfig);
  p.set({ name: 'ROOTCA', tlsCertificate: undefined, validationContext: { trustedCa: buf(ca.certPem), matchTypedSubjectAltNames: [], acceptUntrusted: false } });
  return p;
}

function hcmFilters(routeName: string, statPrefix: string): unknown {
  return (listener('x', routeName, { statPrefix }).filter_chains as { filters: unknown }[])[0].filters;
}

function downstreamTls(context: Record<string, unknown>): WireMessage {
  return { name: 'envoy.transport_sockets.tls', typed_config: { '@type': TypeUrl.DownstreamTlsContext, ...context } };
}

function upstreamTls(context: Record<string, unknown>): WireMessage {
  return { name: 'envoy.transport_sockets.tls', typed_config: { '@type': TypeUrl.UpstreamTlsContext, ...context } };
}

interface ChainSpec {
  readonly name: string;
  readonly match?: Record<string, unknown>;
  readonly tls?: WireMessage;
  readonly route: string;
}

function inspectedListener(name: string, chains: readonly ChainSpec[]): WireMessage {
  return {
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
    listener_filters: [{ name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': TypeUrl.TlsInspector } }],
    filter_chains: chains.map((c) => ({
      name: c.name,
      ...(c.match ? { filter_chain_match: c.match } : {}),
      ...(c.tls ? { transport_socket: c.tls } : {}),
      filters: hcmFilters(c.route, `${name}_${c.name}`),
    })),
  };
}

function route(name: string, cluster: string): WireMessage {
  return { name, virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster } }] }] };
}

interface Proxy {
  readonly plane: FakeControlPlane;
  readonly proxy: ProxyServer;
  port(name: string): number;
  push(r: Partial<Record<'clusters' | 'endpoints' | 'listeners' | 'routes' | 'secrets', WireMessage[]>>): Promise<void>;
  close(): Promise<void>;
}

async function startProxy(ip: string, secrets: SecretManager, adsProtocol: 'sotw' | 'delta' = 'sotw'): Promise<Proxy> {
  const plane = await FakeControlPlane.start();
  const bootstrap = buildBootstrap({ proxyType: 'sidecar', ip, podName: `pod-${ip}`, namespace: 'default', xdsAddress: plane.address, adsProtocol });
  if (!bootstrap.ok) throw new Error(bootstrap.errors.join());
  const proxy = new ProxyServer({ bootstrap: bootstrap.value, clock: new FakeClock(Date.UTC(2025, 0, 1)) as Clock, random: seededRandom(3), admin: false, secrets });
  await proxy.start();
  const types = { clusters: TypeUrl.Cluster, endpoints: TypeUrl.ClusterLoadAssignment, listeners: TypeUrl.Listener, routes: TypeUrl.RouteConfiguration, secrets: TypeUrl.Secret } as const;
  return {
    plane,
    proxy,
    port(name) {
      const a = proxy.listeners.address(name);
      if (!a) throw new Error(`listener ${name} is not bound`);
      return a.port;
    },
    async push(r) {
      const sent: [string, string][] = [];
      for (const [key, type] of Object.entries(types)) {
        const resources = r[key as keyof typeof types];
        if (resources) sent.push([type, plane.setResources(type, resources)]);
      }
      for (const [type, version] of sent) if (type !== TypeUrl.Secret) await plane.waitForAck(type, version);
      await until(() => {
        const s = proxy.xds.snapshot();
        return s.initialized && s.warmingListeners.size === 0 && s.warmingClusters.size === 0;
      }, 'the snapshot to settle');
      await proxy.listeners.settled();
    },
    async close() {
      await proxy.close();
      await plane.stop();
    },
  };
}

interface TlsReply extends Reply {
  readonly peerSerial: string;
  readonly alpn: string | false | null;
}

function httpsGet(port: number, path: string, o: { servername?: string; ca: string; cert?: TestCertificate; alpn?: string[] }): Promise<TlsReply> {
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions & { ALPNProtocols?: string[] } = {
      host: '127.0.0.1', port, path, servername: o.servername, ca: o.ca, cert: o.cert?.chainPem, key: o.cert?.keyPem, agent: false,
      ALPNProtocols: o.alpn, checkServerIdentity: () => undefined, headers: { host: 'reviews' },
    };
    const req = https.request(options, (res) => {
      const socket = res.socket as import('node:tls').TLSSocket;
      const peerSerial = socket.getPeerCertificate().serialNumber;
      const alpn = socket.alpnProtocol;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, peerSerial, alpn }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The certificate a TLS listener presents for a server name (no HTTP). */
function presentedSerial(port: number, servername: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, servername, ca, checkServerIdentity: () => undefined }, () => {
      resolve(s.getPeerCertificate().serialNumber);
      s.end();
    });
    s.on('error', reject);
  });
}

describe('TLS transport sockets, the TLS inspector and SDS (real sockets, real certificates)', () => {
  let ca: TestCa;
  let otherCa: TestCa;
  let certA: TestCertificate;
  let certWildcard: TestCertificate;
  let productpage: TestCertificate;
  let reviews: TestCertificate;
  let a: Echo;
  let b: Echo;

  before(async () => {
    ca = await createTestCa();
    otherCa = await createTestCa({ commonName: 'Another Root' });
    [certA, certWildcard, productpage, reviews] = await Promise.all([
      ca.issue({ dnsNames: ['a.example.com'] }),
      ca.issue({ dnsNames: ['*.example.com'] }),
      ca.issue({ uris: [PRODUCTPAGE] }),
      ca.issue({ uris: [REVIEWS] }),
    ]);
    [a, b] = await Promise.all([echo('a'), echo('b')]);
  });

  after(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  it('routes by SNI to two filter chains (exact name before *.wildcard), certificates from SDS over ADS, and counts handshakes', async () => {
    const p = await startProxy('127.0.0.1', new SecretManager());
    try {
      await p.push({
        clusters: [edsCluster('a'), edsCluster('b')],
        endpoints: [assignment('a', [a]), assignment('b', [b])],
        routes: [route('ra', 'a'), route('rb', 'b')],
        secrets: [certSecret('kubernetes://a-cert', certA), certSecret('kubernetes://wildcard-cert', certWildcard)],
        listeners: [inspectedListener('gw', [
          { name: 'wildcard', match: { server_names: ['*.example.com'] }, tls: downstreamTls({ common_tls_context: { tls_certificate_sds_secret_configs: [sds('kubernetes://wildcard-cert')], alpn_protocols: ['h2', 'http/1.1'] } }), route: 'rb' },
          { name: 'exact', match: { server_names: ['a.example.com'] }, tls: downstreamTls({ common_tls_context: { tls_certificate_sds_secret_configs: [sds('kubernetes://a-cert')], alpn_protocols: ['h2', 'http/1.1'] } }), route: 'ra' },
        ])],
      });
      const port = p.port('gw');
      const exact = await httpsGet(port, '/x', { servername: 'a.example.com', ca: ca.certPem, alpn: ['http/1.1'] });
      assert.equal(exact.status, 200);
      assert.equal(JSON.parse(exact.body).upstream, 'a');
      assert.equal(exact.peerSerial, certA.serialNumber.toUpperCase());
      assert.equal(exact.alpn, 'http/1.1', 'the server picked from alpn_protocols among what the client offered');
      const wild = await httpsGet(port, '/y', { servername: 'shop.example.com', ca: ca.certPem });
      assert.equal(JSON.parse(wild.body).upstream, 'b');
      assert.equal(wild.peerSerial, certWildcard.serialNumber.toUpperCase());
      await assert.rejects(httpsGet(port, '/z', { servername: 'other.org', ca: ca.certPem }), 'no chain matches other.org: the connection is closed');
      assert.deepEqual(p.plane.subscription(TypeUrl.Secret), { wildcard: false, names: ['kubernetes://a-cert', 'kubernetes://wildcard-cert'] });
      const counter = (n: string) => p.proxy.stats.counter(n).value;
      assert.equal(counter('listener.127.0.0.1_0.ssl.handshake'), 2);
      assert.equal(counter('tls_inspector.tls_found'), 3);
      assert.equal(counter('tls_inspector.sni_found'), 3);
    } finally {
      await p.close();
    }
  });

  it('serves plain text and TLS on one port: the inspector tells them apart (transport_protocol tls vs raw_buffer)', async () => {
    const p = await startProxy('127.0.0.1', new SecretManager({ providers: [agentSecrets(reviews, ca)] }));
    try {
      await p.push({
        clusters: [edsCluster('a'), edsCluster('b')],
        endpoints: [assignment('a', [a]), assignment('b', [b])],
        routes: [route('ra', 'a'), route('rb', 'b')],
        listeners: [inspectedListener('permissive', [
          { name: 'tls', match: { transport_protocol: 'tls' }, tls: downstreamTls({ common_tls_context: { tls_certificate_sds_secret_configs: [sds('default')] } }), route: 'ra' },
          { name: 'plain', match: { transport_protocol: 'raw_buffer' }, route: 'rb' },
        ])],
      });
      const port = p.port('permissive');
      const plain = await get(port, '/plain');
      assert.equal(plain.status, 200);
      assert.equal(JSON.parse(plain.body).upstream, 'b');
      const secure = await httpsGet(port, '/secure', { ca: ca.certPem });
      assert.equal(JSON.parse(secure.body).upstream, 'a');
      assert.equal(secure.peerSerial, reviews.serialNumber.toUpperCase(), 'the agent-provided `default` certificate');
      assert.deepEqual(p.plane.subscription(TypeUrl.Secret), undefined, '`default` is never asked of the control plane');
      assert.equal(p.proxy.stats.counter('tls_inspector.tls_not_found').value, 1);
    } finally {
      await p.close();
    }
  });

  it('mTLS hop client sidecar → server sidecar: ISTIO_MUTUAL by tlsMode metadata with the SPIFFE SAN checked; a wrong SAN is UF with the TLS error', async () => {
    const server = await startProxy('127.0.0.1', new SecretManager({ providers: [agentSecrets(reviews, ca)] }));
    const client = await startProxy('127.0.0.1', new SecretManager({ providers: [agentSecrets(productpage, ca)] }));
    try {
      await server.push({
        clusters: [edsCluster('inbound|9080||')],
        endpoints: [assignment('inbound|9080||', [a])],
        routes: [route('inbound', 'inbound|9080||')],
        listeners: [inspectedListener('virtualInbound', [{
          name: 'mtls',
          match: { transport_protocol: 'tls' },
          tls: downstreamTls({
            require_client_certificate: { value: true },
            common_tls_context: {
              alpn_protocols: ['h2', 'http/1.1'],
              tls_certificate_sds_secret_configs: [sds('default')],
              combined_validation_context: {
                default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { prefix: 'spiffe://cluster.local/' } }] },
                validation_context_sds_secret_config: sds('ROOTCA'),
              },
            },
          }),
          route: 'inbound',
        }])],
      });
      const inboundPort = server.port('virtualInbound');
      const mtls = (san: string, alpn = ['istio-peer-exchange', 'istio']) => upstreamTls({
        sni: 'outbound_.9080_._.reviews.default.svc.cluster.local',
        common_tls_context: {
          alpn_protocols: alpn,
          tls_certificate_sds_secret_configs: [sds('default')],
          combined_validation_context: {
            default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: san } }] },
            validation_context_sds_secret_config: sds('ROOTCA'),
          },
        },
      });
      const autoMtls = (san: string, alpn?: string[]) => ({
        transport_socket_matches: [
          { name: 'tlsMode-istio', match: { fields: { tlsMode: { string_value: 'istio' } } }, transport_socket: mtls(san, alpn) },
          { name: 'tlsMode-disabled', match: {}, transport_socket: { name: 'envoy.transport_sockets.raw_buffer', typed_config: { '@type': TypeUrl.RawBuffer } } },
        ],
      });
      const sidecarEndpoint = (cluster: string) => ({
        cluster_name: cluster,
        endpoints: [{ lb_endpoints: [{
          endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: inboundPort } } },
          metadata: { filter_metadata: { 'envoy.transport_socket_match': { fields: { tlsMode: { string_value: 'istio' } } } } },
        }] }],
      });
      await client.push({
        clusters: [
          edsCluster('reviews', autoMtls(REVIEWS)), edsCluster('wrong-san', autoMtls(spiffeId('default', 'ratings'))), edsCluster('plain', autoMtls(REVIEWS)),
          edsCluster('reviews-h2', { ...autoMtls(REVIEWS, ['istio-peer-exchange', 'istio', 'h2']), typed_extension_protocol_options: H2 }),
        ],
        endpoints: [sidecarEndpoint('reviews'), sidecarEndpoint('wrong-san'), assignment('plain', [b]), sidecarEndpoint('reviews-h2')],
        routes: [{
          name: 'out',
          virtual_hosts: [
            { name: 'reviews', domains: ['reviews'], routes: [{ match: { prefix: '/' }, route: { cluster: 'reviews' } }] },
            { name: 'ratings', domains: ['ratings'], routes: [{ match: { prefix: '/' }, route: { cluster: 'wrong-san' } }] },
            { name: 'plain', domains: ['plain'], routes: [{ match: { prefix: '/' }, route: { cluster: 'plain' } }] },
            { name: 'h2', domains: ['reviews-h2'], routes: [{ match: { prefix: '/' }, route: { cluster: 'reviews-h2' } }] },
          ],
        }],
        listeners: [listener('outbound', 'out')],
      });
      const out = client.port('outbound');

      const ok = await get(out, '/hop');
      assert.equal(ok.status, 200);
      assert.equal(JSON.parse(ok.body).upstream, 'a');
      assert.equal(client.proxy.stats.counter('cluster.reviews.ssl.handshake').value, 1);
      assert.equal(server.proxy.stats.counter('listener.127.0.0.1_0.ssl.handshake').value, 1);

      const h2 = await get(out, '/h2', { host: 'reviews-h2' });
      assert.equal(h2.status, 200, h2.body);
      assert.equal(JSON.parse(h2.body).upstream, 'a', 'HTTP/2 upstream over mTLS with ALPN h2, HTTP/1.1 on to the application');
      assert.equal(client.proxy.stats.counter('cluster.reviews-h2.ssl.handshake').value, 1);

      const plain = await get(out, '/p', { host: 'plain' });
      assert.equal(JSON.parse(plain.body).upstream, 'b', 'an endpoint without tlsMode metadata gets raw_buffer');

      const wrong = await get(out, '/r', { host: 'ratings' });
      assert.equal(wrong.status, 503);
      assert.equal(wrong.body, `upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: ${VERIFY_FAILED}`);
      assert.equal(client.proxy.stats.counter('cluster.wrong-san.ssl.fail_verify_san').value, 1);
      assert.equal(client.proxy.stats.counter('cluster.wrong-san.ssl.connection_error').value, 1);
      assert.equal(client.proxy.stats.counter('cluster.wrong-san.upstream_cx_connect_fail').value, 1);

      // A client whose certificate comes from another root is refused by the server sidecar.
      const stranger = await otherCa.issue({ uris: [PRODUCTPAGE] });
      await assert.rejects(httpsGet(inboundPort, '/', { ca: ca.certPem, cert: stranger }));
      assert.equal(server.proxy.stats.counter('listener.127.0.0.1_0.ssl.fail_verify_error').value, 1);
      await assert.rejects(httpsGet(inboundPort, '/', { ca: ca.certPem }), 'no client certificate');
      assert.equal(server.proxy.stats.counter('listener.127.0.0.1_0.ssl.fail_verify_no_cert').value, 1);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('carries tcp_proxy traffic over the mTLS hop (the client sidecar originates TLS for a TCP cluster, the server sidecar terminates it)', async () => {
    const tcpEcho = createServer((s) => s.pipe(s));
    tcpEcho.listen(0, '127.0.0.1');
    await once(tcpEcho, 'listening');
    const server = await startProxy('127.0.0.1', new SecretManager({ providers: [agentSecrets(reviews, ca)] }));
    const client = await startProxy('127.0.0.1', new SecretManager({ providers: [agentSecrets(productpage, ca)] }));
    try {
      const tcp = (cluster: string) => [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': TypeUrl.TcpProxy, stat_prefix: cluster, cluster } }];
      await server.push({
        clusters: [edsCluster('inbound|31400||')],
        endpoints: [assignment('inbound|31400||', [{ host: '127.0.0.1', port: (tcpEcho.address() as AddressInfo).port }])],
        listeners: [{
          name: 'virtualInbound',
          address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
          listener_filters: [{ name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': TypeUrl.TlsInspector } }],
          filter_chains: [{
            filter_chain_match: { transport_protocol: 'tls' },
            transport_socket: downstreamTls({ require_client_certificate: { value: true }, common_tls_context: { tls_certificate_sds_secret_configs: [sds('default')], validation_context_sds_secret_config: sds('ROOTCA') } }),
            filters: tcp('inbound|31400||'),
          }],
        }],
      });
      await client.push({
        clusters: [edsCluster('tcp', { transport_socket: upstreamTls({ common_tls_context: {
          tls_certificate_sds_secret_configs: [sds('default')],
          combined_validation_context: { default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: REVIEWS } }] }, validation_context_sds_secret_config: sds('ROOTCA') },
        } }) })],
        endpoints: [assignment('tcp', [{ host: '127.0.0.1', port: server.port('virtualInbound') }])],
        listeners: [{ name: 'tcp-out', address: { socket_address: { address: '127.0.0.1', port_value: 0 } }, filter_chains: [{ filters: tcp('tcp') }] }],
      });
      const conn = netConnect({ host: '127.0.0.1', port: client.port('tcp-out') });
      conn.write('ping over mTLS');
      let echoed = '';
      conn.setEncoding('utf8');
      conn.on('data', (c: string) => (echoed += c));
      await until(() => echoed === 'ping over mTLS', 'the echo through both sidecars');
      conn.destroy();
      assert.equal(client.proxy.stats.counter('cluster.tcp.ssl.handshake').value, 1);
      assert.equal(server.proxy.stats.counter('listener.127.0.0.1_0.ssl.handshake').value, 1);
    } finally {
      await client.close();
      await server.close();
      tcpEcho.close();
    }
  });

  it('serves with a static bootstrap secret named without sds_config, and never asks the control plane for it', async () => {
    const cert = await ca.issue({ dnsNames: ['a.example.com'] });
    const buf = (x: string) => ({ kind: 'inline' as const, value: Buffer.from(x) });
    const p = await startProxy('127.0.0.1', new SecretManager({ staticSecrets: [{ name: 'gateway-cert', tlsCertificate: { certificateChain: buf(cert.chainPem), privateKey: buf(cert.keyPem) }, validationContext: undefined }] }));
    try {
      await p.push({
        clusters: [edsCluster('a')],
        endpoints: [assignment('a', [a])],
        routes: [route('ra', 'a')],
        listeners: [inspectedListener('gw', [{ name: 'tls', tls: downstreamTls({ common_tls_context: { tls_certificate_sds_secret_configs: [{ name: 'gateway-cert' }] } }), route: 'ra' }])],
      });
      const r = await httpsGet(p.port('gw'), '/s', { servername: 'a.example.com', ca: ca.certPem });
      assert.equal(r.status, 200);
      assert.equal(r.peerSerial, cert.serialNumber.toUpperCase());
      assert.equal(p.plane.subscription(TypeUrl.Secret), undefined);
    } finally {
      await p.close();
    }
  });

  it("answers 503 UF with Envoy's 'Secret is not supplied by SDS' while no agent serves the workload certificate", async () => {
    const p = await startProxy('127.0.0.1', new SecretManager());
    try {
      await p.push({
        clusters: [edsCluster('reviews', { transport_socket: upstreamTls({ common_tls_context: { tls_certificate_sds_secret_configs: [sds('default')], validation_context_sds_secret_config: sds('ROOTCA') } }) })],
        endpoints: [assignment('reviews', [a])],
        routes: [route('out', 'reviews')],
        listeners: [listener('outbound', 'out')],
      });
      const r = await get(p.port('outbound'), '/');
      assert.equal(r.status, 503);
      assert.equal(r.body, 'upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS error: Secret is not supplied by SDS');
      assert.equal(a.seen.filter((x) => x.path === '/').length, 0, 'nothing reached the upstream');
    } finally {
      await p.close();
    }
  });

  it('rotates the agent\'s default and ROOTCA on both sidecars (a new root) while a stream is in flight on the old mTLS connection', async () => {
    const serverAgent = agentSecrets(reviews, ca);
    const clientAgent = agentSecrets(productpage, ca);
    const server = await startProxy('127.0.0.1', new SecretManager({ providers: [serverAgent] }));
    const client = await startProxy('127.0.0.1', new SecretManager({ providers: [clientAgent] }));
    try {
      await server.push({
        clusters: [edsCluster('inbound|9080||')],
        endpoints: [assignment('inbound|9080||', [a])],
        routes: [route('inbound', 'inbound|9080||')],
        listeners: [inspectedListener('virtualInbound', [{
          name: 'mtls',
          match: { transport_protocol: 'tls' },
          tls: downstreamTls({ require_client_certificate: { value: true }, common_tls_context: { tls_certificate_sds_secret_configs: [sds('default')], validation_context_sds_secret_config: sds('ROOTCA') } }),
          route: 'inbound',
        }])],
      });
      await client.push({
        clusters: [edsCluster('reviews', { transport_socket: upstreamTls({ common_tls_context: {
          tls_certificate_sds_secret_configs: [sds('default')],
          combined_validation_context: { default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: REVIEWS } }] }, validation_context_sds_secret_config: sds('ROOTCA') },
        } }) })],
        endpoints: [assignment('reviews', [{ host: '127.0.0.1', port: server.port('virtualInbound') }])],
        routes: [route('out', 'reviews')],
        listeners: [listener('outbound', 'out')],
      });
      const out = client.port('outbound');
      const inFlight = get(out, '/hold/rotation');
      await until(() => a.held === 1, 'the upstream to hold the request');

      const newRoot = await createTestCa({ commonName: 'Rotated Root' });
      const buf = (x: string) => ({ kind: 'inline' as const, value: Buffer.from(x) });
      for (const [agent, identity] of [[serverAgent, REVIEWS], [clientAgent, PRODUCTPAGE]] as const) {
        const cert = await newRoot.issue({ uris: [identity] });
        agent.set({ name: 'ROOTCA', tlsCertificate: undefined, validationContext: { trustedCa: buf(newRoot.certPem), matchTypedSubjectAltNames: [], acceptUntrusted: false } });
        agent.set({ name: 'default', tlsCertificate: { certificateChain: buf(cert.chainPem), privateKey: buf(cert.keyPem) }, validationContext: undefined });
      }
      const fresh = await get(out, '/after-rotation');
      assert.equal(fresh.status, 200, `a new connection under the new root: ${fresh.body}`);
      assert.equal(client.proxy.stats.counter('cluster.reviews.ssl.handshake').value, 2);
      a.release();
      const held = await inFlight;
      assert.equal(held.status, 200, 'the stream in flight on the old connection completed');
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('survives hostile TLS input: junk after a record header, an oversized ClientHello, a client that resets mid-handshake, plaintext on a TLS-only chain', async () => {
    const p = await startProxy('127.0.0.1', new SecretManager({ providers: [agentSecrets(reviews, ca)] }));
    try {
      await p.push({
        clusters: [edsCluster('a')],
        endpoints: [assignment('a', [a])],
        routes: [route('ra', 'a')],
        listeners: [inspectedListener('gw', [{ name: 'tls', tls: downstreamTls({ common_tls_context: { tls_certificate_sds_secret_configs: [sds('default')] } }), route: 'ra' }])],
      });
      const port = p.port('gw');
      const closes = async (bytes: Buffer, reset = false) => {
        const s = netConnect({ host: '127.0.0.1', port });
        s.on('error', () => {});
        s.resume(); // read the alert and the FIN, so 'close' can come
        await once(s, 'connect');
        s.write(bytes);
        if (reset) s.resetAndDestroy();
        else await once(s, 'close');
      };
      await closes(Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0x00, 0x00, 0x3c]), Buffer.alloc(60, 0xff)]));
      await closes(Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, 0x01, 0xff, 0xff, 0xff]), Buffer.alloc(0xfffb, 0x41), Buffer.from([0x16, 0x03, 0x01, 0x00, 0x01, 0x00])]));
      await closes(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40, 0x01]), true);
      await closes(Buffer.from('GET / HTTP/1.1\r\nHost: reviews\r\n\r\n'));
      await until(() => p.proxy.stats.counter('tls_inspector.client_hello_too_large').value === 1, 'the oversized ClientHello to be counted');
      const r = await httpsGet(port, '/still-fine', { ca: ca.certPem });
      assert.equal(r.status, 200, 'the listener still serves');
      assert.ok(p.proxy.stats.counter('listener.127.0.0.1_0.ssl.connection_error').value >= 2, 'failed handshakes are counted');
    } finally {
      await p.close();
    }
  });

  it('rotates an SDS secret: new connections get the new certificate while a stream in flight on the old one completes', async () => {
    const p = await startProxy('127.0.0.1', new SecretManager());
    try {
      const first = await ca.issue({ dnsNames: ['a.example.com'] });
      await p.push({
        clusters: [edsCluster('a')],
        endpoints: [assignment('a', [a])],
        routes: [route('ra', 'a')],
        secrets: [certSecret('kubernetes://rotating', first)],
        listeners: [inspectedListener('gw', [{ name: 'tls', tls: downstreamTls({ common_tls_context: { tls_certificate_sds_secret_configs: [sds('kubernetes://rotating')] } }), route: 'ra' }])],
      });
      const port = p.port('gw');
      const inFlight = httpsGet(port, '/hold/1', { servername: 'a.example.com', ca: ca.certPem });
      await until(() => a.held === 1, 'the upstream to hold the request');

      const second = await ca.issue({ dnsNames: ['a.example.com'] });
      const version = p.plane.setResources(TypeUrl.Secret, [certSecret('kubernetes://rotating', second)]);
      await p.plane.waitForAck(TypeUrl.Secret, version);
      await until(() => p.proxy.xds.snapshot().secrets?.get('kubernetes://rotating')?.version === version, 'the new secret version');

      assert.equal(await presentedSerial(port, 'a.example.com', ca.certPem), second.serialNumber.toUpperCase());
      a.release();
      const held = await inFlight;
      assert.equal(held.status, 200, 'the stream in flight during the rotation completed');
      assert.equal(held.peerSerial, first.serialNumber.toUpperCase(), 'on the connection made with the old certificate');
    } finally {
      await p.close();
    }
  });

  for (const protocol of ['sotw', 'delta'] as const) {
    it(`keeps a listener warming until its SDS secret arrives, and NACKs a Secret without a payload (${protocol})`, async () => {
      const p = await startProxy('127.0.0.1', new SecretManager(), protocol);
      try {
        p.plane.setResources(TypeUrl.Cluster, [edsCluster('a')]);
        p.plane.setResources(TypeUrl.ClusterLoadAssignment, [assignment('a', [a])]);
        p.plane.setResources(TypeUrl.RouteConfiguration, [route('ra', 'a')]);
        p.plane.setResources(TypeUrl.Listener, [inspectedListener('gw', [{ name: 'tls', tls: downstreamTls({ common_tls_context: { tls_certificate_sds_secret_configs: [sds('kubernetes://late')] } }), route: 'ra' }])]);
        await until(() => p.proxy.xds.snapshot().warmingListeners.has('gw'), 'the listener to warm');
        await until(() => p.plane.subscription(TypeUrl.Secret)?.names.includes('kubernetes://late') === true, 'the secret to be requested');
        assert.equal(p.proxy.xds.snapshot().listeners.has('gw'), false);

        const bad = p.plane.setResources(TypeUrl.Secret, [{ name: 'kubernetes://late' }]);
        const nack = await p.plane.waitForNack(TypeUrl.Secret, bad);
        assert.equal(nack.message, 'kubernetes://late: type: value is required');
        assert.equal(p.proxy.xds.snapshot().listeners.has('gw'), false, 'still warming after the NACK');

        const cert = await ca.issue({ dnsNames: ['a.example.com'] });
        p.plane.setResources(TypeUrl.Secret, [certSecret('kubernetes://late', cert)]);
        await until(() => p.proxy.xds.snapshot().listeners.has('gw'), 'the listener to go active');
        await p.proxy.listeners.settled();
        const r = await httpsGet(p.port('gw'), '/x', { servername: 'a.example.com', ca: ca.certPem });
        assert.equal(r.status, 200);
      } finally {
        await p.close();
      }
    });
  }

  it('NACKs a listener whose DownstreamTlsContext has no certificate, with the field path', async () => {
    const p = await startProxy('127.0.0.1', new SecretManager());
    try {
      const version = p.plane.setResources(TypeUrl.Listener, [inspectedListener('gw', [{ name: 'tls', tls: downstreamTls({ common_tls_context: {} }), route: 'ra' }])]);
      p.plane.setResources(TypeUrl.Cluster, []);
      const nack = await p.plane.waitForNack(TypeUrl.Listener, version);
      assert.equal(nack.message, 'Error adding/updating listener(s) gw: filter_chains[0].transport_socket.typed_config.common_tls_context: No TLS certificates found for server context');
    } finally {
      await p.close();
    }
  });
});
