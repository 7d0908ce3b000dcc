import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { FakeClock, type Clock } from '@skiff/common';
import { createLoadBalancerRegistry } from '../../load-balancers/index.ts';
import { parseClusterSettings } from '../../upstream/cluster-settings.ts';
import { parseUpstreamHttpProtocol, upstreamHttp2Options } from '../../upstream/conn-pool/http-protocol-options.ts';
import { parseHcmProtocolSettings } from '../../listener/network-filters/http-connection-manager/protocol.ts';
import { parseCluster } from '../../xds-client/resource-types/cluster.ts';
import { parseListener } from '../../xds-client/resource-types/listener.ts';
import { selectCodec, sniffPreface, type ChosenCodec } from './codec-select.ts';
import { headerMapFromRaw, toHttp2Headers } from './headers.ts';
import { HeaderMap } from '../codec/header-map.ts';
import { DEFAULT_HTTP2_OPTIONS } from './options.ts';

const KEY = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const TYPE = 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

function cluster(options: Record<string, unknown>) {
  const parsed = parseCluster({ name: 'c', type: 'STATIC', typed_extension_protocol_options: { [KEY]: { '@type': TYPE, ...options } } });
  assert.ok(parsed.ok);
  return parsed.value;
}

describe('HTTP/2 codec choice', () => {
  it('decides by the connection preface, waiting while the bytes are a prefix of it', () => {
    assert.equal(sniffPreface(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0')), 'http2');
    assert.equal(sniffPreface(Buffer.from('PRI * HT')), undefined);
    assert.equal(sniffPreface(Buffer.from('GET / HTTP/1.1\r\n')), 'http1');
    assert.equal(sniffPreface(Buffer.from('PRI * HTTP/1.1')), 'http1');
  });

  it('puts the sniffed bytes back for the chosen codec, across several reads', async () => {
    const socket = new PassThrough();
    const chosen: ChosenCodec[] = [];
    selectCodec(socket, 'AUTO', new FakeClock(0) as Clock, 1000, (c) => chosen.push(c));
    socket.write('PRI * HTTP/2.0\r\n');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(chosen, []);
    socket.write('\r\nSM\r\n\r\nrest');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(chosen, ['http2']);
    assert.equal(String(socket.read()), 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nrest');
  });

  it('closes a connection that says nothing within the idle timeout (injected clock)', () => {
    const clock = new FakeClock(0);
    const socket = new PassThrough();
    selectCodec(socket, 'AUTO', clock as Clock, 1000, () => assert.fail('no codec without bytes'));
    clock.advance(1000);
    assert.equal(socket.destroyed, true);
  });

  it('takes ALPN h2 as HTTP/2 and any other ALPN as HTTP/1.1; HTTP1/HTTP2 force the codec', () => {
    const chosen: ChosenCodec[] = [];
    const tls = (alpn: string) => Object.assign(new PassThrough(), { alpnProtocol: alpn });
    selectCodec(tls('h2'), 'AUTO', new FakeClock(0) as Clock, 0, (c) => chosen.push(c));
    selectCodec(tls('http/1.1'), 'AUTO', new FakeClock(0) as Clock, 0, (c) => chosen.push(c));
    selectCodec(new PassThrough(), 'HTTP2', new FakeClock(0) as Clock, 0, (c) => chosen.push(c));
    selectCodec(new PassThrough(), 'HTTP1', new FakeClock(0) as Clock, 0, (c) => chosen.push(c));
    assert.deepEqual(chosen, ['http2', 'http1', 'http2', 'http1']);
  });
});

describe('HTTP/2 protocol options', () => {
  it("keeps Envoy's defaults: 2147483647 concurrent streams, 256 MiB windows", () => {
    assert.deepEqual(DEFAULT_HTTP2_OPTIONS, { maxConcurrentStreams: 2147483647, initialStreamWindowSize: 268435456, initialConnectionWindowSize: 268435456 });
    const hcm = parseHcmProtocolSettings({});
    assert.equal(hcm.codecType, 'AUTO');
    assert.deepEqual(hcm.http2, DEFAULT_HTTP2_OPTIONS);
    assert.equal(hcm.upgradeTypes.size, 0);
  });

  it('reads codec_type, http2_protocol_options and enabled upgrade_configs from the HCM', () => {
    const s = parseHcmProtocolSettings({
      codec_type: 'HTTP2',
      http2_protocol_options: { max_concurrent_streams: { value: 100 }, initial_stream_window_size: { value: 65536 } },
      upgrade_configs: [{ upgrade_type: 'WebSocket' }, { upgrade_type: 'CONNECT', enabled: { value: false } }],
    });
    assert.equal(s.codecType, 'HTTP2');
    assert.equal(s.http2.maxConcurrentStreams, 100);
    assert.equal(s.http2.initialStreamWindowSize, 65536);
    assert.deepEqual([...s.upgradeTypes], ['websocket']);
  });

  it('chooses the upstream protocol from HttpProtocolOptions: explicit HTTP/2, explicit HTTP/1.1, the downstream one', () => {
    const explicit = cluster({ explicit_http_config: { http2_protocol_options: { max_concurrent_streams: { value: 7 } } } });
    assert.equal(upstreamHttp2Options(explicit, 'HTTP/1.1')?.maxConcurrentStreams, 7);
    assert.equal(upstreamHttp2Options(cluster({ explicit_http_config: { http_protocol_options: {} } }), 'HTTP/2'), undefined);
    const downstream = cluster({ use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} } });
    assert.equal(upstreamHttp2Options(downstream, 'HTTP/1.1'), undefined);
    assert.deepEqual(upstreamHttp2Options(downstream, 'HTTP/2'), DEFAULT_HTTP2_OPTIONS);
  });

  it('NACKs out-of-range windows and HTTP/3 with the field path', () => {
    const errors: string[] = [];
    parseUpstreamHttpProtocol(cluster({ explicit_http_config: { http2_protocol_options: { initial_stream_window_size: { value: 100 } } } }), errors);
    parseUpstreamHttpProtocol(cluster({ explicit_http_config: { http3_protocol_options: {} } }), errors);
    assert.equal(errors.length, 2);
    assert.match(errors[0], /initial_stream_window_size.*value must be inside range \[65535, 2147483647\]/);
    assert.match(errors[1], /http3_protocol_options.*HTTP\/3 upstreams are not supported/);
    // Through the CDS path the cluster is rejected.
    const settings = parseClusterSettings(cluster({ explicit_http_config: { http2_protocol_options: { max_concurrent_streams: { value: 0 } } } }), createLoadBalancerRegistry());
    assert.equal(settings.ok, false);
    assert.match(settings.ok ? '' : settings.errors.join(), /max_concurrent_streams: value must be inside range \[1, 2147483647\]/);
  });

  it('NACKs a listener whose HCM has an unknown codec_type or a window below 65535, naming the field', () => {
    const hcm = {
      '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
      stat_prefix: 'x', rds: { route_config_name: 'r', config_source: { ads: {} } },
      http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
      codec_type: 'HTTP3',
      http2_protocol_options: { initial_connection_window_size: { value: 1 } },
    };
    const parsed = parseListener({ name: 'l', address: { socket_address: { address: '127.0.0.1', port_value: 80 } }, filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] }] });
    assert.equal(parsed.ok, false);
    const text = parsed.ok ? '' : parsed.errors.join('\n');
    assert.match(text, /codec_type: HTTP\/3 downstreams are not supported/);
    assert.match(text, /http2_protocol_options\.initial_connection_window_size: value must be inside range \[65535, 2147483647\]/);
  });
});

describe('HTTP/2 header conversion', () => {
  it('joins split cookie fields and drops pseudo-headers coming in', () => {
    const map = headerMapFromRaw([':method', 'GET', 'cookie', 'a=1', 'x-y', 'z', 'cookie', 'b=2']);
    assert.deepEqual([...map], [['x-y', 'z'], ['cookie', 'a=1; b=2']]);
  });

  it('drops connection-specific headers going out, keeps te: trailers only, repeats as arrays', () => {
    const map = HeaderMap.from([['Connection', 'keep-alive'], ['Keep-Alive', '5'], ['Transfer-Encoding', 'chunked'], ['Host', 'h'], ['TE', 'trailers'], ['Set-Cookie', 'a'], ['set-cookie', 'b'], ['X-A', '1']]);
    assert.deepEqual(toHttp2Headers(map, { ':status': 200 }), { ':status': 200, te: 'trailers', 'set-cookie': ['a', 'b'], 'x-a': '1' });
    assert.deepEqual(toHttp2Headers(HeaderMap.from([['te', 'gzip']]), {}), {});
  });
});
