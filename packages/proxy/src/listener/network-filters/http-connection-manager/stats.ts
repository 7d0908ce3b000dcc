/** The HCM's downstream stats, Envoy's names: `http.<stat_prefix>.downstream_rq_total` and friends. */
import type { Counter, Gauge, StatsRegistry } from '../../../stats/index.ts';

export const HCM_COUNTERS = ['downstream_rq_total', 'downstream_rq_completed', 'downstream_rq_1xx', 'downstream_rq_2xx', 'downstream_rq_3xx', 'downstream_rq_4xx', 'downstream_rq_5xx', 'downstream_cx_total', 'downstream_rq_rx_reset', 'downstream_cx_http1_total', 'downstream_cx_http2_total', 'downstream_rq_too_many_premature_resets',
  'downstream_cx_protocol_error', 'downstream_cx_idle_timeout', 'downstream_rq_header_timeout', 'downstream_rq_timeout', 'downstream_rq_idle_timeout'] as const;

export interface HcmStats {
  readonly counters: Readonly<Record<(typeof HCM_COUNTERS)[number], Counter>>;
  readonly rqActive: Gauge;
  readonly cxActive: Gauge;
}

export function createHcmStats(registry: StatsRegistry, statPrefix: string): HcmStats {
  const stat = (s: string) => ({ name: `http.${statPrefix}.${s}`, tagExtractedName: `http.${s}`, tags: { envoy_http_conn_manager_prefix: statPrefix } });
  return {
    counters: Object.fromEntries(HCM_COUNTERS.map((s) => [s, registry.counter(stat(s))])) as HcmStats['counters'],
    rqActive: registry.gauge(stat('downstream_rq_active')),
    cxActive: registry.gauge(stat('downstream_cx_active')),
  };
}
