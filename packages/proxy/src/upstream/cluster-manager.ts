/**
 * The cluster manager (Envoy's ClusterManagerImpl): follows the xDS
 * client's snapshot, whose clusters are already warm (an EDS cluster is
 * active only once its endpoints arrived), creates a Cluster per active
 * cluster, feeds it EDS updates, rebuilds it when its config changes and
 * drains the old one (a cluster with active health checks first warms
 * through its initial round of checks, the old version serving meanwhile), and
 * removes clusters CDS no longer lists. The router
 * looks clusters up by name per request; validateCluster is the hook the
 * xDS client calls so that bad circuit breakers, outlier detection or LB
 * policies NACK the CDS response.
 */
import type { Clock, Random } from '@skiff/common';
import type { ExtensionRegistry } from '../extensions/registry.ts';
import { createLoadBalancerRegistry } from '../load-balancers/index.ts';
import type { AnyLoadBalancerExtension } from '../load-balancers/types.ts';
import { StatsRegistry } from '../stats/index.ts';
import type { ClusterConfig, ResourceEntry, XdsSnapshot } from '../xds-client/types.ts';
import { Cluster } from './cluster.ts';
import type { DnsResolver } from './dns/index.ts';
import type { SecretManager } from '../transport-sockets/tls/secret-manager.ts';
import { parseClusterTransportSockets } from '../transport-sockets/transport-socket-config.ts';
import { parseClusterSettings } from './cluster-settings.ts';
import { HealthFlag } from './host.ts';
import type { HostStatsSource } from '../admin/clusters-text.ts';

export interface ClusterManagerOptions {
  readonly clock: Clock;
  readonly random: Random;
  readonly stats?: StatsRegistry;
  readonly loadBalancers?: ExtensionRegistry<AnyLoadBalancerExtension>;
  /** Certificates for clusters' TLS transport sockets. */
  readonly secrets?: SecretManager;
  /** ORIGINAL_DST clusters: rewrites the original destination's address (local mode: pod IP → application address). */
  readonly originalDstAddressMap?: (address: string) => string;
  readonly canBindSource?: (address: string) => boolean;
  /** Source address of upstream connections without upstream_bind_config (local mode: the pod IP, as on Kubernetes). */
  readonly defaultSourceAddress?: string;
  /** STRICT_DNS / LOGICAL_DNS name resolution (default: the system's). */
  readonly dnsResolver?: DnsResolver;
  readonly log?: (line: string) => void;
}

/** What the router needs: clusters by name. */
export interface ClusterLookup {
  get(name: string): Cluster | undefined;
}

export class ClusterManager implements ClusterLookup {
  readonly loadBalancers: ExtensionRegistry<AnyLoadBalancerExtension>;
  readonly #o: ClusterManagerOptions;
  readonly #stats: StatsRegistry;
  readonly #clusters = new Map<string, { entry: ResourceEntry<ClusterConfig>; cluster: Cluster }>();
  readonly #warming = new Map<string, { entry: ResourceEntry<ClusterConfig>; cluster: Cluster }>();

  constructor(o: ClusterManagerOptions) {
    this.#o = o;
    this.#stats = o.stats ?? new StatsRegistry();
    this.loadBalancers = o.loadBalancers ?? createLoadBalancerRegistry();
  }

  get(name: string): Cluster | undefined {
    return this.#clusters.get(name)?.cluster;
  }

  get clusters(): readonly Cluster[] {
    return [...this.#clusters.values()].map((c) => c.cluster);
  }

  /** NACK reasons for a cluster the xDS client is about to accept (empty: fine). */
  validateCluster(config: ClusterConfig): readonly string[] {
    const r = parseClusterSettings(config, this.loadBalancers);
    const sockets = parseClusterTransportSockets(config);
    return [...(r.ok ? [] : r.errors), ...(sockets.ok ? [] : sockets.errors)];
  }

  onSnapshot(snapshot: XdsSnapshot): void {
    for (const [name, entry] of snapshot.clusters) {
      const current = this.#clusters.get(name);
      const warming = this.#warming.get(name);
      if (current?.entry === entry && warming) {
        // Back to the version in service: the one warming is moot.
        warming.cluster.close();
        this.#warming.delete(name);
      }
      if ((!current || current.entry !== entry) && warming?.entry !== entry) {
        const settings = parseClusterSettings(entry.config, this.loadBalancers);
        if (!settings.ok) continue; // validated before acceptance; unreachable unless the registry changed
        warming?.cluster.close();
        this.#warming.delete(name);
        const o = this.#o;
        const cluster = new Cluster({
          config: entry.config, settings: settings.value, clock: o.clock, random: o.random, stats: this.#stats, secrets: o.secrets,
          originalDstAddressMap: o.originalDstAddressMap, canBindSource: o.canBindSource, defaultSourceAddress: o.defaultSourceAddress, dnsResolver: o.dnsResolver, log: o.log,
          previousEndpoints: entry.config.discovery.dns ? current?.cluster.endpoints : undefined,
        });
        if (cluster.healthChecker) {
          // Envoy warms a cluster with health checks through its first round of checks: a new one is not
          // routable yet (503 NC), an updated one leaves the old version serving, so traffic never meets
          // hosts nobody has checked.
          const next = { entry, cluster };
          this.#warming.set(name, next);
          cluster.healthChecker.onInitialRound(() => this.#promote(name, next));
        } else {
          current?.cluster.close();
          this.#clusters.set(name, { entry, cluster });
        }
      }
      const eds = entry.config.edsServiceName;
      const endpoints = eds !== undefined ? snapshot.endpoints.get(eds)?.config : undefined;
      if (endpoints) {
        this.#clusters.get(name)?.cluster.updateEndpoints(endpoints);
        this.#warming.get(name)?.cluster.updateEndpoints(endpoints);
      }
    }
    for (const [name, { cluster }] of this.#clusters) {
      if (snapshot.clusters.has(name)) continue;
      cluster.close();
      this.#clusters.delete(name);
    }
    for (const [name, { cluster }] of this.#warming) {
      if (snapshot.clusters.has(name)) continue;
      cluster.close();
      this.#warming.delete(name);
    }
  }

  /** Clusters being warmed by their first round of health checks (not used by the router yet). */
  get warmingClusterCount(): number {
    return this.#warming.size;
  }

  #promote(name: string, next: { entry: ResourceEntry<ClusterConfig>; cluster: Cluster }): void {
    if (this.#warming.get(name) !== next) return;
    this.#warming.delete(name);
    this.#clusters.get(name)?.cluster.close();
    this.#clusters.set(name, next);
  }

  /** Host counters for /clusters. */
  hostStats(cluster: string, address: string): ReturnType<HostStatsSource> {
    const c = this.get(cluster);
    const host = c?.prioritySet.allHosts.find((h) => h.key === address);
    if (!host) return {};
    let activeHealthFlags = '';
    if (host.hasFlag(HealthFlag.FAILED_ACTIVE_HC)) activeHealthFlags += '/failed_active_hc';
    if (host.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK)) activeHealthFlags += '/failed_outlier_check';
    if (host.hasFlag(HealthFlag.PENDING_ACTIVE_HC)) activeHealthFlags += '/pending_active_hc';
    if (host.hasFlag(HealthFlag.ACTIVE_HC_TIMEOUT)) activeHealthFlags += '/active_hc_timeout';
    return {
      ...host.stats, cx_active: host.pool?.connectionCount ?? 0, cx_total: host.pool?.stats.upstream_cx_total ?? 0, activeHealthFlags,
      successRate: host.outlier.successRate, localOriginSuccessRate: host.outlier.localOriginSuccessRate,
    };
  }

  close(): void {
    for (const { cluster } of this.#clusters.values()) cluster.destroy();
    for (const { cluster } of this.#warming.values()) cluster.destroy();
    this.#clusters.clear();
    this.#warming.clear();
  }
}
