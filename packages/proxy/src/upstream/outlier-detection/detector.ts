/**
 * Outlier detection for one cluster (Envoy semantics). The router reports
 * every upstream result; consecutive 5xx and consecutive gateway failures
 * (502, 503, 504 and local-origin failures: connect failures and timeouts)
 * past their thresholds eject the host, if the enforcing percentage rolls
 * and ejecting keeps the ejected share at or under max_ejection_percent.
 * Ejection sets FAILED_OUTLIER_CHECK; load balancers only ever see the
 * resulting HostSet. Every interval, hosts whose ejection time (base ×
 * number of ejections, capped at max) has passed come back, and hosts that
 * stayed healthy a whole interval have their ejection count decremented.
 */
import type { Cancel, Clock, Random } from '@skiff/common';
import type { Counter, Gauge, StatsRegistry } from '../../stats/index.ts';
import { HealthFlag, type Host } from '../host.ts';
import type { OutlierDetectionConfig } from './detector-config.ts';

export const OUTLIER_STATS = [
  'ejections_enforced_total', 'ejections_overflow', 'ejections_enforced_consecutive_5xx', 'ejections_detected_consecutive_5xx',
  'ejections_enforced_consecutive_gateway_failure', 'ejections_detected_consecutive_gateway_failure',
] as const;

type OutlierCounters = Readonly<Record<(typeof OUTLIER_STATS)[number], Counter>>;

export interface OutlierDetectorOptions {
  readonly config: OutlierDetectionConfig;
  readonly clusterName: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly stats: StatsRegistry;
  readonly hosts: () => readonly Host[];
  /** The cluster republishes its host sets. */
  readonly onHealthChanged: () => void;
}

export class OutlierDetector {
  readonly config: OutlierDetectionConfig;
  readonly #o: OutlierDetectorOptions;
  readonly #counters: OutlierCounters;
  readonly #active: Gauge;
  readonly #timer: Cancel;

  constructor(o: OutlierDetectorOptions) {
    this.#o = o;
    this.config = o.config;
    const prefix = `cluster.${o.clusterName}.outlier_detection.`;
    const stat = (s: string) => ({ name: prefix + s, tagExtractedName: `cluster.outlier_detection.${s}`, tags: { envoy_cluster_name: o.clusterName } });
    this.#counters = Object.fromEntries(OUTLIER_STATS.map((s) => [s, o.stats.counter(stat(s))])) as OutlierCounters;
    this.#active = o.stats.gauge(stat('ejections_active'));
    this.#timer = o.clock.setInterval(() => this.#onInterval(), o.config.intervalMs);
  }

  /** An upstream response status (local-origin failures are reported as 503 by the router, as Envoy maps them). */
  putHttpResponseCode(host: Host, status: number): void {
    const s = host.outlier;
    if (status >= 500) {
      s.consecutive5xx++;
      if (status === 502 || status === 503 || status === 504) s.consecutiveGatewayFailure++;
      else s.consecutiveGatewayFailure = 0;
      if (s.consecutiveGatewayFailure === this.config.consecutiveGatewayFailure) this.#maybeEject(host, 'consecutive_gateway_failure', this.config.enforcingConsecutiveGatewayFailure);
      if (s.consecutive5xx === this.config.consecutive5xx) this.#maybeEject(host, 'consecutive_5xx', this.config.enforcingConsecutive5xx);
      return;
    }
    s.consecutive5xx = 0;
    s.consecutiveGatewayFailure = 0;
  }

  close(): void {
    this.#timer();
  }

  #maybeEject(host: Host, kind: 'consecutive_5xx' | 'consecutive_gateway_failure', enforcingPercent: number): void {
    if (host.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK)) return;
    this.#counters[`ejections_detected_${kind}`].inc();
    if (this.#o.random.next() * 100 >= enforcingPercent) return;
    const hosts = this.#o.hosts();
    const ejected = hosts.filter((h) => h.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK)).length;
    // Envoy checks the share already ejected before ejecting one more.
    if ((ejected * 100) / Math.max(1, hosts.length) >= this.config.maxEjectionPercent) {
      this.#counters.ejections_overflow.inc();
      return;
    }
    host.setFlag(HealthFlag.FAILED_OUTLIER_CHECK);
    host.outlier.numEjections++;
    host.outlier.ejectedAtMs = this.#o.clock.now();
    host.outlier.consecutive5xx = 0;
    host.outlier.consecutiveGatewayFailure = 0;
    this.#counters.ejections_enforced_total.inc();
    this.#counters[`ejections_enforced_${kind}`].inc();
    this.#active.inc();
    this.#o.onHealthChanged();
  }

  /** Ejection time = baseEjectionTimeMs × consecutive ejections, capped at maxEjectionTimeMs. */
  #onInterval(): void {
    const now = this.#o.clock.now();
    let changed = false;
    for (const host of this.#o.hosts()) {
      const s = host.outlier;
      if (host.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK)) {
        const ejectionMs = Math.min(this.config.baseEjectionTimeMs * s.numEjections, this.config.maxEjectionTimeMs);
        if (now - s.ejectedAtMs >= ejectionMs) {
          host.clearFlag(HealthFlag.FAILED_OUTLIER_CHECK);
          s.ejectedAtMs = -1;
          this.#active.dec();
          changed = true;
        }
      } else if (s.numEjections > 0 && now - s.ejectedAtMs >= this.config.intervalMs) {
        s.numEjections--;
      }
    }
    if (changed) this.#o.onHealthChanged();
  }
}
