/**
 * The proxy's ADS client (Envoy's GrpcMuxImpl + cluster/listener manager
 * warming, istio-agent's xDS proxy folded in): one stream to the control
 * plane, state of the world or delta as the bootstrap says, subscriptions
 * driven by the watch graph, per-type caches that apply what validates and
 * NACK what does not, warming with the initial fetch timeout, and
 * reconnection with jittered exponential backoff. Whatever happens to the
 * stream, the last accepted config stays published.
 *
 *   stream ─response─> ResourceCache.apply ──ACK/NACK──> stream
 *                              └─> Warmer (clusters, listeners; waiting on EDS, RDS, SDS) ─> watch graph ─subscribe─> stream
 *                                                         └─> XdsSnapshot ─> subscribers
 */
import { TypeUrl } from '@skiff/api';
import type { DeltaDiscoveryResponse, DiscoveryResponse, Node } from '@skiff/api/envoy/discovery-types.ts';
import { jsonToStruct } from '@skiff/api/envoy/struct.ts';
import { fail, type Cancel, type Clock, type Random, type Result } from '@skiff/common';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { BootstrapConfig } from '../bootstrap/index.ts';
import { parseRouteConfiguration, type PerFilterConfigParser, type RouteTableConfig } from '../http/route-table/index.ts';
import { StatsRegistry } from '../stats/index.ts';
import { AdsChannel, type AdsResponse, type AdsStream } from './ads-stream.ts';
import { Backoff, ENVOY_XDS_BACKOFF, type BackoffOptions } from './backoff.ts';
import { ResourceCache } from './resource-cache.ts';
import {
  CLIENT_TYPE_URLS, clusterResourceType, endpointResourceType, listenerResourceType, parseCluster, parseListener, routeResourceType, secretResourceType, type ClientTypeUrl, type ResourceType,
} from './resource-types/index.ts';
import { deltaAck, deltaChangeRequest, deltaInitialRequest, sotwRequest } from './requests.ts';
import { XdsClientStats } from './stats.ts';
import type { SdsSecretRef, SecretConfig } from '../transport-sockets/tls/config.ts';
import { isLocalSecretByDefault, type SecretManager } from '../transport-sockets/tls/secret-manager.ts';
import { clusterSecretRefs, listenerSecretRefs } from '../transport-sockets/transport-socket-config.ts';
import type { ClusterConfig, EndpointsConfig, ListenerConfig, ResourceEntry as ResourceEntryOf, XdsSnapshot } from './types.ts';
import { Warmer } from './warmer.ts';
import { desiredSubscriptions, sameSubscription, type Subscription } from './watch-graph.ts';

/** Envoy's default initial_fetch_timeout. */
export const INITIAL_FETCH_TIMEOUT_MS = 15_000;

export interface XdsClientOptions {
  readonly bootstrap: BootstrapConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly stats?: StatsRegistry;
  /** How long a first fetch or a warming resource may wait; Envoy's 15 s by default. */
  readonly initialFetchTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** Operational messages in Envoy's wording (rejections, stream closes); dropped by default. */
  readonly log?: (line: string) => void;
  /** Checks owned by the data-path components (HTTP filter and LB registries); their reasons NACK the resource. */
  readonly validation?: XdsValidationHooks;
  /** Static and locally provided secrets (never requested over ADS); its changes re-check warming resources. */
  readonly secrets?: SecretManager;
}

/**
 * What the data path adds to resource validation, so a resource the proxy
 * could not run is NACKed and the last good one stays: unknown or invalid
 * HTTP filters, per-route filter configs, cluster LB / circuit-breaker /
 * outlier settings. Each returns every reason, with field paths.
 */
export interface XdsValidationHooks {
  readonly listener?: (config: ListenerConfig) => readonly string[];
  readonly cluster?: (config: ClusterConfig) => readonly string[];
  readonly parsePerFilterConfig?: PerFilterConfigParser;
}

function withValidation<C>(type: ResourceType<C>, parse: (wire: WireMessage) => Result<C>, validate: ((config: C) => readonly string[]) | undefined): ResourceType<C> {
  return {
    ...type,
    parse(wire) {
      const parsed = parse(wire);
      if (!parsed.ok || !validate) return parsed;
      const errors = validate(parsed.value);
      return errors.length > 0 ? fail(...errors) : parsed;
    },
  };
}

/** The caches and warmers, read-only, for /config_dump and /clusters. */
export interface XdsClientState {
  readonly clusters: ResourceCache<ClusterConfig>;
  readonly endpoints: ResourceCache<EndpointsConfig>;
  readonly listeners: ResourceCache<ListenerConfig>;
  readonly routes: ResourceCache<RouteTableConfig>;
  readonly secrets: ResourceCache<SecretConfig>;
  readonly clusterWarmer: Warmer<ClusterConfig>;
  readonly listenerWarmer: Warmer<ListenerConfig>;
  readonly connected: boolean;
}

export type SnapshotListener = (snapshot: XdsSnapshot) => void;

export class XdsClient {
  readonly #options: XdsClientOptions;
  readonly #node: Node;
  readonly #stats: XdsClientStats;
  readonly #backoff: Backoff;
  readonly #timeoutMs: number;
  readonly #clusters: ResourceCache<ClusterConfig>;
  readonly #endpoints = new ResourceCache(endpointResourceType);
  readonly #listeners: ResourceCache<ListenerConfig>;
  readonly #routes: ResourceCache<RouteTableConfig>;
  readonly #secrets = new ResourceCache(secretResourceType);
  readonly #unsubscribeSecrets: (() => void) | undefined;
  readonly #caches: ReadonlyMap<string, ResourceCache<unknown>>;
  readonly #clusterWarmer: Warmer<ClusterConfig>;
  readonly #listenerWarmer: Warmer<ListenerConfig>;
  readonly #subscribers = new Set<SnapshotListener>();
  /** What the current stream has been asked for, per type. */
  readonly #requested = new Map<ClientTypeUrl, Subscription>();
  readonly #fetchTimers = new Map<string, Cancel>();
  readonly #fetchTimedOut = new Set<string>();
  #channel: AdsChannel | undefined;
  #stream: AdsStream | undefined;
  #nodeSent = false;
  #connected = false;
  #reconnect: Cancel | undefined;
  #clustersInitialized = false;
  #initialized = false;
  #snapshot: XdsSnapshot;
  #closed = false;

  constructor(options: XdsClientOptions) {
    this.#options = options;
    const hooks = options.validation ?? {};
    const routeOptions = { parsePerFilterConfig: hooks.parsePerFilterConfig };
    this.#clusters = new ResourceCache(withValidation(clusterResourceType, parseCluster, hooks.cluster));
    this.#listeners = new ResourceCache(withValidation(listenerResourceType, (w) => parseListener(w, routeOptions), hooks.listener));
    this.#routes = new ResourceCache(withValidation(routeResourceType, (w) => parseRouteConfiguration(w, routeOptions), undefined));
    const { node } = options.bootstrap;
    this.#node = { id: node.id, cluster: node.cluster, metadata: jsonToStruct(node.metadata), user_agent_name: 'skiff' };
    this.#stats = new XdsClientStats(options.stats ?? new StatsRegistry());
    this.#backoff = new Backoff(options.backoff ?? ENVOY_XDS_BACKOFF, options.random);
    this.#timeoutMs = options.initialFetchTimeoutMs ?? INITIAL_FETCH_TIMEOUT_MS;
    this.#caches = new Map<string, ResourceCache<unknown>>([
      [TypeUrl.Cluster, this.#clusters], [TypeUrl.ClusterLoadAssignment, this.#endpoints], [TypeUrl.Listener, this.#listeners], [TypeUrl.RouteConfiguration, this.#routes], [TypeUrl.Secret, this.#secrets],
    ] as [string, ResourceCache<unknown>][]);
    const onTimeout = (kind: string) => (name: string) => {
      this.#log(`${kind} ${name} initial fetch timeout: going active without its ${kind === 'cluster' ? 'endpoints' : 'route configurations'}`);
      this.#update();
    };
    this.#clusterWarmer = new Warmer<ClusterConfig>({
      clock: options.clock,
      timeoutMs: this.#timeoutMs,
      isReady: (c) => (c.edsServiceName === undefined || this.#endpoints.entries.has(c.edsServiceName)) && clusterSecretRefs(c).every((ref) => this.#hasSecret(ref)),
      onTimeout: onTimeout('cluster'),
    });
    this.#listenerWarmer = new Warmer<ListenerConfig>({
      clock: options.clock,
      timeoutMs: this.#timeoutMs,
      isReady: (l) => l.routeConfigNames.every((n) => this.#routes.entries.has(n)) && listenerSecretRefs(l).every((ref) => this.#hasSecret(ref)),
      onTimeout: onTimeout('listener'),
    });
    this.#unsubscribeSecrets = options.secrets?.onChange(() => this.#update());
    this.#snapshot = this.#buildSnapshot();
  }

  /** Whether a secret a TLS context names is available: locally (static, agent) or received over SDS. */
  #hasSecret(ref: SdsSecretRef): boolean {
    const local = this.#options.secrets;
    if (local) return local.isLocal(ref) ? local.hasLocal(ref) : this.#secrets.entries.has(ref.name);
    return isLocalSecretByDefault(ref) ? ref.source !== 'static' : this.#secrets.entries.has(ref.name);
  }

  /** Opens the ADS stream. Idempotent. */
  start(): void {
    if (this.#channel || this.#closed) return;
    const { host, port } = this.#options.bootstrap.adsAddress;
    this.#channel = new AdsChannel(host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
    this.#connect();
  }

  /** The current config: immutable, replaced as a whole on every change. */
  snapshot(): XdsSnapshot {
    return this.#snapshot;
  }

  /** Calls `onChange` with every new snapshot; returns the unsubscribe function. */
  subscribe(onChange: SnapshotListener): () => void {
    this.#subscribers.add(onChange);
    return () => this.#subscribers.delete(onChange);
  }

  state(): XdsClientState {
    return {
      clusters: this.#clusters, endpoints: this.#endpoints, listeners: this.#listeners, routes: this.#routes, secrets: this.#secrets,
      clusterWarmer: this.#clusterWarmer, listenerWarmer: this.#listenerWarmer, connected: this.#connected,
    };
  }

  /** Ends the stream and every timer; the last snapshot stays readable. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribeSecrets?.();
    this.#reconnect?.();
    for (const cancel of this.#fetchTimers.values()) cancel();
    this.#clusterWarmer.close();
    this.#listenerWarmer.close();
    this.#stream?.close();
    this.#channel?.close();
    this.#subscribers.clear();
  }

  // ── stream lifecycle ─────────────────────────────────────────────────
  #connect(): void {
    this.#reconnect = undefined;
    if (this.#closed || !this.#channel) return;
    this.#requested.clear();
    this.#nodeSent = false;
    const stream = this.#channel.open(this.#options.bootstrap.adsProtocol, {
      onResponse: (response) => this.#onResponse(response),
      onClose: (status) => this.#onClose(stream, status),
    });
    this.#stream = stream;
    this.#sendSubscriptions();
  }

  #onClose(stream: AdsStream, status: { code: number; details: string }): void {
    if (stream !== this.#stream || this.#closed) return;
    this.#connected = false;
    this.#stats.connectedState.set(0);
    for (const typeUrl of this.#requested.keys()) {
      this.#stats.inc(typeUrl, 'update_attempt');
      this.#stats.inc(typeUrl, 'update_failure');
    }
    const delay = this.#backoff.nextDelayMs();
    this.#log(`StreamAggregatedResources gRPC config stream to ${this.#options.bootstrap.adsClusterName} closed: ${status.code}, ${status.details}; retrying in ${delay} ms`);
    this.#reconnect = this.#options.clock.setTimeout(() => this.#connect(), delay);
  }

  #onResponse(response: AdsResponse): void {
    this.#backoff.reset();
    if (!this.#connected) {
      this.#connected = true;
      this.#stats.connectedState.set(1);
    }
    const typeUrl = response.type_url;
    const cache = this.#caches.get(typeUrl);
    if (!cache) {
      this.#log(`ignoring a response of unsubscribed type ${typeUrl}`);
      return;
    }
    const nowMs = this.#options.clock.now();
    const result = 'version_info' in response ? cache.applySotw(response as DiscoveryResponse, nowMs) : cache.applyDelta(response as DeltaDiscoveryResponse, nowMs);
    this.#stats.inc(typeUrl, 'update_attempt');
    this.#stats.inc(typeUrl, result.nack === undefined ? 'update_success' : 'update_rejected');
    if (result.nack !== undefined) this.#log(`gRPC config for ${typeUrl} rejected: ${result.nack}`);
    this.#write(typeUrl as ClientTypeUrl, result.nack, response.nonce);
    this.#update();
  }

  /** ACKs or NACKs a response; SotW repeats the current subscription of the type. */
  #write(typeUrl: ClientTypeUrl, nack: string | undefined, nonce: string): void {
    const cache = this.#caches.get(typeUrl)!;
    if (this.#options.bootstrap.adsProtocol === 'delta') {
      this.#stream?.write(deltaAck(typeUrl, nonce, nack));
    } else {
      const sub = this.#requested.get(typeUrl) ?? { wildcard: false, names: [] };
      this.#stream?.write(sotwRequest(typeUrl, sub, cache.versionInfo, nonce, this.#takeNode(), nack));
    }
  }

  #takeNode(): Node | undefined {
    if (this.#nodeSent) return undefined;
    this.#nodeSent = true;
    return this.#node;
  }

  // ── state ────────────────────────────────────────────────────────────
  /** After any change: warm, advance initialization, follow the watch graph, publish. */
  #update(): void {
    if (this.#closed) return;
    this.#clusterWarmer.sync(this.#clusters.entries);
    this.#listenerWarmer.sync(this.#listeners.entries);
    const cdsDone = this.#clusters.received || this.#fetchTimedOut.has(TypeUrl.Cluster);
    if (!this.#clustersInitialized && cdsDone && this.#clusterWarmer.warmingCount === 0) this.#clustersInitialized = true;
    const ldsDone = this.#listeners.received || this.#fetchTimedOut.has(TypeUrl.Listener);
    if (this.#clustersInitialized && !this.#initialized && ldsDone && this.#listenerWarmer.warmingCount === 0) this.#initialized = true;
    this.#sendSubscriptions();
    this.#publish();
  }

  #sendSubscriptions(): void {
    const desired = desiredSubscriptions({
      clusters: [...this.#clusterWarmer.active.values(), ...this.#clusterWarmer.warming.values()],
      listeners: [...this.#listenerWarmer.active.values(), ...this.#listenerWarmer.warming.values()],
      clustersInitialized: this.#clustersInitialized,
      isLocalSecret: (ref) => this.#options.secrets?.isLocal(ref) ?? isLocalSecretByDefault(ref),
    });
    for (const typeUrl of CLIENT_TYPE_URLS) {
      const next = desired.get(typeUrl);
      const previous = this.#requested.get(typeUrl);
      if (!next || sameSubscription(previous, next)) continue;
      if (!next.wildcard) this.#caches.get(typeUrl)!.retain(new Set(next.names));
      // Envoy asks for a named type only once there is a name to ask for.
      if (!previous && !next.wildcard && next.names.length === 0) continue;
      this.#requested.set(typeUrl, next);
      this.#request(typeUrl, previous, next);
      this.#startFetchTimer(typeUrl);
    }
  }

  #request(typeUrl: ClientTypeUrl, previous: Subscription | undefined, next: Subscription): void {
    const cache = this.#caches.get(typeUrl)!;
    if (this.#options.bootstrap.adsProtocol === 'sotw') {
      this.#stream?.write(sotwRequest(typeUrl, next, cache.versionInfo, previous ? cache.lastNonce : '', this.#takeNode()));
      return;
    }
    const request = previous ? deltaChangeRequest(typeUrl, previous, next, this.#takeNode()) : deltaInitialRequest(typeUrl, next, cache.versions(), this.#takeNode());
    if (request) this.#stream?.write(request);
  }

  /** The first fetch of CDS and LDS may time out too (EDS and RDS time out per warming resource). */
  #startFetchTimer(typeUrl: ClientTypeUrl): void {
    if (typeUrl !== TypeUrl.Cluster && typeUrl !== TypeUrl.Listener) return;
    if (this.#fetchTimers.has(typeUrl)) return;
    this.#fetchTimers.set(typeUrl, this.#options.clock.setTimeout(() => {
      if (this.#caches.get(typeUrl)!.received) return;
      this.#fetchTimedOut.add(typeUrl);
      this.#stats.inc(typeUrl, 'init_fetch_timeout');
      this.#log(`${typeUrl} initial fetch timeout after ${this.#timeoutMs} ms`);
      this.#update();
    }, this.#timeoutMs));
  }

  #publish(): void {
    const next = this.#buildSnapshot();
    const s = this.#snapshot;
    if (next.initialized === s.initialized && sameEntries(next.listeners, s.listeners) && sameEntries(next.clusters, s.clusters) && sameEntries(next.routes, s.routes)
      && sameEntries(next.endpoints, s.endpoints) && sameEntries(next.secrets ?? NO_SECRETS, s.secrets ?? NO_SECRETS) && sameEntries(next.warmingClusters, s.warmingClusters) && sameEntries(next.warmingListeners, s.warmingListeners)) return;
    this.#snapshot = next;
    this.#stats.activeClusters.set(next.clusters.size);
    this.#stats.warmingClusters.set(next.warmingClusters.size);
    this.#stats.activeListeners.set(next.listeners.size);
    this.#stats.warmingListeners.set(next.warmingListeners.size);
    for (const onChange of [...this.#subscribers]) onChange(next);
  }

  #buildSnapshot(): XdsSnapshot {
    return Object.freeze({
      listeners: new Map(this.#listenerWarmer.active),
      routes: new Map(this.#routes.entries),
      clusters: new Map(this.#clusterWarmer.active),
      endpoints: new Map(this.#endpoints.entries),
      secrets: new Map(this.#secrets.entries),
      warmingListeners: this.#listenerWarmer.warming,
      warmingClusters: this.#clusterWarmer.warming,
      initialized: this.#initialized,
    });
  }

  #log(line: string): void {
    this.#options.log?.(line);
  }
}

function sameEntries<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

const NO_SECRETS: ReadonlyMap<string, ResourceEntryOf<SecretConfig>> = new Map();
