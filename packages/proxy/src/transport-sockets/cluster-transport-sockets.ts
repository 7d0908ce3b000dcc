/**
 * A cluster's upstream transport sockets (Envoy's TransportSocketMatcher):
 * one socket factory per configured socket — the cluster's transport_socket
 * and each transport_socket_matches entry — and the choice per endpoint by
 * its `envoy.transport_socket_match` metadata. The cluster keys each host's
 * connection pool by the socket chosen here, so TLS and plaintext
 * connections to the same address never mix.
 */
import type { Socket } from 'node:net';
import type { JsonValue } from '@skiff/api/envoy/struct.ts';
import type { StatsRegistry } from '../stats/index.ts';
import type { ClusterConfig } from '../xds-client/types.ts';
import type { SecretManager } from './tls/secret-manager.ts';
import { createSslStats } from './tls/stats.ts';
import { RAW_BUFFER_SOCKET, UpstreamTlsSocketFactory, type UpstreamTransportSocket } from './tls/upstream-tls.ts';
import { parseClusterTransportSockets, type UpstreamSocketConfig } from './transport-socket-config.ts';

export class ClusterTransportSockets {
  readonly defaultSocket: UpstreamTransportSocket;
  readonly #matches: readonly { readonly match: Readonly<Record<string, JsonValue>>; readonly socket: UpstreamTransportSocket }[];

  constructor(config: ClusterConfig, secrets: SecretManager, stats: StatsRegistry) {
    const parsed = parseClusterTransportSockets(config);
    // The xDS client NACKed clusters whose sockets do not parse; this is unreachable but stays safe.
    if (!parsed.ok) {
      this.defaultSocket = RAW_BUFFER_SOCKET;
      this.#matches = [];
      return;
    }
    let sslStats: ReturnType<typeof createSslStats> | undefined;
    const create = (s: UpstreamSocketConfig): UpstreamTransportSocket => {
      if (s.kind === 'raw_buffer') return RAW_BUFFER_SOCKET;
      sslStats ??= createSslStats(stats, `cluster.${config.name}`, { envoy_cluster_name: config.name });
      return new UpstreamTlsSocketFactory(s.tls, secrets, sslStats);
    };
    this.defaultSocket = create(parsed.value.defaultSocket);
    this.#matches = parsed.value.matches.map((m) => ({ match: m.match, socket: create(m.socket) }));
  }

  /** The socket for an endpoint: the first transport_socket_matches entry its metadata satisfies, else the cluster's. */
  forEndpoint(metadata: Readonly<Record<string, JsonValue>> | undefined): UpstreamTransportSocket {
    if (this.#matches.length === 0) return this.defaultSocket;
    const md = metadata ?? {};
    for (const m of this.#matches) {
      if (Object.entries(m.match).every(([k, v]) => JSON.stringify(md[k]) === JSON.stringify(v))) return m.socket;
    }
    return this.defaultSocket;
  }
}

/** For pools that open their own connections (HTTP/2): the socket's connect and ready event; nothing extra for raw_buffer. */
export function poolTransport(socket: UpstreamTransportSocket, host: string, port: number): { connect?: () => Socket; readyEvent?: 'connect' | 'secureConnect' } {
  return socket.kind === 'raw_buffer' ? {} : { connect: () => socket.connect(host, port), readyEvent: socket.readyEvent };
}
