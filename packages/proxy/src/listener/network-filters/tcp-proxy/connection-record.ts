/**
 * One tcp_proxy connection as observers see it (Envoy's StreamInfo for a
 * TCP session): timing, bytes each way, the upstream picked and the
 * response flags. The tcp_proxy fills it in; observers (access logs, Istio's
 * TCP metrics) are told when the upstream connects and once when the
 * connection ends.
 */
export interface TcpConnectionRecord {
  readonly startMs: number;
  /** Downstream → upstream bytes. */
  bytesReceived: number;
  /** Upstream → downstream bytes. */
  bytesSent: number;
  clusterName: string;
  /** `ip:port`; '' before a host is picked. */
  upstreamHost: string;
  upstreamLocalAddress: string;
  /** Envoy's flags: UH (no healthy host), UF (connect failure), NC (no cluster), UT? (connect timeout: UF). */
  responseFlags: string[];
  readonly downstreamLocalAddress: string;
  readonly downstreamRemoteAddress: string;
  readonly requestedServerName: string;
}

export interface TcpObserver {
  onOpen?(record: TcpConnectionRecord): void;
  onClose(record: TcpConnectionRecord): void;
}
