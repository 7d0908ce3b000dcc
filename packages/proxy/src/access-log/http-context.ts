/**
 * An HTTP stream as the access log reads it: StreamInfo (flags, details,
 * upstream, bytes, response headers), the request as filters left it, and
 * the downstream connection. Built once per request, at the end, only when
 * some logger is configured.
 */
import type { DownstreamConnectionInfo, RequestHeaders } from '../filters/http/filter.ts';
import type { StreamInfo } from '../filters/http/stream-info.ts';
import { joinHostPort, type AccessLogContext } from './context.ts';

export interface LoggedHttpStream {
  readonly info: StreamInfo;
  readonly request: RequestHeaders;
  readonly downstream: DownstreamConnectionInfo;
}

export function httpAccessLogContext(stream: LoggedHttpStream, nowMs: number): AccessLogContext {
  const { info, request, downstream } = stream;
  const host = info.upstreamHost;
  return {
    startMs: info.startMs,
    durationMs: nowMs - info.startMs,
    protocol: info.protocol,
    responseCode: info.responseCode,
    responseFlags: info.formatResponseFlags(),
    responseCodeDetails: info.responseCodeDetails,
    connectionTerminationDetails: '',
    upstreamTransportFailureReason: info.upstreamTransportFailureReason,
    bytesReceived: info.bytesReceived,
    bytesSent: info.bytesSent,
    upstreamHost: host === null ? '' : host.key,
    upstreamCluster: info.upstreamClusterName,
    upstreamLocalAddress: '',
    downstreamLocalAddress: joinHostPort(downstream.localAddress, downstream.localPort),
    downstreamRemoteAddress: joinHostPort(downstream.remoteAddress, downstream.remotePort),
    requestedServerName: downstream.requestedServerName ?? '',
    routeName: info.routeName,
    attemptCount: info.attemptCount,
    requestHeader(name) {
      switch (name) {
        case ':method': return request.method;
        case ':path': return request.path;
        case ':authority': case 'host': return request.authority;
        case ':scheme': return request.scheme;
      }
      return request.headers.get(name);
    },
    responseHeader(name) {
      if (name === ':status') return info.responseCode === 0 ? undefined : String(info.responseCode);
      return info.responseHeaders?.get(name);
    },
    responseTrailer: () => undefined,
  };
}
