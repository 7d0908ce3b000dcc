import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatsRegistry, formatBound, formatStatsPrometheus, formatStatsText } from './index.ts';

describe('histograms and custom stat namespaces', () => {
  it('renders a histogram as Prometheus buckets (cumulative, +Inf), sum and count, bounds printed as Envoy does', () => {
    const stats = new StatsRegistry();
    const h = stats.histogram({ name: 'istiocustom.istio_request_duration_milliseconds.reporter.destination', tagExtractedName: 'istiocustom.istio_request_duration_milliseconds', tags: { reporter: 'destination' } }, [1, 10, 1e6]);
    for (const v of [0.5, 3, 7, 20_000]) h.record(v);
    assert.equal(formatStatsPrometheus(stats.metrics()), [
      '# TYPE istio_request_duration_milliseconds histogram',
      'istio_request_duration_milliseconds_bucket{reporter="destination",le="1"} 1',
      'istio_request_duration_milliseconds_bucket{reporter="destination",le="10"} 3',
      'istio_request_duration_milliseconds_bucket{reporter="destination",le="1e+06"} 4',
      'istio_request_duration_milliseconds_bucket{reporter="destination",le="+Inf"} 4',
      'istio_request_duration_milliseconds_sum{reporter="destination"} 20010.5',
      'istio_request_duration_milliseconds_count{reporter="destination"} 4',
      '',
    ].join('\n'));
    assert.deepEqual([0.5, 600000, 1e6, 3.6e6, 1.8e6].map(formatBound), ['0.5', '600000', '1e+06', '3.6e+06', '1.8e+06']);
  });

  it('exports istiocustom counters without the envoy_ prefix and prints histogram quantiles in /stats text', () => {
    const stats = new StatsRegistry();
    stats.counter({ name: 'istiocustom.istio_requests_total.reporter.source', tagExtractedName: 'istiocustom.istio_requests_total', tags: { reporter: 'source', response_code: '200' } }).inc(3);
    assert.match(formatStatsPrometheus(stats.metrics()), /^# TYPE istio_requests_total counter\nistio_requests_total\{reporter="source",response_code="200"\} 3\n$/);
    const h = stats.histogram('cluster.x.upstream_rq_time');
    assert.equal(formatStatsText([h]), 'cluster.x.upstream_rq_time: No recorded values\n');
    h.record(4);
    assert.match(formatStatsText([h]), /^cluster\.x\.upstream_rq_time: P0\(5,5\) P25\(5,5\) P50\(5,5\)/);
  });
});
