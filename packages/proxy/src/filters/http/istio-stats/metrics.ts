/**
 * Istio's standard metrics (istio.io/latest/docs/reference/config/metrics),
 * with Istio's label set in Istio's order, stored in the proxy's stats under
 * the `istiocustom` namespace so /stats/prometheus prints them as
 * `istio_requests_total{...}` beside Envoy's own. Buckets: Envoy's defaults
 * for durations (ms), decades 1..1e8 for sizes (bytes). One set of metric
 * objects per label combination, found by a cached key.
 */
import { DEFAULT_HISTOGRAM_BUCKETS, type Counter, type Histogram, type StatsRegistry } from '../../../stats/index.ts';

export const SIZE_BUCKETS: readonly number[] = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000];

/** Istio's label order for HTTP/gRPC and TCP metrics. */
export const ISTIO_LABELS = [
  'reporter', 'source_workload', 'source_canonical_service', 'source_canonical_revision', 'source_workload_namespace', 'source_principal',
  'source_app', 'source_version', 'source_cluster', 'destination_workload', 'destination_workload_namespace', 'destination_principal',
  'destination_app', 'destination_version', 'destination_service', 'destination_canonical_service', 'destination_canonical_revision',
  'destination_service_name', 'destination_service_namespace', 'destination_cluster', 'request_protocol', 'response_code',
  'grpc_response_status', 'response_flags', 'connection_security_policy',
] as const;

export type IstioLabel = (typeof ISTIO_LABELS)[number];
export type IstioLabels = Record<IstioLabel, string>;

/** TCP metrics carry no request/response labels. */
const TCP_EXCLUDED: ReadonlySet<IstioLabel> = new Set(['request_protocol', 'response_code', 'grpc_response_status']);

export interface HttpMetrics {
  readonly requests: Counter;
  readonly duration: Histogram;
  readonly requestBytes: Histogram;
  readonly responseBytes: Histogram;
}

export interface TcpMetrics {
  readonly opened: Counter;
  readonly closed: Counter;
  readonly sent: Counter;
  readonly received: Counter;
}

function statName(metric: string, labels: Readonly<Record<string, string>>): { name: string; tagExtractedName: string; tags: Record<string, string> } {
  let name = `istiocustom.${metric}`;
  for (const [k, v] of Object.entries(labels)) name += `.${k}.${v}`;
  return { name, tagExtractedName: `istiocustom.${metric}`, tags: labels };
}

export class IstioMetrics {
  readonly #stats: StatsRegistry;
  readonly #http = new Map<string, HttpMetrics>();
  readonly #tcp = new Map<string, TcpMetrics>();

  constructor(stats: StatsRegistry) {
    this.#stats = stats;
  }

  http(labels: IstioLabels): HttpMetrics {
    const key = ISTIO_LABELS.map((l) => labels[l]).join('\u0000');
    let m = this.#http.get(key);
    if (m === undefined) {
      const tags: Record<string, string> = {};
      for (const l of ISTIO_LABELS) tags[l] = labels[l];
      const s = this.#stats;
      m = {
        requests: s.counter(statName('istio_requests_total', tags)),
        duration: s.histogram(statName('istio_request_duration_milliseconds', tags), DEFAULT_HISTOGRAM_BUCKETS),
        requestBytes: s.histogram(statName('istio_request_bytes', tags), SIZE_BUCKETS),
        responseBytes: s.histogram(statName('istio_response_bytes', tags), SIZE_BUCKETS),
      };
      this.#http.set(key, m);
    }
    return m;
  }

  tcp(labels: IstioLabels): TcpMetrics {
    const key = ISTIO_LABELS.filter((l) => !TCP_EXCLUDED.has(l)).map((l) => labels[l]).join('\u0000');
    let m = this.#tcp.get(key);
    if (m === undefined) {
      const tags: Record<string, string> = {};
      for (const l of ISTIO_LABELS) if (!TCP_EXCLUDED.has(l)) tags[l] = labels[l];
      const s = this.#stats;
      m = {
        opened: s.counter(statName('istio_tcp_connections_opened_total', tags)),
        closed: s.counter(statName('istio_tcp_connections_closed_total', tags)),
        sent: s.counter(statName('istio_tcp_sent_bytes_total', tags)),
        received: s.counter(statName('istio_tcp_received_bytes_total', tags)),
      };
      this.#tcp.set(key, m);
    }
    return m;
  }
}

/** One IstioMetrics per stats registry (the HTTP and TCP sides of a proxy share it). */
const perRegistry = new WeakMap<StatsRegistry, IstioMetrics>();

export function istioMetricsFor(stats: StatsRegistry): IstioMetrics {
  let m = perRegistry.get(stats);
  if (m === undefined) perRegistry.set(stats, (m = new IstioMetrics(stats)));
  return m;
}
