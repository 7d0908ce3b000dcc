/** Active health checking (Envoy's upstream/health_checker_impl): config and the per-cluster checker. */
export { parseHealthChecks, type HealthCheckConfig, type HttpHealthCheckConfig, type TcpHealthCheckConfig } from './config.ts';
export { HealthChecker, HEALTH_CHECK_COUNTERS, type HealthCheckerOptions } from './health-checker.ts';
