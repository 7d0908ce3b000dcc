/**
 * Which protocol a cluster speaks upstream, from
 * typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]:
 * explicit_http_config (http_protocol_options → HTTP/1.1, http2_protocol_options
 * → HTTP/2; Istio sets this for HTTP2 and GRPC ports), use_downstream_protocol_config
 * (Istio's useClientProtocol: the downstream's protocol), or neither (HTTP/1.1,
 * Envoy's default). Parsed at CDS time — errors NACK the cluster — and
 * cached per ClusterConfig for the data path.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { ParseErrors, WireReader } from '../../http/route-table/wire-reader.ts';
import type { HttpProtocol } from '../../http/downstream-stream.ts';
import { readHttp2Options, type Http2Options } from '../../http/http2/options.ts';
import type { ClusterConfig } from '../../xds-client/types.ts';

export const HTTP_PROTOCOL_OPTIONS_KEY = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

export type UpstreamHttpProtocol =
  | { readonly kind: 'http1' }
  | { readonly kind: 'http2'; readonly http2: Http2Options }
  | { readonly kind: 'downstream'; readonly http2: Http2Options };

const HTTP1: UpstreamHttpProtocol = { kind: 'http1' };
const cache = new WeakMap<ClusterConfig, UpstreamHttpProtocol>();

/** Parses (once per config object) and reports errors with field paths into `errors`. */
export function parseUpstreamHttpProtocol(cluster: ClusterConfig, errors: string[]): UpstreamHttpProtocol {
  const cached = cache.get(cluster);
  if (cached !== undefined) return cached;
  const r = new WireReader(new ParseErrors());
  const result = read(r, cluster.typedExtensionProtocolOptions);
  errors.push(...r.errors.list);
  cache.set(cluster, result);
  return result;
}

/** The HTTP/2 options to use for a request from `downstream`, or undefined for HTTP/1.1. */
export function upstreamHttp2Options(cluster: ClusterConfig, downstream: HttpProtocol): Http2Options | undefined {
  const p = parseUpstreamHttpProtocol(cluster, []);
  if (p.kind === 'http2') return p.http2;
  if (p.kind === 'downstream' && downstream === 'HTTP/2') return p.http2;
  return undefined;
}

function read(r: WireReader, all: WireMessage | undefined): UpstreamHttpProtocol {
  const at = ['typed_extension_protocol_options', HTTP_PROTOCOL_OPTIONS_KEY];
  const opts = all === undefined ? undefined : r.object(all, HTTP_PROTOCOL_OPTIONS_KEY, at.slice(0, 1));
  if (opts === undefined) return HTTP1;
  const explicit = r.object(opts, 'explicit_http_config', at);
  if (explicit !== undefined) {
    const eat = [...at, 'explicit_http_config'];
    if (explicit.http3_protocol_options !== undefined) r.errors.add([...eat, 'http3_protocol_options'], 'HTTP/3 upstreams are not supported');
    const h2 = r.object(explicit, 'http2_protocol_options', eat);
    return h2 === undefined ? HTTP1 : { kind: 'http2', http2: readHttp2Options(r, h2, [...eat, 'http2_protocol_options']) };
  }
  const downstream = r.object(opts, 'use_downstream_protocol_config', at);
  if (downstream !== undefined) {
    const dat = [...at, 'use_downstream_protocol_config'];
    return { kind: 'downstream', http2: readHttp2Options(r, r.object(downstream, 'http2_protocol_options', dat), [...dat, 'http2_protocol_options']) };
  }
  // auto_config picks by ALPN, which needs upstream TLS; without it Envoy speaks HTTP/1.1.
  return HTTP1;
}
