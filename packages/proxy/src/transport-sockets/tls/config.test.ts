import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { ParseErrors, WireReader } from '../../http/route-table/wire-reader.ts';
import type { ClusterConfig, ListenerConfig } from '../../xds-client/types.ts';
import { clusterSecretRefs, listenerSecretRefs, parseClusterTransportSockets, parseListenerTransportSockets } from '../transport-socket-config.ts';
import { parseDownstreamTlsContext, parseSecretBody, parseUpstreamTlsContext } from './config.ts';

const reader = () => new WireReader(new ParseErrors());
const sds = (name: string) => ({ name, sds_config: { ads: {} } });

describe('TLS context parsing (wire → config, errors with field paths)', () => {
  it("reads Istio's ISTIO_MUTUAL upstream context: SDS default/ROOTCA, SPIFFE SAN matchers, ALPN, SNI", () => {
    const r = reader();
    const c = parseUpstreamTlsContext(r, {
      sni: 'outbound_.9080_._.reviews.default.svc.cluster.local',
      common_tls_context: {
        alpn_protocols: ['istio-peer-exchange', 'istio'],
        tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
        tls_certificate_sds_secret_configs: [sds('default')],
        combined_validation_context: {
          default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: 'spiffe://cluster.local/ns/default/sa/reviews' } }] },
          validation_context_sds_secret_config: sds('ROOTCA'),
        },
      },
    }, []);
    assert.deepEqual(r.errors.list, []);
    assert.equal(c.sni, 'outbound_.9080_._.reviews.default.svc.cluster.local');
    assert.deepEqual(c.common.tlsCertificateSds, [{ name: 'default', source: 'ads' }]);
    assert.deepEqual(c.common.validationSds, { name: 'ROOTCA', source: 'ads' });
    assert.deepEqual(c.common.validation?.matchTypedSubjectAltNames, [{ sanType: 'URI', matcher: { kind: 'exact', value: 'spiffe://cluster.local/ns/default/sa/reviews', ignoreCase: false } }]);
    assert.deepEqual([c.common.tlsParams.minVersion, c.common.tlsParams.maxVersion], ['TLSv1.2', 'TLSv1.3']);
  });

  it('rejects a server context without certificates, require_client_certificate without a CA, bad versions and SAN types, with paths', () => {
    const r = reader();
    parseDownstreamTlsContext(r, {
      require_client_certificate: { value: true },
      common_tls_context: {
        tls_params: { tls_minimum_protocol_version: 'TLSv1_3', tls_maximum_protocol_version: 'TLSv1_2' },
        validation_context: { match_typed_subject_alt_names: [{ matcher: { exact: 'x' } }] },
      },
    }, ['filter_chains', 0, 'transport_socket', 'typed_config']);
    assert.deepEqual(r.errors.list, [
      'filter_chains[0].transport_socket.typed_config.common_tls_context.validation_context.match_typed_subject_alt_names[0].san_type: value must not be in list [SAN_TYPE_UNSPECIFIED]',
      'filter_chains[0].transport_socket.typed_config.common_tls_context.tls_params: Minimum TLS protocol version TLSv1.3 is greater than maximum TLSv1.2',
      'filter_chains[0].transport_socket.typed_config.common_tls_context: No TLS certificates found for server context',
      'filter_chains[0].transport_socket.typed_config.require_client_certificate: require_client_certificate is set but no trusted CA is configured',
    ]);
  });

  it('reads a Secret with a certificate from inline bytes (base64 on the wire) or a file, and one with a trust bundle', () => {
    const r = reader();
    const cert = parseSecretBody(r, { name: 'default', tls_certificate: { certificate_chain: { inline_bytes: Buffer.from('CHAIN').toString('base64') }, private_key: { filename: '/etc/certs/key.pem' } } }, []);
    const root = parseSecretBody(r, { name: 'ROOTCA', validation_context: { trusted_ca: { inline_string: 'ROOT' } } }, []);
    assert.deepEqual(r.errors.list, []);
    assert.deepEqual(cert.tlsCertificate, { certificateChain: { kind: 'inline', value: Buffer.from('CHAIN') }, privateKey: { kind: 'filename', path: '/etc/certs/key.pem' } });
    assert.deepEqual(root.validationContext?.trustedCa, { kind: 'inline', value: Buffer.from('ROOT') });
    parseSecretBody(r, { name: 'x', tls_certificate: { certificate_chain: { environment_variable: 'CERT' } } }, []);
    assert.deepEqual(r.errors.list, ['tls_certificate.private_key: value is required', 'tls_certificate.certificate_chain.environment_variable: environment variable data sources are not supported']);
  });
});

describe('transport sockets of listeners and clusters', () => {
  const upstream = (san: string) => ({ name: 'envoy.transport_sockets.tls', transport_socket: undefined, typed_config: { '@type': TypeUrl.UpstreamTlsContext, common_tls_context: { tls_certificate_sds_secret_configs: [sds('default')], validation_context_sds_secret_config: sds('ROOTCA'), validation_context: { match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: san } }] } } } });
  const cluster = (o: Partial<ClusterConfig>): ClusterConfig => ({ name: 'c', transportSocket: undefined, transportSocketMatches: [], ...o } as unknown as ClusterConfig);

  it("parses transport_socket_matches (Istio's auto mTLS pair) and lists the secrets they need", () => {
    const c = cluster({
      transportSocketMatches: [
        { name: 'tlsMode-istio', match: { fields: { tlsMode: { string_value: 'istio' } } }, transport_socket: upstream('spiffe://cluster.local/ns/default/sa/reviews') },
        { name: 'tlsMode-disabled', match: {}, transport_socket: { name: 'envoy.transport_sockets.raw_buffer', typed_config: { '@type': TypeUrl.RawBuffer } } },
      ],
    });
    const parsed = parseClusterTransportSockets(c);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.matches.map((m) => [m.name, m.match, m.socket.kind]), [['tlsMode-istio', { tlsMode: 'istio' }, 'tls'], ['tlsMode-disabled', {}, 'raw_buffer']]);
    assert.deepEqual(parsed.value.defaultSocket, { kind: 'raw_buffer' });
    assert.deepEqual(clusterSecretRefs(c).map((r) => r.name), ['default', 'ROOTCA']);
  });

  it("NACKs an unknown transport socket with Envoy's wording", () => {
    const parsed = parseClusterTransportSockets(cluster({ transportSocket: { name: 'envoy.transport_sockets.alts', typedUrl: undefined, typeUrl: 'type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts', config: {} } as never }));
    assert.deepEqual(!parsed.ok && parsed.errors, ["transport_socket: Didn't find a registered implementation for 'envoy.transport_sockets.alts' with type URL: 'type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts'"]);
  });

  it('parses each filter chain\'s DownstreamTlsContext and lists its SDS secrets', () => {
    const chain = (transportSocket: unknown) => ({ name: '', match: {}, filters: [], transportSocket });
    const l = {
      filterChains: [chain({ name: 'tls', typeUrl: TypeUrl.DownstreamTlsContext, config: { common_tls_context: { tls_certificate_sds_secret_configs: [sds('kubernetes://cert')] } } }), chain(undefined)],
      defaultFilterChain: undefined,
    } as unknown as ListenerConfig;
    const parsed = parseListenerTransportSockets(l);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.length, 2);
    assert.equal(parsed.value[1], undefined);
    assert.deepEqual(listenerSecretRefs(l), [{ name: 'kubernetes://cert', source: 'ads' }]);
  });
});
