/**
 * A cluster under construction (Istio's clusterWrapper): the Cluster plus
 * the HttpProtocolOptions that are packed into
 * typed_extension_protocol_options only at the end, once every step had its
 * say. Envoy requires an upstream protocol in those options, so a draft
 * with options but none chosen gets plain HTTP/1.1, as Istio does.
 */
import { TypeUrl, messageNameOf } from '@skiff/api';
import type { ClusterWire, HttpProtocolOptionsWire } from './wire.ts';

export const HTTP_PROTOCOL_OPTIONS_KEY = messageNameOf(TypeUrl.HttpProtocolOptions);

type UpstreamProtocol = 'unset' | 'http2' | 'downstream';

export class ClusterDraft {
  readonly cluster: ClusterWire;
  readonly httpOptions: HttpProtocolOptionsWire = {};
  hasHttpOptions = false;
  maxConcurrentStreams = 0;
  #upstream: UpstreamProtocol = 'unset';

  constructor(cluster: ClusterWire) {
    this.cluster = cluster;
  }

  setHttp2(): void {
    if (this.#upstream === 'unset') this.#upstream = 'http2';
    this.hasHttpOptions = true;
  }

  /** h2UpgradePolicy UPGRADE: HTTP/2 whatever was chosen before (Istio's setH2Options). */
  upgradeToHttp2(): void {
    this.#upstream = 'http2';
    this.hasHttpOptions = true;
  }

  setUseDownstreamProtocol(): void {
    this.#upstream = 'downstream';
    this.hasHttpOptions = true;
  }

  get isHttp2(): boolean {
    return this.#upstream === 'http2';
  }

  build(): ClusterWire {
    if (!this.hasHttpOptions) return this.cluster;
    const options: HttpProtocolOptionsWire = { ...this.httpOptions };
    if (this.#upstream === 'http2') {
      options.explicit_http_config = { http2_protocol_options: this.maxConcurrentStreams > 0 ? { max_concurrent_streams: { value: this.maxConcurrentStreams } } : {} };
    } else if (this.#upstream === 'downstream') {
      options.use_downstream_protocol_config = { http_protocol_options: {}, http2_protocol_options: {} };
    } else {
      options.explicit_http_config = { http_protocol_options: {} };
    }
    this.cluster.typed_extension_protocol_options = { [HTTP_PROTOCOL_OPTIONS_KEY]: { '@type': TypeUrl.HttpProtocolOptions, ...options } };
    return this.cluster;
  }
}
