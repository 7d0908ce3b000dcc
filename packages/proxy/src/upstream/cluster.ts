/**
 * One active cluster (Envoy's ClusterImplBase + ClusterInfo): its settings
 * parsed at CDS time, its hosts by priority (from EDS or the inline
 * load_assignment), the load balancer over them, circuit breakers, outlier
 * detection and stats. EDS updates change membership in place, keeping
 * each surviving host's pool and outlier state; the balancer is told and
 * republishes its picker. Pools are per host and created on first use.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Clock, Random } from '@skiff/common';
import type { StatsRegistry } from '../stats/index.ts';
import type { HostPicker, LoadBalancer } from '../load-balancers/types.ts';
import type { ClusterConfig, EndpointsConfig, HealthStatus } from '../xds-client/types.ts';
import { ResourceManager } from './circuit-breakers.ts';
import type { ClusterSettings } from './cluster-settings.ts';
import { createClusterStats, type ClusterStats } from './cluster-stats.ts';
import { Http1ConnPool, type ConnPoolOptions } from './conn-pool/conn-pool.ts';
import { HealthChecker } from './health-check/index.ts';
import { HealthFlag, Host } from './host.ts';
import { DnsDiscovery, systemDnsResolver, type DnsResolver } from './dns/index.ts';
import { OriginalDstLoadBalancer } from './original-dst/original-dst-load-balancer.ts';
import { OutlierDetector } from './outlier-detection/index.ts';
import { PrioritySet } from './priority-set.ts';
import { ClusterTransportSockets, poolTransport } from '../transport-sockets/cluster-transport-sockets.ts';
import { SecretManager } from '../transport-sockets/tls/secret-manager.ts';
import type { UpstreamTransportSocket } from '../transport-sockets/tls/upstream-tls.ts';
import { canBindSourceAddress } from './source-address.ts';
import type { HttpProtocol } from '../http/downstream-stream.ts';
import { Http2ConnPool } from './conn-pool/http2-conn-pool.ts';
import { upstreamHttp2Options } from './conn-pool/http-protocol-options.ts';
import type { ConnPool } from './conn-pool/types.ts';

export interface ClusterOptions {
  readonly config: ClusterConfig;
  readonly settings: ClusterSettings;
  readonly clock: Clock;
  readonly random: Random;
  readonly stats: StatsRegistry;
  /** Certificates for the cluster's TLS transport sockets (default: none, static only). */
  readonly secrets?: SecretManager;
  /** ORIGINAL_DST: rewrites the original destination's address (local mode: pod IP → application address). */
  readonly originalDstAddressMap?: (address: string) => string;
  /** Whether upstream_bind_config's source address can be bound here (default: canBindSourceAddress). */
  readonly canBindSource?: (address: string) => boolean;
  /** Source address of upstream connections when the cluster has no upstream_bind_config (local mode: the pod IP). */
  readonly defaultSourceAddress?: string;
  /** STRICT_DNS / LOGICAL_DNS name resolution (default: the system's). */
  readonly dnsResolver?: DnsResolver;
  /** DNS clusters replacing a version of themselves: its hosts serve until the first resolution (Envoy keeps the old cluster while the new one warms). */
  readonly previousEndpoints?: EndpointsConfig;
  readonly log?: (line: string) => void;
}

const EDS_FLAGS = HealthFlag.FAILED_EDS_HEALTH | HealthFlag.EDS_STATUS_DRAINING | HealthFlag.DEGRADED_EDS_HEALTH;

function edsFlags(status: HealthStatus): number {
  switch (status) {
    case 'UNHEALTHY':
    case 'TIMEOUT':
      return HealthFlag.FAILED_EDS_HEALTH;
    case 'DRAINING':
      return HealthFlag.EDS_STATUS_DRAINING;
    case 'DEGRADED':
      return HealthFlag.DEGRADED_EDS_HEALTH;
    default:
      return 0;
  }
}

export class Cluster {
  readonly name: string;
  readonly config: ClusterConfig;
  readonly settings: ClusterSettings;
  readonly stats: ClusterStats;
  /** Circuit breakers of the DEFAULT routing priority (the router uses no other). */
  readonly resources: ResourceManager;
  readonly prioritySet = new PrioritySet();
  readonly outlier: OutlierDetector | undefined;
  readonly healthChecker: HealthChecker | undefined;
  readonly #lb: LoadBalancer;
  readonly #sockets: ClusterTransportSockets;
  /** Each host's transport socket (by its transport_socket_matches metadata); its pool is keyed by it. */
  readonly #hostSockets = new WeakMap<Host, UpstreamTransportSocket>();
  readonly #o: ClusterOptions;
  #hosts = new Map<string, Host>();
  #endpoints: EndpointsConfig | undefined;
  #closed = false;
  #sourceAddress: string | undefined;
  #dns: DnsDiscovery | undefined;

  constructor(o: ClusterOptions) {
    this.#o = o;
    this.name = o.config.name;
    this.config = o.config;
    this.settings = o.settings;
    this.stats = createClusterStats(o.stats, this.name);
    this.resources = new ResourceManager(o.settings.circuitBreakers.default);
    this.#sockets = new ClusterTransportSockets(o.config, o.secrets ?? new SecretManager(), o.stats);
    const lbCtx = { clock: o.clock, random: o.random, healthyPanicThresholdPercent: o.settings.healthyPanicThresholdPercent, localityWeightedLb: o.settings.localityWeightedLb };
    const originalDst = o.config.discovery.originalDst;
    this.#lb = originalDst
      ? new OriginalDstLoadBalancer({ config: originalDst, clock: o.clock, prioritySet: this.prioritySet, mapAddress: o.originalDstAddressMap })
      : o.settings.lb.ext.create(this.prioritySet, o.settings.lb.config, lbCtx);
    const source = o.config.discovery.upstreamBindAddress ?? o.defaultSourceAddress;
    if (source !== undefined && !(o.canBindSource ?? canBindSourceAddress)(source)) {
      o.log?.(`cluster ${this.name}: upstream_bind_config source address ${source} cannot be bound here; connecting without it`);
    } else this.#sourceAddress = source;
    this.outlier = o.settings.outlierDetection && new OutlierDetector({
      config: o.settings.outlierDetection,
      clusterName: this.name,
      clock: o.clock,
      random: o.random,
      stats: o.stats,
      hosts: () => this.prioritySet.allHosts,
      onHealthChanged: () => this.#onHealthChanged(),
    });
    this.healthChecker = o.settings.healthCheck && new HealthChecker({
      config: o.settings.healthCheck,
      clusterName: this.name,
      clock: o.clock,
      random: o.random,
      stats: o.stats,
      hasTraffic: () => this.stats.upstream_rq_total.value > 0,
      onHealthChanged: () => this.#onHealthChanged(),
      onCheckSuccess: (host) => this.outlier?.onActiveHealthCheckSuccess(host),
    });
    if (o.config.discovery.dns) {
      if (o.previousEndpoints) this.updateEndpoints(o.previousEndpoints);
      this.#dns = new DnsDiscovery({ cluster: o.config, clock: o.clock, resolver: o.dnsResolver ?? systemDnsResolver, onUpdate: (e) => this.updateEndpoints(e), log: o.log });
    } else if (o.config.loadAssignment) this.updateEndpoints(o.config.loadAssignment);
  }

  get picker(): HostPicker {
    return this.#lb.picker;
  }

  /** DNS clusters: resolves once every name answered (or failed) the first time. */
  get initialized(): Promise<void> {
    return this.#dns?.ready ?? Promise.resolve();
  }

  get endpoints(): EndpointsConfig | undefined {
    return this.#endpoints;
  }

  /** EDS (or the inline assignment): new membership, surviving hosts keep their pools and outlier state. */
  updateEndpoints(endpoints: EndpointsConfig): void {
    if (endpoints === this.#endpoints || this.#closed) return;
    this.#endpoints = endpoints;
    const next = new Map<string, Host>();
    for (const locality of endpoints.localities) {
      for (const e of locality.lbEndpoints) {
        const key = `${e.address.address}:${e.address.port}`;
        if (next.has(key)) continue;
        let host = this.#hosts.get(key);
        if (host) {
          host.weight = e.loadBalancingWeight;
          host.priority = locality.priority;
          host.locality = locality.locality;
          host.localityWeight = locality.loadBalancingWeight;
          host.hostname = e.hostname;
          host.healthFlags = (host.healthFlags & ~EDS_FLAGS) | edsFlags(e.healthStatus);
        } else {
          host = new Host(e.address.address, e.address.port, {
            hostname: e.hostname, weight: e.loadBalancingWeight, locality: locality.locality, localityWeight: locality.loadBalancingWeight, priority: locality.priority, healthFlags: edsFlags(e.healthStatus),
          });
        }
        const socket = this.#sockets.forEndpoint(e.transportSocketMatchMetadata);
        const previousSocket = this.#hostSockets.get(host);
        if (previousSocket !== undefined && previousSocket !== socket && host.pool !== null) {
          // The endpoint moved between TLS and plaintext (tlsMode changed): its connections must not be reused.
          host.pool.close();
          host.pool = null;
        }
        if (previousSocket !== undefined && previousSocket !== socket && host.http2Pool !== null) {
          host.http2Pool.close();
          host.http2Pool = null;
        }
        this.#hostSockets.set(host, socket);
        next.set(key, host);
      }
    }
    for (const [key, host] of this.#hosts) if (!next.has(key)) { host.pool?.close(); host.http2Pool?.close(); }
    this.#hosts = next;
    // New hosts start with FAILED_ACTIVE_HC (set here, before the balancer sees them) and are checked at once.
    this.healthChecker?.setHosts([...next.values()]);
    this.prioritySet.update([...next.values()], endpoints.overprovisioningFactor);
    this.#lb.onHostsChanged({ reason: 'membership' });
  }

  /** The host's connection pool, created with this cluster's limits on first use. */
  poolFor(host: Host, downstream: HttpProtocol = 'HTTP/1.1'): ConnPool {
    const http2 = upstreamHttp2Options(this.config, downstream);
    if (http2 !== undefined) {
      const cb = this.settings.circuitBreakers.default;
      host.http2Pool ??= new Http2ConnPool({
        clock: this.#o.clock, host: host.address, port: host.port, http2, connectTimeoutMs: this.config.connectTimeoutMs,
        maxConnections: cb.maxConnections, maxPendingRequests: cb.maxPendingRequests,
        ...poolTransport(this.#hostSockets.get(host) ?? this.#sockets.defaultSocket, host.address, host.port),
      });
      return host.http2Pool;
    }
    let pool = host.pool;
    if (pool === null) {
      const cb = this.settings.circuitBreakers.default;
      pool = new Http1ConnPool({
        clock: this.#o.clock,
        host: host.address,
        port: host.port,
        maxConnections: cb.maxConnections,
        maxPendingRequests: cb.maxPendingRequests,
        connectTimeoutMs: this.config.connectTimeoutMs,
        transportSocket: this.#hostSockets.get(host) ?? this.#sockets.defaultSocket,
        ...(this.#sourceAddress === undefined ? {} : { connect: (p: ConnPoolOptions) => connectFrom(p, this.#sourceAddress!) }),
      });
      host.pool = pool;
    }
    return pool;
  }

  /** A raw TCP connection to a host (tcp_proxy), from upstream_bind_config's source address when set. */
  connectTcp(host: Host): Socket {
    // A TLS transport socket (Istio's mTLS for TCP services) queues tcp_proxy's writes until the handshake is done.
    const socket = this.#hostSockets.get(host) ?? this.#sockets.defaultSocket;
    if (socket.kind === 'tls') return socket.connect(host.address, host.port);
    return netConnect({ host: host.address, port: host.port, noDelay: true, ...(this.#sourceAddress === undefined ? {} : { localAddress: this.#sourceAddress }) });
  }

  /** Drains: idle connections close now, busy ones after their request. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#dns?.close();
    this.outlier?.close();
    for (const host of this.#hosts.values()) host.http2Pool?.close();
    this.healthChecker?.close();
    this.#lb.destroy();
    for (const host of this.prioritySet.allHosts) host.pool?.close();
  }

  /** Closes every connection now (shutdown). */
  destroy(): void {
    this.close();
    for (const host of this.#hosts.values()) host.http2Pool?.destroy();
    for (const host of this.prioritySet.allHosts) host.pool?.destroy();
  }

  #onHealthChanged(): void {
    this.prioritySet.refreshHealth();
    this.#lb.onHostsChanged({ reason: 'health' });
  }
}

/** The pool's transport with upstream_bind_config's source address. */
function connectFrom(p: ConnPoolOptions, localAddress: string): Socket {
  return p.tls !== undefined ? tlsConnect({ ...p.tls, host: p.host, port: p.port, localAddress } as ConnectionOptions) : netConnect({ host: p.host, port: p.port, localAddress });
}
