/**
 * The inline route configuration of an inbound HTTP chain (Istio's
 * buildSidecarInboundHTTPRouteConfig): every request to the workload port
 * goes to `inbound|<port>||` with no timeout, named and decorated as Istio
 * does (`inbound|http|<port>`, `<host>:<port>/*`).
 */
import { inboundRouteName, inboundVirtualHostName } from '../names.ts';
import type { InboundChainConfig } from './inbound.ts';

const ZERO = { seconds: '0' } as const;

export function buildInboundRouteConfig(cc: InboundChainConfig): Record<string, unknown> {
  return {
    name: cc.passthrough ? cc.cluster : inboundRouteName(cc.targetPort),
    virtual_hosts: [{
      name: inboundVirtualHostName(cc.servicePort),
      domains: ['*'],
      routes: [{
        name: 'default',
        match: { prefix: '/' },
        route: { cluster: cc.cluster, timeout: ZERO, max_stream_duration: { max_stream_duration: ZERO, grpc_timeout_header_max: ZERO } },
        decorator: { operation: `${cc.hostname}:${cc.servicePort}/*` },
      }],
    }],
    validate_clusters: { value: false },
  };
}
