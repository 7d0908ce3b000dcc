/**
 * The listener manager (Envoy's ListenerManagerImpl) bound to LDS: each
 * active listener in the xDS snapshot gets a bound server (unless
 * bind_to_port is false: then only a use_original_dst listener hands it
 * connections), its filter chains compiled once (HCM: HTTP filter chain and
 * route table; tcp_proxy), and RDS updates swapped into its HCMs. A changed
 * listener keeps its socket and serves new connections with the new chains
 * while the old chains drain (each HTTP connection closes after its request
 * in progress); a removed listener stops accepting and drains the same way.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Clock, Random } from '@skiff/common';
import { parseAccessLogs, type SinkLookup } from '../access-log/index.ts';
import type { ExtensionRegistry } from '../extensions/registry.ts';
import { compileHttpFilterChain, validateHttpFilters } from '../filters/http/filter-chain.ts';
import type { AnyHttpFilterExtension } from '../filters/http/extension.ts';
import type { StatsRegistry } from '../stats/index.ts';
import type { ClusterLookup } from '../upstream/cluster-manager.ts';
import type { FilterChainConfig, ListenerConfig, ResourceEntry, SocketAddress, XdsSnapshot } from '../xds-client/types.ts';
import { DownstreamTlsSocketFactory } from '../transport-sockets/tls/downstream-tls.ts';
import { SecretManager } from '../transport-sockets/tls/secret-manager.ts';
import { createSslStats } from '../transport-sockets/tls/stats.ts';
import { parseListenerTransportSockets } from '../transport-sockets/transport-socket-config.ts';
import { selectFilterChain } from './filter-chain-match.ts';
import {
  createTlsInspectorStats, inspectConnection, inspectionPlanFor, PLAINTEXT, type InspectedConnection, type InspectionPlan, type TlsInspectorStats,
} from './listener-filters/tls-inspector.ts';
import { originalDestinationOf, setOriginalDestination } from './original-destination.ts';
import { HttpConnectionManager } from './network-filters/http-connection-manager/http-connection-manager.ts';
import { createHcmStats } from './network-filters/http-connection-manager/stats.ts';
import { TcpProxy } from './network-filters/tcp-proxy/tcp-proxy.ts';
import type { TcpTelemetryFactory } from './network-filters/tcp-proxy/telemetry.ts';

export interface ListenerManagerOptions {
  readonly clock: Clock;
  readonly random: Random;
  readonly stats: StatsRegistry;
  readonly clusters: ClusterLookup;
  readonly httpFilters: ExtensionRegistry<AnyHttpFilterExtension>;
  readonly requestId: () => string;
  /** Where to bind a listener (local mode maps addresses); default: its own address. */
  readonly bindAddress?: (listener: ListenerConfig) => { readonly host: string; readonly port: number };
  /** Sees each accepted socket first; true takes it over (local capture's HTTP proxy front on virtualOutbound). */
  readonly interceptAccept?: (listenerName: string, socket: Socket) => boolean;
  readonly log?: (line: string) => void;
  /** Access log sinks by path (the proxy's LogSinks). */
  readonly accessLogSinks?: SinkLookup;
  /** Access logs and Istio's TCP metrics for a tcp_proxy (the proxy's telemetry). */
  readonly tcpTelemetry?: TcpTelemetryFactory;
  /** Where TLS transport sockets get their certificates (static, agent, SDS). */
  readonly secrets?: SecretManager;
}

type ChainRuntime = { readonly kind: 'http'; readonly hcm: HttpConnectionManager } | { readonly kind: 'tcp'; readonly tcp: TcpProxy } | { readonly kind: 'none' };

interface CompiledChains {
  readonly entry: ResourceEntry<ListenerConfig>;
  readonly chains: readonly ChainRuntime[];
  readonly defaultChain: ChainRuntime | undefined;
  /** The listener filters to run before selection (TLS / HTTP inspector); undefined: dispatch at once as raw_buffer. */
  readonly inspection: InspectionPlan | undefined;
  /** Each chain's downstream TLS socket (filter_chains order, then the default chain); undefined: raw_buffer. */
  readonly transportSockets: readonly (DownstreamTlsSocketFactory | undefined)[];
}

class ActiveListener {
  readonly name: string;
  current: CompiledChains;
  server: Server | null = null;
  address: AddressInfo | null = null;
  readonly #manager: ListenerManager;

  constructor(manager: ListenerManager, current: CompiledChains) {
    this.#manager = manager;
    this.name = current.entry.name;
    this.current = current;
  }

  /** A connection accepted here, or (handedOff) passed on by a use_original_dst listener. */
  onConnection(socket: Socket, handedOff = false): void {
    const compiled = this.current;
    const config = compiled.entry.config;
    if (config.useOriginalDst && !handedOff) {
      const dst = originalDestinationOf(socket);
      const target = this.#manager.listenerForOriginalDst(dst.address, dst.port, this);
      if (target) {
        target.onConnection(socket, true);
        return;
      }
    }
    if (compiled.inspection === undefined) {
      this.#dispatch(compiled, socket, PLAINTEXT);
      return;
    }
    this.#manager.inspect(socket, compiled.inspection, (inspected) => {
      if (inspected !== null) this.#dispatch(compiled, socket, inspected);
    });
  }

  #dispatch(compiled: CompiledChains, socket: Socket, inspected: InspectedConnection): void {
    const config = compiled.entry.config;
    const dst = originalDestinationOf(socket);
    const i = selectFilterChain(config.filterChains.map((c) => c.match), {
      destinationPort: dst.port,
      destinationIp: dst.address,
      sourceIp: socket.remoteAddress ?? '',
      sourcePort: socket.remotePort ?? 0,
      transportProtocol: inspected.transportProtocol,
      applicationProtocols: inspected.applicationProtocols,
      serverName: inspected.serverName,
    });
    const chain = i >= 0 ? compiled.chains[i] : compiled.defaultChain;
    if (chain === undefined || chain.kind === 'none') {
      socket.destroy();
      return;
    }
    const tls = compiled.transportSockets[i >= 0 ? i : config.filterChains.length];
    if (tls === undefined) serveConnection(chain, socket);
    else tls.wrap(socket, inspected.transportProtocol === 'tls' ? inspected.applicationProtocols : undefined, (secure) => serveConnection(chain, secure));
  }
}

/**
 * Hands a connection (raw, or the TLSSocket over it) to its chain. An
 * inspected socket arrives paused: resumed here if the chain reads with
 * 'data' listeners (HCM); tcp_proxy resumes it itself once its upstream is connected.
 */
function serveConnection(chain: Exclude<ChainRuntime, { kind: 'none' }>, socket: Socket): void {
  if (chain.kind === 'http') chain.hcm.onConnection(socket);
  else chain.tcp.onConnection(socket);
  if (socket.listenerCount('data') > 0 && !socket.destroyed) socket.resume();
}

export class ListenerManager {
  readonly #o: ListenerManagerOptions;
  readonly #listeners = new Map<string, ActiveListener>();
  #binding: Promise<void> = Promise.resolve();
  readonly #secrets: SecretManager;
  #inspectorStats: TlsInspectorStats | undefined;

  constructor(o: ListenerManagerOptions) {
    this.#o = o;
    this.#secrets = o.secrets ?? new SecretManager();
  }

  /** Runs the listener filters on an accepted connection (see listener-filters/tls-inspector.ts). */
  inspect(socket: Socket, plan: InspectionPlan, done: (inspected: InspectedConnection | null) => void): void {
    if (plan.tls) this.#inspectorStats ??= createTlsInspectorStats(this.#o.stats);
    inspectConnection(socket, plan, this.#o.clock, this.#inspectorStats, done);
  }

  /** NACK reasons for a listener the xDS client is about to accept: its HTTP filters. */
  validateListener(config: ListenerConfig): readonly string[] {
    const sockets = parseListenerTransportSockets(config);
    const errors: string[] = sockets.ok ? [] : [...sockets.errors];
    const chains = config.defaultFilterChain ? [...config.filterChains, config.defaultFilterChain] : config.filterChains;
    chains.forEach((chain, ci) => {
      chain.filters.forEach((f, fi) => {
        if (f.kind !== 'http_connection_manager' && f.kind !== 'tcp_proxy') return;
        const at = [ci < config.filterChains.length ? 'filter_chains' : 'default_filter_chain', ...(ci < config.filterChains.length ? [ci] : []), 'filters', fi, 'typed_config'];
        if (f.kind === 'http_connection_manager') errors.push(...validateHttpFilters(f.httpFilters, at, this.#o.httpFilters));
        const logs = parseAccessLogs(f.kind === 'tcp_proxy' ? f.accessLog : f.config.access_log, [...at, 'access_log']);
        if (!logs.ok) errors.push(...logs.errors);
      });
    });
    return errors;
  }

  /** The bound address of a listener (port 0 in config → the port the OS chose). */
  address(name: string): AddressInfo | null {
    return this.#listeners.get(name)?.address ?? null;
  }

  get names(): readonly string[] {
    return [...this.#listeners.keys()];
  }

  /** Resolves when the binds started by the last snapshot are done. */
  settled(): Promise<void> {
    return this.#binding;
  }

  onSnapshot(snapshot: XdsSnapshot): void {
    const binds: Promise<void>[] = [];
    for (const [name, entry] of snapshot.listeners) {
      const active = this.#listeners.get(name);
      if (active && active.current.entry === entry) {
        this.#updateRoutes(active.current, snapshot);
        continue;
      }
      const compiled = this.#compile(entry, snapshot);
      if (!active) {
        const l = new ActiveListener(this, compiled);
        this.#listeners.set(name, l);
        if (entry.config.bindToPort) binds.push(this.#bind(l));
        continue;
      }
      const old = active.current;
      const sameAddress = old.entry.config.address.address === entry.config.address.address && old.entry.config.address.port === entry.config.address.port
        && old.entry.config.bindToPort === entry.config.bindToPort;
      active.current = compiled;
      drainChains(old);
      if (!sameAddress) {
        active.server?.close();
        active.server = null;
        active.address = null;
        if (entry.config.bindToPort) binds.push(this.#bind(active));
      }
    }
    for (const [name, l] of this.#listeners) {
      if (snapshot.listeners.has(name)) continue;
      l.server?.close();
      drainChains(l.current);
      this.#listeners.delete(name);
    }
    this.#binding = Promise.all(binds).then(() => undefined);
  }

  /** Envoy's use_original_dst lookup: the listener on exactly address:port, else one on 0.0.0.0:port (or [::]:port). */
  listenerForOriginalDst(address: string, port: number, except?: ActiveListener): ActiveListener | undefined {
    let wildcard: ActiveListener | undefined;
    for (const l of this.#listeners.values()) {
      if (l === except) continue;
      const a = l.current.entry.config.address;
      if (a.port !== port) continue;
      if (a.address === address) return l;
      if (wildcard === undefined && (a.address === '0.0.0.0' || a.address === '::')) wildcard = l;
    }
    return wildcard;
  }

  /**
   * Hands an accepted socket to a listener as if that listener had accepted
   * it (local capture: iptables' REDIRECT emulated), with its original
   * destination recorded first. False when no such listener is active.
   */
  handOff(listenerName: string, socket: Socket, originalDestination: SocketAddress): boolean {
    const l = this.#listeners.get(listenerName);
    if (!l) return false;
    setOriginalDestination(socket, originalDestination);
    l.onConnection(socket);
    return true;
  }

  /** The active listener's config, if any. */
  config(name: string): ListenerConfig | undefined {
    return this.#listeners.get(name)?.current.entry.config;
  }

  /** Stops every listener and closes every connection now. */
  /** Envoy's /drain_listeners: stop accepting (only on inbound listeners with inboundOnly) and close each connection after its request in progress. */
  drainListeners(inboundOnly = false): void {
    for (const l of this.#listeners.values()) {
      if (inboundOnly && l.current.entry.config.trafficDirection !== 'INBOUND') continue;
      l.server?.close();
      drainChains(l.current);
    }
  }

  async close(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const l of this.#listeners.values()) {
      if (l.server) closing.push(new Promise((r) => l.server!.close(() => r())));
      destroyChains(l.current);
    }
    this.#listeners.clear();
    await Promise.all(closing);
  }

  #bind(l: ActiveListener): Promise<void> {
    const cfg = l.current.entry.config;
    const { host, port } = this.#o.bindAddress?.(cfg) ?? { host: cfg.address.address, port: cfg.address.port };
    const intercept = this.#o.interceptAccept;
    const server = createServer({ noDelay: true, pauseOnConnect: false }, (socket) => {
      if (intercept?.(l.name, socket)) return;
      l.onConnection(socket);
    });
    l.server = server;
    return new Promise((resolve) => {
      server.once('error', (err) => {
        this.#o.log?.(`listener '${l.name}' failed to bind or apply socket options: cannot bind '${host}:${port}': ${(err as Error).message}`);
        resolve();
      });
      server.listen(port, host, () => {
        l.address = server.address() as AddressInfo;
        resolve();
      });
    });
  }

  #compile(entry: ResourceEntry<ListenerConfig>, snapshot: XdsSnapshot): CompiledChains {
    const config = entry.config;
    const compiled: CompiledChains = {
      entry,
      chains: config.filterChains.map((c, i) => this.#compileChain(c, ['filter_chains', i], config.trafficDirection)),
      defaultChain: config.defaultFilterChain ? this.#compileChain(config.defaultFilterChain, ['default_filter_chain'], config.trafficDirection) : undefined,
      inspection: inspectionPlanFor(entry),
      transportSockets: this.#downstreamTransportSockets(config),
    };
    this.#updateRoutes(compiled, snapshot);
    return compiled;
  }

  #downstreamTransportSockets(config: ListenerConfig): readonly (DownstreamTlsSocketFactory | undefined)[] {
    const parsed = parseListenerTransportSockets(config);
    if (!parsed.ok || parsed.value.every((t) => t === undefined)) return [];
    // Envoy's listener stat scope: listener.<address>_<port>.ssl.*
    const stats = createSslStats(this.#o.stats, `listener.${config.address.address}_${config.address.port}`, { envoy_listener_address: `${config.address.address}_${config.address.port}` });
    return parsed.value.map((tls) => tls && new DownstreamTlsSocketFactory(tls, this.#secrets, stats, this.#o.log));
  }

  #compileChain(chain: FilterChainConfig, at: readonly (string | number)[], trafficDirection: ListenerConfig['trafficDirection']): ChainRuntime {
    const o = this.#o;
    // The terminal network filter decides (Istio puts metadata-exchange style filters before it).
    for (let i = chain.filters.length - 1; i >= 0; i--) {
      const f = chain.filters[i];
      if (f.kind === 'http_connection_manager') {
        const filters = compileHttpFilterChain(f.httpFilters, [...at, 'filters', i, 'typed_config'], o.httpFilters, {
          clock: o.clock, random: o.random, stats: o.stats, statPrefix: f.statPrefix, clusters: o.clusters, trafficDirection,
        });
        if (!filters.ok) {
          o.log?.(`filter chain ${chain.name}: ${filters.errors.join('; ')}`);
          return { kind: 'none' };
        }
        return { kind: 'http', hcm: new HttpConnectionManager(f, { clock: o.clock, random: o.random, stats: createHcmStats(o.stats, f.statPrefix), chain: filters.value, requestId: o.requestId, accessLogSinks: o.accessLogSinks }) };
      }
      if (f.kind === 'tcp_proxy') return { kind: 'tcp', tcp: new TcpProxy(f, { clock: o.clock, random: o.random, clusters: o.clusters, stats: o.stats, observer: o.tcpTelemetry?.(f, chain, trafficDirection) }) };
    }
    return { kind: 'none' };
  }

  /** RDS: each HCM that follows a route configuration gets the current one (atomic swap of a compiled table). */
  #updateRoutes(compiled: CompiledChains, snapshot: XdsSnapshot): void {
    const all = compiled.defaultChain ? [...compiled.chains, compiled.defaultChain] : compiled.chains;
    for (const c of all) {
      if (c.kind !== 'http') continue;
      const rds = c.hcm.rdsName;
      if (rds !== undefined) c.hcm.setRouteConfig(snapshot.routes.get(rds)?.config);
    }
  }
}

function chainsOf(c: CompiledChains): readonly ChainRuntime[] {
  return c.defaultChain ? [...c.chains, c.defaultChain] : c.chains;
}

function drainChains(c: CompiledChains): void {
  for (const chain of chainsOf(c)) {
    if (chain.kind === 'http') chain.hcm.drain();
  }
}

function destroyChains(c: CompiledChains): void {
  for (const chain of chainsOf(c)) {
    if (chain.kind === 'http') chain.hcm.destroy();
    else if (chain.kind === 'tcp') chain.tcp.destroy();
  }
}
