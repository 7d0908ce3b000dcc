/**
 * Counters and gauges of one connection pool, under Envoy's cluster stat names
 * (cluster.<name>.upstream_cx_total and so on), so /stats can print them as is.
 */
export class ConnPoolStats {
  upstream_cx_total = 0;
  upstream_cx_active = 0;
  upstream_cx_connect_fail = 0;
  upstream_cx_connect_timeout = 0;
  upstream_cx_overflow = 0;
  upstream_cx_max_requests = 0;
  upstream_cx_destroy = 0;
  upstream_rq_total = 0;
  upstream_rq_pending_total = 0;
  upstream_rq_pending_active = 0;
  upstream_rq_pending_overflow = 0;
  upstream_rq_pending_failure_eject = 0;
  upstream_rq_cancelled = 0;
}
