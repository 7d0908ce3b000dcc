/** The fault filter's stats, Envoy's names: `http.<stat_prefix>.fault.delays_injected` and friends. */
import type { Counter, Gauge, StatsRegistry } from '../../../stats/index.ts';

export const FAULT_STATS = ['delays_injected', 'aborts_injected', 'faults_overflow'] as const;

export interface FaultStats {
  readonly counters: Readonly<Record<(typeof FAULT_STATS)[number], Counter>>;
  readonly activeFaults: Gauge;
}

export function createFaultStats(registry: StatsRegistry, statPrefix: string): FaultStats {
  const stat = (s: string) => ({ name: `http.${statPrefix}.fault.${s}`, tagExtractedName: `http.fault.${s}`, tags: { envoy_http_conn_manager_prefix: statPrefix } });
  return {
    counters: Object.fromEntries(FAULT_STATS.map((s) => [s, registry.counter(stat(s))])) as FaultStats['counters'],
    activeFaults: registry.gauge(stat('active_faults')),
  };
}
