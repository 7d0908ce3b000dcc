/**
 * The proxy assembled (what `skiff proxy` runs): the xDS client with the
 * data path's validation hooks (HTTP filter and LB registries, so what the
 * proxy cannot run is NACKed), the cluster manager and the listener
 * manager following its snapshots (clusters first, so listeners find their
 * clusters), and the admin interface. Time and randomness are injected.
 */
import type { Clock, Random } from '@skiff/common';
import { LogSinks } from './access-log/index.ts';
import { AdminServer, AgentServer, LogLevels, type AgentServerOptions } from './admin/index.ts';
import type { BootstrapConfig } from './bootstrap/index.ts';
import type { ExtensionRegistry } from './extensions/registry.ts';
import { BUILTIN_HTTP_FILTERS, createHttpFilterRegistry, perFilterConfigParser } from './filters/http/index.ts';
import { createIstioHttpFilters, serviceFromClusterWire, type IstioNodeContext } from './filters/http/istio-stats/index.ts';
import { tcpTelemetryFactory } from './listener/network-filters/tcp-proxy/telemetry.ts';
import type { AnyHttpFilterExtension } from './filters/http/extension.ts';
import { ListenerManager } from './listener/index.ts';
import { LocalCapture, type LocalCaptureConfig } from './listener/local-capture/index.ts';
import { StatsRegistry } from './stats/index.ts';
import { SecretManager } from './transport-sockets/tls/secret-manager.ts';
import { ClusterManager } from './upstream/cluster-manager.ts';
import type { DnsResolver } from './upstream/dns/index.ts';
import { XdsClient, type XdsSnapshot } from './xds-client/index.ts';
import type { ListenerConfig } from './xds-client/types.ts';

export interface ProxyServerOptions {
  readonly bootstrap: BootstrapConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly stats?: StatsRegistry;
  readonly httpFilters?: ExtensionRegistry<AnyHttpFilterExtension>;
  /** Serve the admin interface on the bootstrap's admin address (default true). */
  readonly admin?: boolean;
  readonly initialFetchTimeoutMs?: number;
  readonly bindAddress?: (listener: ListenerConfig) => { readonly host: string; readonly port: number };
  /** Local mode (ADR 0004): capture the pod IP's inbound ports and serve virtualOutbound as an HTTP proxy. */
  readonly localCapture?: LocalCaptureConfig;
  /** STRICT_DNS / LOGICAL_DNS clusters resolve through this (default: the system's resolver). */
  readonly dnsResolver?: DnsResolver;
  readonly log?: (line: string) => void;
  /** The agent ports (15021 health, 15090 stats, 15020 merged metrics); none when absent. */
  readonly agent?: Omit<AgentServerOptions, 'stats' | 'readiness' | 'clock'>;
  /** Called after POST /quitquitquit closed the proxy (the CLI exits the process). */
  readonly onQuit?: () => void;
  /** Static bootstrap secrets and local providers (the in-process agent serving `default` / `ROOTCA`). */
  readonly secrets?: SecretManager;
}

/** An x-request-id: a version-4 UUID from the injected Random. */
export function uuid4(random: Random): string {
  const hex = (n: number) => ((random.next() * 0x1_0000_0000) >>> 0).toString(16).padStart(8, '0').slice(0, n);
  const a = hex(8);
  const b = hex(8);
  const c = hex(8);
  const d = hex(8);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${((parseInt(c[0], 16) & 3) | 8).toString(16)}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
}

export class ProxyServer {
  readonly xds: XdsClient;
  readonly clusters: ClusterManager;
  readonly listeners: ListenerManager;
  readonly stats: StatsRegistry;
  readonly admin: AdminServer | undefined;
  readonly agent: AgentServer | undefined;
  readonly secrets: SecretManager;
  readonly localCapture: LocalCapture | undefined;
  /** Access log files, one non-blocking writer per path. */
  readonly accessLogSinks = new LogSinks();
  #unsubscribe: (() => void) | undefined;
  #closed = false;

  constructor(o: ProxyServerOptions) {
    this.stats = o.stats ?? new StatsRegistry();
    // Istio's telemetry knows this node (bootstrap) and the clusters' `istio` metadata (the snapshot).
    const istio: IstioNodeContext = {
      node: o.bootstrap.node,
      clusterService: (name) => {
        const entry = this.xds.snapshot().clusters.get(name);
        return entry === undefined ? undefined : serviceFromClusterWire(entry.wire);
      },
    };
    const httpFilters = o.httpFilters ?? createHttpFilterRegistry([...BUILTIN_HTTP_FILTERS, ...createIstioHttpFilters(istio)]);
    this.secrets = o.secrets ?? new SecretManager({ staticSecrets: o.bootstrap.staticSecrets });
    const capture = o.localCapture && new LocalCapture({ dnsDomain: o.bootstrap.dnsDomain, ...o.localCapture }, o.log);
    this.localCapture = capture;
    this.clusters = new ClusterManager({
      clock: o.clock, random: o.random, stats: this.stats, originalDstAddressMap: capture?.mapOriginalDestination, defaultSourceAddress: o.localCapture?.podIp, dnsResolver: o.dnsResolver, log: o.log, secrets: this.secrets,
    });
    this.listeners = new ListenerManager({
      clock: o.clock, random: o.random, stats: this.stats, clusters: this.clusters, httpFilters, requestId: () => uuid4(o.random),
      bindAddress: o.bindAddress ?? capture?.bindAddress, interceptAccept: capture?.interceptAccept, log: o.log, secrets: this.secrets,
      accessLogSinks: (path) => this.accessLogSinks.get(path),
      tcpTelemetry: tcpTelemetryFactory({ clock: o.clock, stats: this.stats, sinks: (path) => this.accessLogSinks.get(path), istio }),
    });
    capture?.attach(this.listeners);
    this.xds = new XdsClient({
      bootstrap: o.bootstrap,
      clock: o.clock,
      random: o.random,
      stats: this.stats,
      initialFetchTimeoutMs: o.initialFetchTimeoutMs,
      log: o.log,
      secrets: this.secrets,
      validation: {
        cluster: (c) => this.clusters.validateCluster(c),
        listener: (l) => this.listeners.validateListener(l),
        parsePerFilterConfig: perFilterConfigParser(httpFilters),
      },
    });
    this.admin = o.admin === false ? undefined : new AdminServer({
      bootstrap: o.bootstrap, xds: this.xds, stats: this.stats, logLevels: new LogLevels(), clock: o.clock,
      hostStats: (cluster, address) => this.clusters.hostStats(cluster, address),
      drainListeners: (inboundOnly) => this.listeners.drainListeners(inboundOnly),
      quit: () => void this.close().then(() => o.onQuit?.()),
      secrets: this.secrets,
    });
    const xds = this.xds;
    this.agent = o.agent && new AgentServer({ ...o.agent, stats: this.stats, clock: o.clock, readiness: { get initialized() { return xds.snapshot().initialized; } } });
  }

  /** Connects to the control plane and serves the admin interface. */
  async start(): Promise<void> {
    this.#unsubscribe = this.xds.subscribe((s) => this.#onSnapshot(s));
    this.xds.start();
    await this.admin?.listen();
    await this.agent?.listen();
  }

  #onSnapshot(snapshot: XdsSnapshot): void {
    if (this.#closed) return;
    // Secrets first: a cluster or listener made active by this snapshot builds its TLS context from them.
    this.secrets.onSdsSecrets(snapshot.secrets ?? new Map());
    this.clusters.onSnapshot(snapshot);
    this.listeners.onSnapshot(snapshot);
    this.localCapture?.onSnapshot(snapshot);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe?.();
    this.xds.close();
    const capture = this.localCapture?.close(); // stops accepting now; finishes once the listeners closed the connections
    await this.listeners.close();
    await capture;
    this.clusters.close();
    await this.admin?.close();
    await this.accessLogSinks.close();
    await this.agent?.close();
  }
}
