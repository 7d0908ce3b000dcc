/**
 * The control plane's xDS metrics, with Istio's names, rendered in the
 * Prometheus text format: pilot_xds_pushes{type}, pilot_xds (connected
 * proxies), pilot_proxy_convergence_time (seconds, Istio's buckets) and
 * pilot_total_xds_rejects{type}. `type` is Istio's short name (cds, eds, lds,
 * rds, sds, ...).
 */
import { XDS_SHORT_NAMES, type XdsResourceType } from '@skiff/api';

/** Istio's buckets for pilot_proxy_convergence_time, in seconds. */
export const CONVERGENCE_BUCKETS_S: readonly number[] = [0.1, 0.5, 1, 3, 5, 10, 20, 30];

export function metricType(typeUrl: string): string {
  return (XDS_SHORT_NAMES as Readonly<Record<string, string>>)[typeUrl as XdsResourceType] ?? typeUrl;
}

export class XdsMetrics {
  readonly #pushes = new Map<string, number>();
  readonly #rejects = new Map<string, number>();
  readonly #bucketCounts = CONVERGENCE_BUCKETS_S.map(() => 0);
  #convergenceCount = 0;
  #convergenceSum = 0;

  onPush(typeUrl: string): void {
    const type = metricType(typeUrl);
    this.#pushes.set(type, (this.#pushes.get(type) ?? 0) + 1);
  }

  onReject(typeUrl: string): void {
    const type = metricType(typeUrl);
    this.#rejects.set(type, (this.#rejects.get(type) ?? 0) + 1);
  }

  onConvergence(seconds: number): void {
    this.#convergenceCount++;
    this.#convergenceSum += seconds;
    CONVERGENCE_BUCKETS_S.forEach((le, i) => {
      if (seconds <= le) this.#bucketCounts[i]++;
    });
  }

  pushes(type: string): number {
    return this.#pushes.get(type) ?? 0;
  }

  rejects(type: string): number {
    return this.#rejects.get(type) ?? 0;
  }

  render(connectedProxies: number): string {
    const lines: string[] = [];
    lines.push('# HELP pilot_xds_pushes Pilot build and send errors for lds, rds, cds and eds.', '# TYPE pilot_xds_pushes counter');
    for (const [type, n] of sorted(this.#pushes)) lines.push(`pilot_xds_pushes{type="${type}"} ${n}`);
    lines.push('# HELP pilot_xds Number of endpoints connected to this pilot using XDS.', '# TYPE pilot_xds gauge');
    lines.push(`pilot_xds ${connectedProxies}`);
    lines.push('# HELP pilot_proxy_convergence_time Delay in seconds between config change and a proxy receiving all required configuration.', '# TYPE pilot_proxy_convergence_time histogram');
    CONVERGENCE_BUCKETS_S.forEach((le, i) => lines.push(`pilot_proxy_convergence_time_bucket{le="${le}"} ${this.#bucketCounts[i]}`));
    lines.push(`pilot_proxy_convergence_time_bucket{le="+Inf"} ${this.#convergenceCount}`);
    lines.push(`pilot_proxy_convergence_time_sum ${this.#convergenceSum}`, `pilot_proxy_convergence_time_count ${this.#convergenceCount}`);
    lines.push('# HELP pilot_total_xds_rejects Total number of XDS responses from pilot rejected by proxy.', '# TYPE pilot_total_xds_rejects counter');
    for (const [type, n] of sorted(this.#rejects)) lines.push(`pilot_total_xds_rejects{type="${type}"} ${n}`);
    return lines.join('\n') + '\n';
  }
}

function sorted(m: Map<string, number>): [string, number][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : 1));
}
