/**
 * envoy.filters.network.tcp_proxy: each downstream connection to one
 * upstream host of the cluster (or a weighted pick of clusters), bytes
 * piped both ways with backpressure, closed after idle_timeout without
 * traffic (Envoy's default 1 h) on the injected clock. No healthy host or
 * no cluster: the downstream connection is closed (Envoy's UH / NC).
 */
import type { Socket } from 'node:net';
import { originalDestinationOf } from '../../original-destination.ts';
import type { Clock, Random } from '@skiff/common';
import { LazyTimer } from '../../../http/codec/lazy-timer.ts';
import type { ClusterLookup } from '../../../upstream/cluster-manager.ts';
import type { Counter, StatsRegistry } from '../../../stats/index.ts';
import type { TcpProxyConfig } from '../../../xds-client/types.ts';
import type { TcpConnectionRecord, TcpObserver } from './connection-record.ts';

export interface TcpProxyDeps {
  readonly clock: Clock;
  readonly random: Random;
  readonly clusters: ClusterLookup;
  readonly stats: StatsRegistry;
  /** Access logs and Istio's TCP metrics for this chain, if any. */
  readonly observer?: TcpObserver;
}

function hostPort(address: string | undefined, port: number | undefined): string {
  if (!address) return '';
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`;
}

export class TcpProxy {
  readonly config: TcpProxyConfig;
  readonly #deps: TcpProxyDeps;
  readonly #connections = new Set<Socket>();
  readonly #stats: Readonly<Record<'downstream_cx_total' | 'upstream_flush_total' | 'idle_timeout' | 'downstream_cx_no_route', Counter>>;
  readonly #totalWeight: number;

  constructor(config: TcpProxyConfig, deps: TcpProxyDeps) {
    this.config = config;
    this.#deps = deps;
    const stat = (s: string) => deps.stats.counter({ name: `tcp.${config.statPrefix}.${s}`, tagExtractedName: `tcp.${s}`, tags: { envoy_tcp_prefix: config.statPrefix } });
    this.#stats = { downstream_cx_total: stat('downstream_cx_total'), upstream_flush_total: stat('upstream_flush_total'), idle_timeout: stat('idle_timeout'), downstream_cx_no_route: stat('downstream_cx_no_route') };
    this.#totalWeight = 'weighted' in config.cluster ? config.cluster.weighted.reduce((s, c) => s + c.weight, 0) : 0;
  }

  #clusterName(): string {
    const c = this.config.cluster;
    if ('name' in c) return c.name;
    let point = Math.floor(this.#deps.random.next() * this.#totalWeight);
    for (const w of c.weighted) {
      if (point < w.weight) return w.name;
      point -= w.weight;
    }
    return c.weighted[c.weighted.length - 1].name;
  }

  onConnection(downstream: Socket): void {
    this.#stats.downstream_cx_total.inc();
    const clusterName = this.#clusterName();
    const cluster = this.#deps.clusters.get(clusterName);
    const dst = originalDestinationOf(downstream);
    const host = cluster?.picker.pick({ hashKey: undefined, shouldSelectAnotherHost: () => false, hostSelectionRetryMaxAttempts: 0, originalDestination: dst });
    const observer = this.#deps.observer;
    const record: TcpConnectionRecord | undefined = observer && {
      startMs: this.#deps.clock.now(), bytesReceived: 0, bytesSent: 0, clusterName, upstreamHost: host?.key ?? '', upstreamLocalAddress: '', responseFlags: [],
      downstreamLocalAddress: hostPort(dst.address, dst.port), downstreamRemoteAddress: hostPort(downstream.remoteAddress, downstream.remotePort),
      requestedServerName: (downstream as { servername?: string | false }).servername || '',
    };
    if (!cluster || !host) {
      this.#stats.downstream_cx_no_route.inc();
      if (cluster) cluster.stats.upstream_cx_none_healthy.inc();
      if (record) {
        record.responseFlags.push(cluster ? 'UH' : 'NC');
        observer!.onClose(record);
      }
      downstream.destroy();
      return;
    }
    downstream.pause();
    const upstream = cluster.connectTcp(host);
    this.#connections.add(downstream);
    const idle = new LazyTimer(this.#deps.clock, () => {
      this.#stats.idle_timeout.inc();
      close();
    });
    const idleMs = this.config.idleTimeoutMs;
    const touch = (): void => idle.arm(idleMs);
    let closed = false;
    const close = (): void => {
      if (record && !closed) {
        closed = true;
        observer!.onClose(record);
      }
      idle.stop();
      this.#connections.delete(downstream);
      downstream.destroy();
      upstream.destroy();
    };
    const connectTimer = new LazyTimer(this.#deps.clock, () => {
      cluster.stats.upstream_cx_connect_fail.inc();
      cluster.outlier?.putResult(host, 'local_origin_timeout');
      record?.responseFlags.push('UF');
      close();
    });
    connectTimer.arm(cluster.config.connectTimeoutMs);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      connectTimer.stop();
      // Envoy's tcp_proxy: a connection is the whole transaction for outlier detection.
      cluster.outlier?.putResult(host, 'local_origin_connect_success_final');
      touch();
      downstream.on('data', touch);
      upstream.on('data', touch);
      if (record) {
        record.upstreamLocalAddress = hostPort(upstream.localAddress, upstream.localPort);
        downstream.on('data', (c: Buffer) => (record.bytesReceived += c.length));
        upstream.on('data', (c: Buffer) => (record.bytesSent += c.length));
        observer!.onOpen?.(record);
      }
      downstream.pipe(upstream);
      upstream.pipe(downstream);
      downstream.resume();
    });
    upstream.on('error', () => {
      connectTimer.stop();
      // Node has cleared `connecting` by the time a refused connect reports its error.
      if (!connected) {
        cluster.stats.upstream_cx_connect_fail.inc();
        cluster.outlier?.putResult(host, 'local_origin_connect_failed');
        record?.responseFlags.push('UF');
      }
      close();
    });
    downstream.on('error', close);
    upstream.on('close', close);
    downstream.on('close', close);
  }

  drain(): void {}

  destroy(): void {
    for (const s of this.#connections) s.destroy();
    this.#connections.clear();
  }
}
