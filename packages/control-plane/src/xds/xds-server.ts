/**
 * The ADS server (Istio's DiscoveryServer): serves
 * envoy.service.discovery.v3.AggregatedDiscoveryService, both
 * StreamAggregatedResources (state of the world) and DeltaAggregatedResources,
 * on @grpc/grpc-js. Config changes go through the debouncer; each debounced
 * push builds the push context once, then walks every connection in Envoy's
 * order (CDS, EDS, LDS, RDS, ...) and sends a type only to proxies whose
 * output for it changed.
 */
import { Server, ServerCredentials, status as GrpcStatus, type ServerDuplexStream } from '@grpc/grpc-js';
import { XDS_RESOURCE_TYPES } from '@skiff/api';
import { adsServiceDefinition } from '@skiff/api/envoy/ads-service.ts';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse, DiscoveryRequest } from '@skiff/api/envoy/discovery-types.ts';
import { randomInt, type Clock, type Random } from '@skiff/common';
import { parseProxyNode, type Proxy } from '../model/proxy.ts';
import { Connection, type XdsProtocol } from './connection.ts';
import { Debouncer, ISTIO_DEBOUNCE, type DebounceOptions } from './debounce.ts';
import { onDeltaRequest, sendDelta } from './delta-protocol.ts';
import type { GeneratorRegistry } from './generator-registry.ts';
import { XdsMetrics } from './metrics.ts';
import { mergePushRequests, type PushRequest } from './push-request.ts';
import type { PushSnapshot, ServerContext } from './server-context.ts';
import { withPackedResponses, type SotwResponse } from './packed-response.ts';
import { advanceEncodingGeneration } from './resource-encoder.ts';
import { onSotwRequest, sendSotw } from './sotw-protocol.ts';
import { syncStatusOf, type SyncStatus } from './sync-status.ts';
import type { NackRecord } from './type-watch.ts';
import { WriteBudget } from './write-budget.ts';

export interface XdsServerOptions<P> {
  readonly clock: Clock;
  readonly random: Random;
  readonly generators: GeneratorRegistry<P>;
  readonly initialPushContext: P;
  /** Builds the next immutable push context; called once per debounced push. */
  readonly createPushContext: (request: PushRequest, previous: P) => P;
  readonly debounce?: DebounceOptions;
  readonly onNack?: (proxy: Proxy, record: NackRecord) => void;
  /** Serialized response bytes in flight across all streams before further responses wait (default 256 MiB; see write-budget.ts). */
  readonly maxBytesInFlight?: number;
}

/** Enough for a dozen full states of a 5,000-service mesh at once; the rest wait as references to shared bytes. */
export const DEFAULT_MAX_BYTES_IN_FLIGHT = 256 * 2 ** 20;

export interface PushStatus {
  readonly version: string;
  readonly totalPushes: number;
  readonly pending: boolean;
  readonly lastPush?: {
    readonly version: string;
    readonly reasons: readonly string[];
    readonly startMs: number;
    readonly endMs: number;
    readonly proxiesPushed: number;
    readonly proxiesUnchanged: number;
  };
}

type AnyConnection = Connection<SotwResponse> | Connection<DeltaDiscoveryResponse>;

export class XdsServer<P> {
  readonly metrics = new XdsMetrics();
  readonly #options: XdsServerOptions<P>;
  readonly #grpc = new Server();
  readonly #connections = new Map<string, AnyConnection>();
  readonly #debouncer: Debouncer<PushRequest>;
  readonly #ctx: ServerContext<P>;
  readonly #noncePrefix: string;
  readonly #budget: WriteBudget;
  #snapshot: PushSnapshot<P>;
  #pushCount = 0;
  #nonceCount = 0;
  #connectionCount = 0;
  #lastPush: PushStatus['lastPush'];
  #closed = false;

  constructor(options: XdsServerOptions<P>) {
    this.#options = options;
    this.#budget = new WriteBudget(options.maxBytesInFlight ?? DEFAULT_MAX_BYTES_IN_FLIGHT);
    this.#noncePrefix = randomInt(options.random, 2 ** 32).toString(16).padStart(8, '0');
    this.#snapshot = { push: options.initialPushContext, version: this.#version() };
    this.#debouncer = new Debouncer(options.clock, options.debounce ?? ISTIO_DEBOUNCE, mergePushRequests, (request) => this.#push(request));
    this.#ctx = {
      clock: options.clock,
      generators: options.generators,
      metrics: this.metrics,
      snapshot: () => this.#snapshot,
      nextNonce: () => `${this.#noncePrefix}-${++this.#nonceCount}`,
      onNack: (connection, record) => options.onNack?.(connection.proxy, record),
    };
    this.#grpc.addService(withPackedResponses(adsServiceDefinition()), {
      StreamAggregatedResources: (call: ServerDuplexStream<DiscoveryRequest, SotwResponse>) => this.#serve('sotw', call, onSotwRequest),
      DeltaAggregatedResources: (call: ServerDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse>) => this.#serve('delta', call, onDeltaRequest),
    });
  }

  /** Binds `host:port` (port 0 picks one) without TLS; resolves to the bound port. */
  listen(address: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#grpc.bindAsync(address, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
    });
  }

  /** A config or registry change; pushes after the debounce window. */
  configUpdate(reason: string): void {
    if (this.#closed) return;
    this.#debouncer.add({ reasons: [reason], startMs: this.#options.clock.now() });
  }

  /** Pushes the pending change now instead of at the end of the debounce window. */
  flush(): void {
    this.#debouncer.flush();
  }

  get pushContext(): P {
    return this.#snapshot.push;
  }

  connections(): readonly AnyConnection[] {
    return [...this.#connections.values()];
  }

  syncStatus(): SyncStatus[] {
    return this.connections().map((c) => syncStatusOf(c));
  }

  pushStatus(): PushStatus {
    return { version: this.#snapshot.version, totalPushes: this.#pushCount, pending: this.#debouncer.hasPending, ...(this.#lastPush ? { lastPush: this.#lastPush } : {}) };
  }

  /** Stops accepting streams and ends open ones. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#debouncer.close();
    for (const c of this.#connections.values()) c.close();
    this.#connections.clear();
    this.#grpc.forceShutdown();
    return Promise.resolve();
  }

  #version(): string {
    return `${new Date(this.#options.clock.now()).toISOString()}/${this.#pushCount}`;
  }

  #serve<Req extends { node?: DiscoveryRequest['node'] }, Res>(
    protocol: XdsProtocol,
    call: ServerDuplexStream<Req, Res>,
    handle: (ctx: ServerContext<P>, connection: Connection<Res>, request: Req) => void,
  ): void {
    let connection: Connection<Res> | undefined;
    const drop = () => {
      if (connection) this.#connections.delete(connection.id);
      connection?.close();
    };
    call.on('data', (request: Req) => {
      if (this.#closed) return;
      if (!connection) {
        const proxy = parseProxyNode(request.node);
        if (!proxy.ok) {
          call.emit('error', { code: GrpcStatus.INVALID_ARGUMENT, details: proxy.errors.join('; ') });
          return;
        }
        connection = new Connection<Res>({
          id: `${proxy.value.id}-${++this.#connectionCount}`,
          proxy: proxy.value,
          protocol,
          peer: call.getPeer(),
          connectedAtMs: this.#options.clock.now(),
          writer: call,
          budget: this.#budget,
        });
        this.#connections.set(connection.id, connection as AnyConnection);
      }
      handle(this.#ctx, connection, request);
    });
    call.on('end', () => {
      drop();
      call.end();
    });
    call.on('cancelled', drop);
    call.on('close', drop);
    call.on('error', drop);
  }

  #push(request: PushRequest): void {
    if (this.#closed) return;
    this.#pushCount++;
    this.#snapshot = { push: this.#options.createPushContext(request, this.#snapshot.push), version: this.#version() };
    advanceEncodingGeneration();
    let pushed = 0;
    for (const connection of this.#connections.values()) {
      if (this.#pushConnection(connection, request)) pushed++;
    }
    const endMs = this.#options.clock.now();
    this.#lastPush = { version: this.#snapshot.version, reasons: request.reasons, startMs: request.startMs, endMs, proxiesPushed: pushed, proxiesUnchanged: this.#connections.size - pushed };
  }

  /** Sends every watched type whose output changed, in Envoy's order. Returns whether anything was sent. */
  #pushConnection(connection: AnyConnection, request: PushRequest): boolean {
    let sent = false;
    for (const typeUrl of pushOrder(connection.watches.keys())) {
      const watch = connection.watches.get(typeUrl)!;
      if (watch.sentNonce === undefined) continue; // never requested successfully: the proxy's own request will be answered
      sent = (connection.protocol === 'sotw'
        ? sendSotw(this.#ctx, connection as Connection<SotwResponse>, watch, request, false)
        : sendDelta(this.#ctx, connection as Connection<DeltaDiscoveryResponse>, watch, request, false)) || sent;
    }
    if (sent) this.metrics.onConvergence((this.#options.clock.now() - request.startMs) / 1000);
    return sent;
  }
}

const ORDER: ReadonlyMap<string, number> = new Map(XDS_RESOURCE_TYPES.map((t, i) => [t, i]));

/** CDS before EDS, LDS before RDS (then the rest), as Envoy needs to warm clusters and listeners. */
export function pushOrder(typeUrls: Iterable<string>): string[] {
  return [...typeUrls].sort((a, b) => (ORDER.get(a) ?? ORDER.size) - (ORDER.get(b) ?? ORDER.size));
}
