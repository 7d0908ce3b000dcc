/** The proxy's stats: a registry with Envoy's names and the admin interface's text, JSON and Prometheus renderings. */
export { StatsRegistry, Counter, Gauge, type Metric, type MetricType, type StatName } from './stats-registry.ts';
export { formatStatsText, formatStatsJson, formatStatsPrometheus, prometheusName } from './stats-format.ts';
