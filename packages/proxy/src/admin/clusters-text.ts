/**
 * /clusters in Envoy's text format: per cluster its observability name and
 * whether it came over xDS, then per host `cluster::ip:port::stat::value`
 * lines — counters, hostname, health_flags (`healthy`, or Envoy's flags
 * such as `/failed_eds_health`), weight, locality, priority, success rates.
 * Host counters come from the data path through `hostStats` and read 0
 * until it supplies them.
 */
import type { BootstrapConfig } from '../bootstrap/index.ts';
import type { EndpointsConfig, HealthStatus, XdsSnapshot } from '../xds-client/types.ts';

export const HOST_COUNTERS = ['cx_active', 'cx_connect_fail', 'cx_total', 'rq_active', 'rq_error', 'rq_success', 'rq_timeout', 'rq_total'] as const;
export type HostCounter = (typeof HOST_COUNTERS)[number];
/** `activeHealthFlags`: flags the data path set (`/failed_active_hc`, `/failed_outlier_check`), shown before the EDS ones. */
export type HostStatsSource = (cluster: string, address: string) => Partial<Readonly<Record<HostCounter, number>>> & {
  readonly activeHealthFlags?: string;
  /** Outlier detection's success rates of the last interval (percent), −1 without enough requests. */
  readonly successRate?: number;
  readonly localOriginSuccessRate?: number;
};

/** Envoy's health flags from an EDS health status (host_description / health_flags). */
export function healthFlags(status: HealthStatus): string {
  switch (status) {
    case 'UNHEALTHY':
    case 'TIMEOUT':
      return '/failed_eds_health';
    case 'DRAINING':
      return '/failed_eds_health/eds_status_draining';
    case 'DEGRADED':
      return '/degraded_eds_health';
    default:
      return 'healthy';
  }
}

function combineFlags(active: string, eds: string): string {
  if (active === '') return eds;
  return eds === 'healthy' ? active : active + eds;
}

export function formatClustersText(snapshot: XdsSnapshot, bootstrap: BootstrapConfig, hostStats: HostStatsSource = () => ({})): string {
  const lines: string[] = [];
  const ads = bootstrap.adsClusterName;
  emitCluster(lines, ads, false, {
    clusterName: ads,
    overprovisioningFactor: 140,
    localities: [{ locality: { region: '', zone: '', subZone: '' }, priority: 0, loadBalancingWeight: undefined, lbEndpoints: [{ address: { address: bootstrap.adsAddress.host, port: bootstrap.adsAddress.port }, hostname: '', healthStatus: 'UNKNOWN', loadBalancingWeight: 1 }] }],
  }, hostStats);
  for (const [name, entry] of [...snapshot.clusters].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const c = entry.config;
    const endpoints = c.edsServiceName !== undefined ? snapshot.endpoints.get(c.edsServiceName)?.config : c.loadAssignment;
    emitCluster(lines, name, true, endpoints, hostStats);
  }
  return lines.map((l) => `${l}\n`).join('');
}

function emitCluster(lines: string[], name: string, addedViaApi: boolean, endpoints: EndpointsConfig | undefined, hostStats: HostStatsSource): void {
  lines.push(`${name}::observability_name::${name}`);
  lines.push(`${name}::added_via_api::${addedViaApi}`);
  for (const locality of endpoints?.localities ?? []) {
    for (const e of locality.lbEndpoints) {
      const host = `${name}::${e.address.address}:${e.address.port}`;
      const counters = hostStats(name, `${e.address.address}:${e.address.port}`);
      for (const counter of HOST_COUNTERS) lines.push(`${host}::${counter}::${counters[counter] ?? 0}`);
      lines.push(
        `${host}::hostname::${e.hostname}`,
        `${host}::health_flags::${combineFlags(counters.activeHealthFlags ?? '', healthFlags(e.healthStatus))}`,
        `${host}::weight::${e.loadBalancingWeight}`,
        `${host}::region::${locality.locality.region}`,
        `${host}::zone::${locality.locality.zone}`,
        `${host}::sub_zone::${locality.locality.subZone}`,
        `${host}::canary::false`,
        `${host}::priority::${locality.priority}`,
        `${host}::success_rate::${counters.successRate ?? -1}`,
        `${host}::local_origin_success_rate::${counters.localOriginSuccessRate ?? -1}`,
      );
    }
  }
}
