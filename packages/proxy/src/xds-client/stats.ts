/**
 * The xDS client's stats, with Envoy's names: the subscription counters of
 * CDS (`cluster_manager.cds.*`) and LDS (`listener_manager.lds.*`), the
 * warming gauges of the cluster and listener managers, and the ADS
 * connection state (`control_plane.connected_state`).
 */
import { TypeUrl } from '@skiff/api';
import type { Counter, Gauge, StatsRegistry } from '../stats/index.ts';

export const SUBSCRIPTION_STATS = ['update_attempt', 'update_success', 'update_rejected', 'update_failure', 'init_fetch_timeout'] as const;
export type SubscriptionStat = (typeof SUBSCRIPTION_STATS)[number];

/** Envoy's prefix for each subscription that has type-level stats. */
export const SUBSCRIPTION_PREFIXES: ReadonlyMap<string, string> = new Map([
  [TypeUrl.Cluster, 'cluster_manager.cds'],
  [TypeUrl.Listener, 'listener_manager.lds'],
]);

export class XdsClientStats {
  readonly #subscriptions = new Map<string, Readonly<Record<SubscriptionStat, Counter>>>();
  readonly connectedState: Gauge;
  readonly activeClusters: Gauge;
  readonly warmingClusters: Gauge;
  readonly activeListeners: Gauge;
  readonly warmingListeners: Gauge;

  constructor(registry: StatsRegistry) {
    for (const [typeUrl, prefix] of SUBSCRIPTION_PREFIXES) {
      this.#subscriptions.set(typeUrl, Object.fromEntries(SUBSCRIPTION_STATS.map((s) => [s, registry.counter(`${prefix}.${s}`)])) as Record<SubscriptionStat, Counter>);
    }
    this.connectedState = registry.gauge('control_plane.connected_state');
    this.activeClusters = registry.gauge('cluster_manager.active_clusters');
    this.warmingClusters = registry.gauge('cluster_manager.warming_clusters');
    this.activeListeners = registry.gauge('listener_manager.total_listeners_active');
    this.warmingListeners = registry.gauge('listener_manager.total_listeners_warming');
  }

  /** Bumps a subscription counter; types without type-level stats (EDS, RDS) are skipped. */
  inc(typeUrl: string, stat: SubscriptionStat): void {
    this.#subscriptions.get(typeUrl)?.[stat].inc();
  }
}
