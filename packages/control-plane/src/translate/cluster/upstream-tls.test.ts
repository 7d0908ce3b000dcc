import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { configGen, routerProxy, sidecarProxy } from '@skiff/testing/config-gen.ts';
import { HTTP_PROTOCOL_OPTIONS_KEY } from './cluster-draft.ts';
import { sanMatcher } from './upstream-tls.ts';
import type { ClusterWire, TransportSocketWire } from './wire.ts';

const HOST = 'reviews.default.svc.cluster.local';
const SDS = { ads: {}, resource_api_version: 'V3' };
const TLS_PARAMS = { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' };

const pod = (name: string, ip: string, labels: string, sa: string, containers = '[{name: app, image: app}, {name: istio-proxy, image: proxy}]') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: ${labels}, annotations: {skiff.test/ip: ${ip}}}
spec: {serviceAccountName: ${sa}, containers: ${containers}}
---
`;

const REVIEWS = `
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}, {name: grpc, port: 9090}]}
---
` + pod('reviews-v1', '10.0.1.1', '{app: reviews, version: v1}', 'bookinfo-reviews')
  + pod('reviews-v2', '10.0.1.2', '{app: reviews, version: v2}', 'reviews-v2', '[{name: app, image: app}]');

const dr = (body: string, name = 'reviews') => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}}
spec:
  host: reviews
${body}
---
`;

const tlsOf = (socket: TransportSocketWire | undefined) => {
  assert.ok(socket, 'expected a transport socket');
  assert.equal(socket.name, 'envoy.transport_sockets.tls');
  assert.equal(socket.typed_config['@type'], TypeUrl.UpstreamTlsContext);
  return socket.typed_config;
};
const upstreamOptions = (c: ClusterWire) => c.typed_extension_protocol_options?.[HTTP_PROTOCOL_OPTIONS_KEY]?.upstream_http_protocol_options;

const SANS = [
  { san_type: 'URI', matcher: { exact: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews' } },
  { san_type: 'URI', matcher: { exact: 'spiffe://cluster.local/ns/default/sa/reviews-v2' } },
];

function istioMutual(sni: string, alpn = ['istio-peer-exchange', 'istio'], sans: unknown = SANS) {
  return {
    '@type': TypeUrl.UpstreamTlsContext,
    common_tls_context: {
      tls_params: TLS_PARAMS,
      alpn_protocols: alpn,
      tls_certificate_sds_secret_configs: [{ name: 'default', sds_config: SDS }],
      combined_validation_context: {
        default_validation_context: { match_typed_subject_alt_names: sans },
        validation_context_sds_secret_config: { name: 'ROOTCA', sds_config: SDS },
      },
    },
    sni,
  };
}

describe('auto mTLS', () => {
  it('gives a cluster without DestinationRule tls a tlsMode-istio / tlsMode-disabled socket pair', () => {
    const c = configGen({ yaml: REVIEWS }).cluster(sidecarProxy(), `outbound|9080||${HOST}`);
    assert.equal(c.transport_socket, undefined);
    assert.deepEqual(c.transport_socket_matches, [
      {
        name: 'tlsMode-istio',
        match: { fields: { tlsMode: { string_value: 'istio' } } },
        transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: istioMutual(`outbound_.9080_._.${HOST}`) },
      },
      { name: 'tlsMode-disabled', match: { fields: {} }, transport_socket: { name: 'envoy.transport_sockets.raw_buffer', typed_config: { '@type': TypeUrl.RawBuffer } } },
    ]);
  });

  it('uses the subset SNI and advertises h2 on HTTP/2 clusters', () => {
    const gen = configGen({ yaml: REVIEWS + dr('  subsets: [{name: v1, labels: {version: v1}}]') });
    const v1 = gen.cluster(sidecarProxy(), `outbound|9090|v1|${HOST}`);
    assert.deepEqual(v1.transport_socket_matches?.[0].transport_socket.typed_config, istioMutual(`outbound_.9090_.v1_.${HOST}`, ['istio-peer-exchange', 'istio', 'h2']));
  });

  it('marks only endpoints with a sidecar as tlsMode istio in EDS', () => {
    const cla = configGen({ yaml: REVIEWS }).endpoints(sidecarProxy(), `outbound|9080||${HOST}`);
    assert.deepEqual(cla.endpoints[0].lb_endpoints.map((e) => e.metadata), [
      { filter_metadata: { 'envoy.transport_socket_match': { fields: { tlsMode: { string_value: 'istio' } } } } },
      undefined,
    ]);
  });

  it('applies to gateways too, but not to mesh-external services or when the mesh turns it off', () => {
    const external = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext}
spec: {hosts: [api.example.com], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS}
---
`;
    const gen = configGen({ yaml: REVIEWS + external });
    assert.equal(gen.cluster(routerProxy(), `outbound|9080||${HOST}`).transport_socket_matches?.length, 2);
    const ext = gen.cluster(sidecarProxy(), 'outbound|443||api.example.com');
    assert.equal(ext.transport_socket, undefined);
    assert.equal(ext.transport_socket_matches, undefined);
    const off = configGen({ yaml: REVIEWS, mesh: { enableAutoMtls: false } }).cluster(sidecarProxy(), `outbound|9080||${HOST}`);
    assert.equal(off.transport_socket_matches, undefined);
    assert.equal(off.transport_socket, undefined);
  });

  it('sends mTLS straight to a headless service only when every endpoint has a sidecar', () => {
    const headless = (containers: string) => `
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}, ports: [{name: tcp, port: 5432}]}
---
` + pod('db-0', '10.0.2.1', '{app: db}', 'db') + pod('db-1', '10.0.2.2', '{app: db}', 'db', containers);
    const name = 'outbound|5432||db.default.svc.cluster.local';
    const meshed = configGen({ yaml: headless('[{name: app, image: app}, {name: istio-proxy, image: proxy}]') }).cluster(sidecarProxy(), name);
    assert.equal(meshed.type, 'ORIGINAL_DST');
    assert.equal(meshed.transport_socket_matches, undefined);
    assert.equal(tlsOf(meshed.transport_socket).sni, 'outbound_.5432_._.db.default.svc.cluster.local');
    const mixed = configGen({ yaml: headless('[{name: app, image: app}]') }).cluster(sidecarProxy(), name);
    assert.equal(mixed.transport_socket, undefined);
    assert.equal(mixed.transport_socket_matches, undefined);
  });
});

describe('DestinationRule tls', () => {
  const cluster = (body: string, name = `outbound|9080||${HOST}`, proxy = sidecarProxy(), extra = '') =>
    configGen({ yaml: REVIEWS + extra + dr(body) }).cluster(proxy, name);

  it('DISABLE sends plain text, with no auto mTLS either', () => {
    const c = cluster('  trafficPolicy: {tls: {mode: DISABLE}}');
    assert.equal(c.transport_socket, undefined);
    assert.equal(c.transport_socket_matches, undefined);
  });

  it('ISTIO_MUTUAL is a plain transport_socket, keeping the rule\'s own sni and subjectAltNames', () => {
    const auto = cluster('  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}');
    assert.equal(auto.transport_socket_matches, undefined);
    assert.deepEqual(auto.transport_socket?.typed_config, istioMutual(`outbound_.9080_._.${HOST}`));
    const own = cluster('  trafficPolicy: {tls: {mode: ISTIO_MUTUAL, sni: reviews.internal, subjectAltNames: ["spiffe://other.domain/ns/x/sa/y"]}}');
    assert.deepEqual(own.transport_socket?.typed_config, istioMutual('reviews.internal', undefined, [{ san_type: 'URI', matcher: { exact: 'spiffe://other.domain/ns/x/sa/y' } }]));
  });

  it('SIMPLE validates against the system roots by default, with auto SNI and SAN validation', () => {
    const c = cluster('  trafficPolicy: {tls: {mode: SIMPLE}}');
    assert.deepEqual(c.transport_socket?.typed_config, {
      '@type': TypeUrl.UpstreamTlsContext,
      common_tls_context: {
        tls_params: TLS_PARAMS,
        combined_validation_context: {
          default_validation_context: {},
          validation_context_sds_secret_config: { name: 'file-root:system', sds_config: SDS },
        },
      },
    });
    assert.deepEqual(upstreamOptions(c), { auto_sni: true, auto_san_validation: true });
  });

  it('SIMPLE with caCertificates, sni, subjectAltNames and caCrl; h2 ALPN on HTTP/2 ports', () => {
    const c = cluster('  trafficPolicy: {tls: {mode: SIMPLE, caCertificates: /etc/certs/ca.pem, caCrl: /etc/certs/crl.pem, sni: reviews.example.com, subjectAltNames: [reviews.example.com, 10.0.0.1]}}', `outbound|9090||${HOST}`);
    const tls = tlsOf(c.transport_socket);
    assert.equal(tls.sni, 'reviews.example.com');
    assert.deepEqual(tls.common_tls_context?.alpn_protocols, ['h2']);
    assert.deepEqual(tls.common_tls_context?.combined_validation_context, {
      default_validation_context: {
        match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: 'reviews.example.com' } }, { san_type: 'IP_ADDRESS', matcher: { exact: '10.0.0.1' } }],
        crl: { filename: '/etc/certs/crl.pem' },
      },
      validation_context_sds_secret_config: { name: 'file-root:/etc/certs/ca.pem', sds_config: SDS },
    });
    assert.equal(upstreamOptions(c), undefined);
  });

  it('SIMPLE with insecureSkipVerify verifies nothing and turns off auto SAN validation', () => {
    const c = cluster('  trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true}}');
    const common = tlsOf(c.transport_socket).common_tls_context!;
    assert.deepEqual(common.validation_context, {});
    assert.equal(common.combined_validation_context, undefined);
    assert.deepEqual(upstreamOptions(c), { auto_sni: true });
  });

  it('MUTUAL with files presents file-cert:<cert>~<key> and trusts file-root:<ca>', () => {
    const c = cluster('  trafficPolicy: {tls: {mode: MUTUAL, clientCertificate: /etc/certs/cert.pem, privateKey: /etc/certs/key.pem, caCertificates: /etc/certs/ca.pem}}');
    const common = tlsOf(c.transport_socket).common_tls_context!;
    assert.deepEqual(common.tls_certificate_sds_secret_configs, [{ name: 'file-cert:/etc/certs/cert.pem~/etc/certs/key.pem', sds_config: SDS }]);
    assert.equal(common.combined_validation_context?.validation_context_sds_secret_config.name, 'file-root:/etc/certs/ca.pem');
  });

  it('MUTUAL with credentialName uses kubernetes://<name> and <name>-cacert on gateways', () => {
    const c = cluster('  trafficPolicy: {tls: {mode: MUTUAL, credentialName: reviews-client, subjectAltNames: [reviews.example.com]}}', `outbound|9080||${HOST}`, routerProxy());
    const common = tlsOf(c.transport_socket).common_tls_context!;
    assert.deepEqual(common.tls_certificate_sds_secret_configs, [{ name: 'kubernetes://reviews-client', sds_config: SDS }]);
    assert.deepEqual(common.combined_validation_context, {
      default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: 'reviews.example.com' } }] },
      validation_context_sds_secret_config: { name: 'kubernetes://reviews-client-cacert', sds_config: SDS },
    });
    const simple = cluster('  trafficPolicy: {tls: {mode: SIMPLE, credentialName: reviews-ca}}', `outbound|9080||${HOST}`, routerProxy());
    assert.equal(tlsOf(simple.transport_socket).common_tls_context?.tls_certificate_sds_secret_configs, undefined);
    assert.equal(tlsOf(simple.transport_socket).common_tls_context?.combined_validation_context?.validation_context_sds_secret_config.name, 'kubernetes://reviews-ca-cacert');
  });

  it('ignores credentialName on sidecars unless the rule has a workloadSelector, as Istio does', () => {
    const body = '  trafficPolicy: {tls: {mode: MUTUAL, credentialName: reviews-client}}';
    const plain = cluster(body);
    assert.equal(plain.transport_socket, undefined);
    assert.equal(plain.transport_socket_matches, undefined);
    const client = sidecarProxy({ labels: { app: 'productpage' } });
    const selected = cluster(`  workloadSelector: {matchLabels: {app: productpage}}\n${body}`, `outbound|9080||${HOST}`, client);
    assert.equal(tlsOf(selected.transport_socket).common_tls_context?.tls_certificate_sds_secret_configs?.[0].name, 'kubernetes://reviews-client');
  });

  it('merges port-level and subset-level tls as Istio does', () => {
    const gen = configGen({ yaml: REVIEWS + dr(`
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
    portLevelSettings: [{port: {number: 9090}, tls: {mode: DISABLE}}]
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}, trafficPolicy: {tls: {mode: SIMPLE, sni: v2.reviews}}}
  - {name: v3, labels: {version: v3}, trafficPolicy: {portLevelSettings: [{port: {number: 9080}, tls: {mode: DISABLE}}]}}`) });
    const proxy = sidecarProxy();
    const sni = (name: string) => gen.cluster(proxy, name).transport_socket?.typed_config.sni;
    assert.equal(sni(`outbound|9080||${HOST}`), `outbound_.9080_._.${HOST}`);
    assert.equal(gen.cluster(proxy, `outbound|9090||${HOST}`).transport_socket, undefined, 'port-level DISABLE');
    assert.equal(sni(`outbound|9080|v1|${HOST}`), `outbound_.9080_.v1_.${HOST}`, 'subset inherits the top level');
    assert.equal(gen.cluster(proxy, `outbound|9090|v1|${HOST}`).transport_socket, undefined, 'subset inherits the port level');
    assert.equal(sni(`outbound|9080|v2|${HOST}`), 'v2.reviews', 'subset tls overrides');
    assert.equal(sni(`outbound|9090|v2|${HOST}`), 'v2.reviews', 'subset tls overrides the top-level port setting');
    assert.equal(gen.cluster(proxy, `outbound|9080|v3|${HOST}`).transport_socket, undefined, 'subset port-level DISABLE');
    assert.equal(gen.cluster(proxy, `outbound|9080|v3|${HOST}`).transport_socket_matches, undefined);
  });

  it('checks a ServiceEntry\'s subjectAltNames when SIMPLE names none, and adds MeshConfig tlsDefaults', () => {
    const gen = configGen({
      mesh: { tlsDefaults: { ecdhCurves: ['P-256'], cipherSuites: ['ECDHE-ECDSA-AES256-GCM-SHA384'] } },
      yaml: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext}
spec: {hosts: [api.example.com], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS, subjectAltNames: [api.example.com]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ext}
spec: {host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE, sni: api.example.com}}}
` });
    const common = tlsOf(gen.cluster(sidecarProxy(), 'outbound|443||api.example.com').transport_socket).common_tls_context!;
    assert.deepEqual(common.combined_validation_context?.default_validation_context, { match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: 'api.example.com' } }] });
    assert.deepEqual(common.tls_params, { ...TLS_PARAMS, ecdh_curves: ['P-256'], cipher_suites: ['ECDHE-ECDSA-AES256-GCM-SHA384'] });
  });

  it('keeps transport sockets out of proxyless gRPC clusters', async () => {
    const { buildGrpcClusters } = await import('../grpc/cluster.ts');
    const gen = configGen({ yaml: REVIEWS + dr('  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}') });
    const [c] = buildGrpcClusters(sidecarProxy(), gen.push, new Set([`outbound|9080||${HOST}`]));
    assert.equal(c.transport_socket, undefined);
    assert.equal(c.transport_socket_matches, undefined);
  });
});

describe('SAN types', () => {
  it('types SPIFFE ids as URI, IP literals as IP_ADDRESS, user@host as EMAIL, other names as DNS', () => {
    assert.equal(sanMatcher('spiffe://cluster.local/ns/a/sa/b').san_type, 'URI');
    assert.equal(sanMatcher('10.1.2.3').san_type, 'IP_ADDRESS');
    assert.equal(sanMatcher('::1').san_type, 'IP_ADDRESS');
    assert.equal(sanMatcher('ops@example.com').san_type, 'EMAIL');
    assert.equal(sanMatcher('*.example.com').san_type, 'DNS');
  });
});
