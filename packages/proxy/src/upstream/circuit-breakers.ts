/**
 * A cluster's circuit breakers (Envoy's ResourceManagerImpl): one set of
 * limits per routing priority (DEFAULT, HIGH) for max_connections,
 * max_pending_requests, max_requests and max_retries, with Envoy's defaults
 * (1024, 1024, 1024, 3). Parsed once at CDS time; the router and the pools
 * count against them. Overflowing a limit fails the request with response
 * flag UO (retries: the retry is not attempted).
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { ParseErrors, WireReader } from '../http/route-table/wire-reader.ts';

export interface ThresholdsConfig {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
}

export interface CircuitBreakersConfig {
  readonly default: ThresholdsConfig;
  readonly high: ThresholdsConfig;
}

export const DEFAULT_THRESHOLDS: ThresholdsConfig = { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 };
export const DEFAULT_CIRCUIT_BREAKERS: CircuitBreakersConfig = { default: DEFAULT_THRESHOLDS, high: DEFAULT_THRESHOLDS };

export function parseCircuitBreakers(wire: WireMessage | undefined, at: FieldPath): Result<CircuitBreakersConfig> {
  if (!wire) return ok(DEFAULT_CIRCUIT_BREAKERS);
  const r = new WireReader(new ParseErrors());
  const out: { default: ThresholdsConfig; high: ThresholdsConfig } = { ...DEFAULT_CIRCUIT_BREAKERS };
  r.objects(wire, 'thresholds', at).forEach((t, i) => {
    const tAt = [...at, 'thresholds', i];
    const priority = String(t.priority ?? 'DEFAULT');
    if (priority !== 'DEFAULT' && priority !== 'HIGH') r.errors.add([...tAt, 'priority'], 'value must be one of the defined enum values');
    out[priority === 'HIGH' ? 'high' : 'default'] = {
      maxConnections: r.wrapped(t, 'max_connections', tAt, 'number') ?? DEFAULT_THRESHOLDS.maxConnections,
      maxPendingRequests: r.wrapped(t, 'max_pending_requests', tAt, 'number') ?? DEFAULT_THRESHOLDS.maxPendingRequests,
      maxRequests: r.wrapped(t, 'max_requests', tAt, 'number') ?? DEFAULT_THRESHOLDS.maxRequests,
      maxRetries: r.wrapped(t, 'max_retries', tAt, 'number') ?? DEFAULT_THRESHOLDS.maxRetries,
    };
  });
  return r.errors.list.length > 0 ? fail(...r.errors.list) : ok(out);
}

/** One limited resource: a count against a maximum. */
export class Resource {
  readonly max: number;
  count = 0;

  constructor(max: number) {
    this.max = max;
  }

  canCreate(): boolean {
    return this.count < this.max;
  }

  inc(): void {
    this.count++;
  }

  dec(): void {
    this.count--;
  }
}

/** The live counters of one priority's limits. */
export class ResourceManager {
  readonly connections: Resource;
  readonly pendingRequests: Resource;
  readonly requests: Resource;
  readonly retries: Resource;

  constructor(t: ThresholdsConfig) {
    this.connections = new Resource(t.maxConnections);
    this.pendingRequests = new Resource(t.maxPendingRequests);
    this.requests = new Resource(t.maxRequests);
    this.retries = new Resource(t.maxRetries);
  }
}
