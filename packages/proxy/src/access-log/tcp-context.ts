/** A tcp_proxy connection as the access log reads it: no headers, no response code; flags and bytes from the connection record. */
import type { TcpConnectionRecord } from '../listener/network-filters/tcp-proxy/connection-record.ts';
import type { AccessLogContext } from './context.ts';

export function tcpAccessLogContext(r: TcpConnectionRecord, nowMs: number): AccessLogContext {
  return {
    startMs: r.startMs,
    durationMs: nowMs - r.startMs,
    protocol: '',
    responseCode: 0,
    responseFlags: r.responseFlags.length === 0 ? '-' : r.responseFlags.join(','),
    responseCodeDetails: '',
    connectionTerminationDetails: '',
    upstreamTransportFailureReason: '',
    bytesReceived: r.bytesReceived,
    bytesSent: r.bytesSent,
    upstreamHost: r.upstreamHost,
    upstreamCluster: r.clusterName,
    upstreamLocalAddress: r.upstreamLocalAddress,
    downstreamLocalAddress: r.downstreamLocalAddress,
    downstreamRemoteAddress: r.downstreamRemoteAddress,
    requestedServerName: r.requestedServerName,
    routeName: '',
    attemptCount: 0,
    requestHeader: () => undefined,
    responseHeader: () => undefined,
    responseTrailer: () => undefined,
  };
}
