/**
 * One upstream endpoint of a cluster (Envoy's HostImpl): address, weight,
 * locality, priority, health flags, its connection pool and its counters.
 * Health is a bitmask of Envoy's health flags; a host is healthy when no
 * failing flag is set. Outlier detection and EDS set flags here and the
 * cluster then republishes its host sets, so load balancers only ever read
 * `healthy`.
 */
import type { Http1ConnPool } from './conn-pool/conn-pool.ts';
import type { ConnPool } from './conn-pool/types.ts';

/** Envoy's Host::HealthFlag bits. */
export const HealthFlag = {
  FAILED_ACTIVE_HC: 1,
  FAILED_OUTLIER_CHECK: 2,
  FAILED_EDS_HEALTH: 4,
  DEGRADED_EDS_HEALTH: 8,
  EDS_STATUS_DRAINING: 16,
  /** Added with active health checking on and not checked yet (shown, not a failure by itself). */
  PENDING_ACTIVE_HC: 32,
  /** The last active health check timed out (shown beside FAILED_ACTIVE_HC). */
  ACTIVE_HC_TIMEOUT: 64,
} as const;

const UNHEALTHY = HealthFlag.FAILED_ACTIVE_HC | HealthFlag.FAILED_OUTLIER_CHECK | HealthFlag.FAILED_EDS_HEALTH | HealthFlag.EDS_STATUS_DRAINING;

export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

/** Per-host counters, Envoy's names (they show on /clusters). */
export class HostStats {
  rq_active = 0;
  rq_total = 0;
  rq_success = 0;
  rq_error = 0;
  rq_timeout = 0;
  cx_connect_fail = 0;
}

/** Outlier-detection state of one host (owned by the detector, kept on the host so it survives EDS updates). */
export class HostOutlierState {
  consecutive5xx = 0;
  consecutiveGatewayFailure = 0;
  consecutiveLocalOriginFailure = 0;
  /** Times ejected in all (Envoy's num_ejections). */
  numEjections = 0;
  /** Multiplies base_ejection_time; +1 per ejection, −1 per interval the host stays in (Envoy's eject_time_backoff). */
  ejectTimeBackoff = 0;
  /** When the current ejection started; −1 when not ejected. */
  ejectedAtMs = -1;
  /** Jitter added to this ejection (max_ejection_time_jitter). */
  ejectionJitterMs = 0;
  /** Success-rate buckets: the interval being written and the last complete one (external origin, then local origin). */
  extTotal = 0;
  extSuccess = 0;
  localTotal = 0;
  localSuccess = 0;
  lastExtTotal = 0;
  lastExtSuccess = 0;
  lastLocalTotal = 0;
  lastLocalSuccess = 0;
  /** Success rates computed at the last interval for /clusters; −1 when there was not enough volume. */
  successRate = -1;
  localOriginSuccessRate = -1;
}

export class Host {
  readonly address: string;
  readonly port: number;
  /** `ip:port`, Envoy's host description in /clusters and logs. */
  readonly key: string;
  hostname: string;
  weight: number;
  locality: Locality;
  /** Its locality's load_balancing_weight (LocalityLbEndpoints); only locality weighted balancing reads it. */
  localityWeight: number | undefined;
  priority: number;
  healthFlags = 0;
  readonly stats = new HostStats();
  readonly outlier = new HostOutlierState();
  /** Created on first use by the cluster (its circuit-breaker limits and timeouts). */
  pool: Http1ConnPool | null = null;
  /** The HTTP/2 pool, for clusters whose protocol options say HTTP/2 (or the downstream's protocol). */
  http2Pool: ConnPool | null = null;

  constructor(address: string, port: number, init: { hostname?: string; weight?: number; locality?: Locality; localityWeight?: number; priority?: number; healthFlags?: number } = {}) {
    this.address = address;
    this.port = port;
    this.key = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
    this.hostname = init.hostname ?? '';
    this.weight = init.weight ?? 1;
    this.locality = init.locality ?? { region: '', zone: '', subZone: '' };
    this.localityWeight = init.localityWeight;
    this.priority = init.priority ?? 0;
    this.healthFlags = init.healthFlags ?? 0;
  }

  get healthy(): boolean {
    return (this.healthFlags & UNHEALTHY) === 0;
  }

  hasFlag(flag: number): boolean {
    return (this.healthFlags & flag) !== 0;
  }

  setFlag(flag: number): void {
    this.healthFlags |= flag;
  }

  clearFlag(flag: number): void {
    this.healthFlags &= ~flag;
  }

  /** Envoy's /clusters health_flags text. */
  formatHealthFlags(): string {
    if (this.healthFlags === 0) return 'healthy';
    let out = '';
    if (this.hasFlag(HealthFlag.FAILED_ACTIVE_HC)) out += '/failed_active_hc';
    if (this.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK)) out += '/failed_outlier_check';
    if (this.hasFlag(HealthFlag.FAILED_EDS_HEALTH)) out += '/failed_eds_health';
    if (this.hasFlag(HealthFlag.DEGRADED_EDS_HEALTH)) out += '/degraded_eds_health';
    if (this.hasFlag(HealthFlag.PENDING_ACTIVE_HC)) out += '/pending_active_hc';
    if (this.hasFlag(HealthFlag.ACTIVE_HC_TIMEOUT)) out += '/active_hc_timeout';
    if (this.hasFlag(HealthFlag.EDS_STATUS_DRAINING)) out += '/eds_status_draining';
    return out;
  }
}
