/** The proxy's stats: a registry with Envoy's names and the admin interface's text, JSON and Prometheus renderings. */
export { StatsRegistry, Counter, Gauge, Histogram, DEFAULT_HISTOGRAM_BUCKETS, type Metric, type MetricType, type StatName } from './stats-registry.ts';
export { formatStatsText, formatStatsJson, formatStatsPrometheus, prometheusName, formatBound, CUSTOM_STAT_NAMESPACES } from './stats-format.ts';
