/**
 * Outlier detection for one cluster (Envoy's outlier_detection_impl), on the
 * injected Clock and Random.
 *
 * The router reports every upstream result. Consecutive detectors fire as
 * results arrive: consecutive 5xx, consecutive gateway failures (502, 503,
 * 504) and — with split_external_local_origin_errors — consecutive
 * local-origin failures (connect failures, timeouts), which otherwise are
 * reported as 503 / 504 like Envoy's resultToHttpCode. Statistical detectors
 * run every interval over the last complete interval's buckets: success
 * rate (hosts with ≥ success_rate_request_volume requests, when at least
 * success_rate_minimum_hosts of them exist: eject below mean − stdev ×
 * factor) and failure percentage (eject at ≥ failure_percentage_threshold),
 * for external and, when split, local-origin results.
 *
 * An ejection sets FAILED_OUTLIER_CHECK (the cluster republishes its host
 * sets) if the enforcing percentage rolls and the share already ejected is
 * under max_ejection_percent (one host may always be ejected). A host comes
 * back after min(base_ejection_time × backoff, max_ejection_time) (+ jitter);
 * the backoff grows with each ejection and shrinks by one for every interval
 * the host stays in. Stats: Envoy's `outlier_detection.*` counters and the
 * `ejections_active` gauge.
 */
import type { Cancel, Clock, Random } from '@skiff/common';
import type { Counter, Gauge, StatsRegistry } from '../../stats/index.ts';
import { HealthFlag, type Host } from '../host.ts';
import type { OutlierDetectionConfig } from './detector-config.ts';

/** Envoy's OutlierEjectionType names, as they appear in the stats. */
export type EjectionType =
  | 'consecutive_5xx' | 'consecutive_gateway_failure' | 'consecutive_local_origin_failure'
  | 'success_rate' | 'local_origin_success_rate' | 'failure_percentage' | 'local_origin_failure_percentage';

const EJECTION_TYPES: readonly EjectionType[] = [
  'consecutive_5xx', 'consecutive_gateway_failure', 'consecutive_local_origin_failure',
  'success_rate', 'local_origin_success_rate', 'failure_percentage', 'local_origin_failure_percentage',
];

export const OUTLIER_STATS = [
  'ejections_enforced_total', 'ejections_overflow',
  ...EJECTION_TYPES.flatMap((t) => [`ejections_enforced_${t}`, `ejections_detected_${t}`]),
] as const;

/** Envoy's Outlier::Result: what the router saw apart from an HTTP status. */
export type OutlierResult =
  | 'local_origin_connect_failed' | 'local_origin_timeout' | 'local_origin_connect_success' | 'local_origin_connect_success_final'
  | 'ext_origin_request_failed' | 'ext_origin_request_success';

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
  readonly #counters: ReadonlyMap<string, Counter>;
  readonly #active: Gauge;
  readonly #timer: Cancel;

  constructor(o: OutlierDetectorOptions) {
    this.#o = o;
    this.config = o.config;
    const prefix = `cluster.${o.clusterName}.outlier_detection.`;
    const stat = (s: string) => ({ name: prefix + s, tagExtractedName: `cluster.outlier_detection.${s}`, tags: { envoy_cluster_name: o.clusterName } });
    this.#counters = new Map(OUTLIER_STATS.map((s) => [s, o.stats.counter(stat(s))]));
    this.#active = o.stats.gauge(stat('ejections_active'));
    this.#timer = o.clock.setInterval(() => this.#onInterval(), o.config.intervalMs);
  }

  /** An upstream response status (Envoy's putHttpResponseCode). */
  putHttpResponseCode(host: Host, status: number): void {
    const s = host.outlier;
    s.extTotal++;
    if (status >= 500) {
      if (status === 502 || status === 503 || status === 504) {
        if (++s.consecutiveGatewayFailure === this.config.consecutiveGatewayFailure) this.#onConsecutive(host, 'consecutive_gateway_failure');
      } else s.consecutiveGatewayFailure = 0;
      if (++s.consecutive5xx === this.config.consecutive5xx) this.#onConsecutive(host, 'consecutive_5xx');
      return;
    }
    s.extSuccess++;
    s.consecutive5xx = 0;
    s.consecutiveGatewayFailure = 0;
  }

  /** A non-HTTP result (Envoy's putResult): split or mapped to a status as Envoy does. */
  putResult(host: Host, result: OutlierResult): void {
    if (!this.config.splitExternalLocalOriginErrors) {
      switch (result) {
        case 'local_origin_connect_failed': return this.putHttpResponseCode(host, 503);
        case 'local_origin_timeout': return this.putHttpResponseCode(host, 504);
        case 'ext_origin_request_failed': return this.putHttpResponseCode(host, 500);
        case 'ext_origin_request_success':
        case 'local_origin_connect_success_final': return this.putHttpResponseCode(host, 200);
        case 'local_origin_connect_success': return; // the HTTP status that follows decides
      }
    }
    const s = host.outlier;
    switch (result) {
      case 'local_origin_connect_success':
      case 'local_origin_connect_success_final':
        return this.#localOriginSuccess(host);
      case 'local_origin_timeout':
      case 'local_origin_connect_failed':
        s.localTotal++;
        if (++s.consecutiveLocalOriginFailure === this.config.consecutiveLocalOriginFailure) this.#onConsecutive(host, 'consecutive_local_origin_failure');
        return;
      case 'ext_origin_request_failed':
        return this.putHttpResponseCode(host, 503);
      case 'ext_origin_request_success':
        this.putHttpResponseCode(host, 200);
        return this.#localOriginSuccess(host);
    }
  }

  /** An active health check passed: an ejected host returns at once (successful_active_health_check_uneject_host). */
  onActiveHealthCheckSuccess(host: Host): void {
    if (!this.config.successfulActiveHealthCheckUnejectHost || !host.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK)) return;
    this.#uneject(host);
    this.#publish();
  }

  close(): void {
    this.#timer();
  }

  #localOriginSuccess(host: Host): void {
    const s = host.outlier;
    s.localTotal++;
    s.localSuccess++;
    s.consecutiveLocalOriginFailure = 0;
  }

  #count(name: string): void {
    this.#counters.get(name)?.inc();
  }

  #onConsecutive(host: Host, type: EjectionType): void {
    if (host.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK)) return;
    this.#count(`ejections_detected_${type}`);
    if (this.#eject(host, type)) this.#publish();
    const s = host.outlier;
    if (type === 'consecutive_5xx') s.consecutive5xx = 0;
    else if (type === 'consecutive_gateway_failure') s.consecutiveGatewayFailure = 0;
    else s.consecutiveLocalOriginFailure = 0;
  }

  #enforcing(type: EjectionType): number {
    const c = this.config;
    switch (type) {
      case 'consecutive_5xx': return c.enforcingConsecutive5xx;
      case 'consecutive_gateway_failure': return c.enforcingConsecutiveGatewayFailure;
      case 'consecutive_local_origin_failure': return c.enforcingConsecutiveLocalOriginFailure;
      case 'success_rate': return c.enforcingSuccessRate;
      case 'local_origin_success_rate': return c.enforcingLocalOriginSuccessRate;
      case 'failure_percentage': return c.enforcingFailurePercentage;
      case 'local_origin_failure_percentage': return c.enforcingFailurePercentageLocalOrigin;
    }
  }

  /** Envoy's ejectHost: true when the host was ejected. */
  #eject(host: Host, type: EjectionType): boolean {
    const hosts = this.#o.hosts();
    const ejected = hosts.reduce((n, h) => n + (h.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK) ? 1 : 0), 0);
    // The share already ejected must be under the maximum; with none ejected one host always may be.
    if (ejected > 0 && (ejected * 100) / Math.max(1, hosts.length) >= Math.min(100, this.config.maxEjectionPercent)) {
      this.#count('ejections_overflow');
      return false;
    }
    if (this.#o.random.next() * 100 >= this.#enforcing(type)) return false;
    const s = host.outlier;
    const c = this.config;
    host.setFlag(HealthFlag.FAILED_OUTLIER_CHECK);
    s.numEjections++;
    s.ejectedAtMs = this.#o.clock.now();
    s.ejectionJitterMs = c.maxEjectionTimeJitterMs > 0 ? Math.floor(this.#o.random.next() * c.maxEjectionTimeJitterMs) : 0;
    if (s.ejectTimeBackoff * c.baseEjectionTimeMs < c.maxEjectionTimeMs + c.baseEjectionTimeMs) s.ejectTimeBackoff++;
    this.#count('ejections_enforced_total');
    this.#count(`ejections_enforced_${type}`);
    return true;
  }

  #uneject(host: Host): void {
    const s = host.outlier;
    host.clearFlag(HealthFlag.FAILED_OUTLIER_CHECK);
    s.ejectedAtMs = -1;
    // Envoy resets the consecutive counters so a few new errors do not eject again at once.
    s.consecutive5xx = 0;
    s.consecutiveGatewayFailure = 0;
    s.consecutiveLocalOriginFailure = 0;
  }

  #publish(): void {
    const hosts = this.#o.hosts();
    this.#active.set(hosts.reduce((n, h) => n + (h.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK) ? 1 : 0), 0));
    this.#o.onHealthChanged();
  }

  #onInterval(): void {
    const now = this.#o.clock.now();
    const c = this.config;
    const hosts = this.#o.hosts();
    let changed = false;
    for (const host of hosts) {
      const s = host.outlier;
      if (!host.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK)) {
        if (s.ejectTimeBackoff > 0) s.ejectTimeBackoff--;
      } else if (Math.min(c.baseEjectionTimeMs * s.ejectTimeBackoff, c.maxEjectionTimeMs) + s.ejectionJitterMs <= now - s.ejectedAtMs) {
        this.#uneject(host);
        changed = true;
      }
      // Swap the success-rate buckets: the interval just ended becomes the one judged.
      s.lastExtTotal = s.extTotal;
      s.lastExtSuccess = s.extSuccess;
      s.lastLocalTotal = s.localTotal;
      s.lastLocalSuccess = s.localSuccess;
      s.extTotal = s.extSuccess = s.localTotal = s.localSuccess = 0;
      s.successRate = -1;
      s.localOriginSuccessRate = -1;
    }
    if (this.#processSuccessRate(hosts, false)) changed = true;
    if (c.splitExternalLocalOriginErrors && this.#processSuccessRate(hosts, true)) changed = true;
    if (changed) this.#publish();
    // Hosts EDS removed while ejected leave the gauge here at the latest.
    else this.#active.set(hosts.reduce((n, h) => n + (h.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK) ? 1 : 0), 0));
  }

  /** Envoy's processSuccessRateEjections for one monitor type; true when a host was ejected. */
  #processSuccessRate(hosts: readonly Host[], local: boolean): boolean {
    const c = this.config;
    if (hosts.length < c.successRateMinimumHosts && hosts.length < c.failurePercentageMinimumHosts) return false;
    const srHosts: { host: Host; rate: number }[] = [];
    const fpHosts: { host: Host; rate: number }[] = [];
    let sum = 0;
    for (const host of hosts) {
      if (host.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK)) continue;
      const s = host.outlier;
      const total = local ? s.lastLocalTotal : s.lastExtTotal;
      if (total === 0) continue;
      const rate = ((local ? s.lastLocalSuccess : s.lastExtSuccess) * 100) / total;
      if (total >= Math.min(c.successRateRequestVolume, c.failurePercentageRequestVolume)) {
        if (local) s.localOriginSuccessRate = rate;
        else s.successRate = rate;
      }
      if (total >= c.successRateRequestVolume) {
        srHosts.push({ host, rate });
        sum += rate;
      }
      if (total >= c.failurePercentageRequestVolume) fpHosts.push({ host, rate });
    }
    let ejected = false;
    if (srHosts.length > 0 && srHosts.length >= c.successRateMinimumHosts) {
      const mean = sum / srHosts.length;
      const variance = srHosts.reduce((v, h) => v + (h.rate - mean) ** 2, 0) / srHosts.length;
      const threshold = mean - c.successRateStdevFactor * Math.sqrt(variance);
      const type: EjectionType = local ? 'local_origin_success_rate' : 'success_rate';
      for (const { host, rate } of srHosts) {
        if (rate >= threshold || host.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK)) continue;
        this.#count(`ejections_detected_${type}`);
        if (this.#eject(host, type)) ejected = true;
      }
    }
    if (fpHosts.length > 0 && fpHosts.length >= c.failurePercentageMinimumHosts) {
      const type: EjectionType = local ? 'local_origin_failure_percentage' : 'failure_percentage';
      for (const { host, rate } of fpHosts) {
        if (100 - rate < c.failurePercentageThreshold || host.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK)) continue;
        this.#count(`ejections_detected_${type}`);
        if (this.#eject(host, type)) ejected = true;
      }
    }
    return ejected;
  }
}
