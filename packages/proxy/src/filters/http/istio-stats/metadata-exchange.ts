/**
 * istio.metadata_exchange (io.istio.http.peer_metadata.Config): learns the
 * peer workload from Istio's headers and advertises this one. Discovery
 * reads x-envoy-peer-metadata(-id) from the request (downstream) or the
 * response (upstream) and strips them, as Istio does; propagation adds this
 * node's to the request going upstream or to the response going downstream.
 * The baggage and workload-discovery methods are accepted and have no
 * effect (there is no workload discovery service in local mode).
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { ok, type FieldPath, type Result } from '@skiff/common';
import type { HttpFilterExtension } from '../extension.ts';
import type { HeadersStatus, HttpFilter, RequestHeaders, ResponseHeaders, StreamContext } from '../filter.ts';
import { peerState } from './peer-state.ts';
import { createPeerMetadataDecoder, encodePeerMetadata, PEER_METADATA_HEADER, PEER_METADATA_ID_HEADER, type NodeIdentity, type WorkloadInfo } from './workload.ts';
import { TypeUrl } from '@skiff/api';

export interface MetadataExchangeConfig {
  readonly downstreamDiscovery: boolean;
  readonly upstreamDiscovery: boolean;
  readonly downstreamPropagation: boolean;
  readonly upstreamPropagation: boolean;
}

const usesIstioHeaders = (list: unknown): boolean => Array.isArray(list) && list.some((m) => m !== null && typeof m === 'object' && 'istio_headers' in m);

export function parseMetadataExchangeConfig(wire: WireMessage, _at: FieldPath): Result<MetadataExchangeConfig> {
  return ok({
    downstreamDiscovery: usesIstioHeaders(wire.downstream_discovery),
    upstreamDiscovery: usesIstioHeaders(wire.upstream_discovery),
    downstreamPropagation: usesIstioHeaders(wire.downstream_propagation),
    upstreamPropagation: usesIstioHeaders(wire.upstream_propagation),
  });
}

interface Shared {
  readonly config: MetadataExchangeConfig;
  readonly nodeId: string;
  /** This node's header value, encoded once. */
  readonly encoded: string;
  readonly decode: (value: string) => WorkloadInfo | undefined;
}

class MetadataExchangeFilter implements HttpFilter {
  readonly #s: Shared;
  readonly #stream: StreamContext;

  constructor(shared: Shared, stream: StreamContext) {
    this.#s = shared;
    this.#stream = stream;
  }

  // HttpFilter (decoder)
  decodeHeaders(request: RequestHeaders): HeadersStatus {
    const { config, encoded, nodeId } = this.#s;
    const h = request.headers;
    if (config.downstreamDiscovery) {
      const value = h.get(PEER_METADATA_HEADER);
      if (value !== undefined) {
        peerState(this.#stream.info).downstream = this.#s.decode(value);
        h.remove(PEER_METADATA_HEADER);
        h.remove(PEER_METADATA_ID_HEADER);
      }
    }
    if (config.upstreamPropagation) {
      h.set(PEER_METADATA_HEADER, encoded);
      h.set(PEER_METADATA_ID_HEADER, nodeId);
    }
    return 'Continue';
  }

  // HttpFilter (encoder)
  encodeHeaders(response: ResponseHeaders): HeadersStatus {
    const { config, encoded, nodeId } = this.#s;
    const h = response.headers;
    if (config.upstreamDiscovery) {
      const value = h.get(PEER_METADATA_HEADER);
      if (value !== undefined) {
        peerState(this.#stream.info).upstream = this.#s.decode(value);
        h.remove(PEER_METADATA_HEADER);
        h.remove(PEER_METADATA_ID_HEADER);
      }
    }
    if (config.downstreamPropagation) {
      h.set(PEER_METADATA_HEADER, encoded);
      h.set(PEER_METADATA_ID_HEADER, nodeId);
    }
    return 'Continue';
  }
}

export function createMetadataExchangeFilter(node: NodeIdentity): HttpFilterExtension<MetadataExchangeConfig> {
  const encoded = encodePeerMetadata(node);
  const decode = createPeerMetadataDecoder();
  return {
    name: 'istio.metadata_exchange',
    typeUrl: TypeUrl.IstioPeerMetadata,
    status: 'alpha',
    parseConfig: parseMetadataExchangeConfig,
    createFactory(config) {
      const shared: Shared = { config, nodeId: node.id, encoded, decode };
      return (stream) => new MetadataExchangeFilter(shared, stream);
    },
  };
}
