/**
 * A controllable ADS server for proxy tests (grpc-js-xds's test/xds-server.ts):
 * tests set the resources of each type, and every connected stream that
 * subscribes to them gets them, state of the world or delta. It records
 * every request, so a test can wait for the ACK of a version or read a
 * NACK's error_detail, see which names a client subscribes to, drop streams,
 * and stop and restart the server on the same port. A type whose resources
 * were never set is never answered (a control plane that lacks it).
 */
import { Server, ServerCredentials, status as GrpcStatus, type ServerDuplexStream } from '@grpc/grpc-js';
import { adsServiceDefinition } from '@skiff/api/envoy/ads-service.ts';
import type { Any, DeltaDiscoveryRequest, DeltaDiscoveryResponse, DiscoveryRequest, DiscoveryResponse } from '@skiff/api/envoy/discovery-types.ts';
import { encodeAny, type WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { TypeUrl } from '@skiff/api';

export type FakeProtocol = 'sotw' | 'delta';

/** One request as the fake saw it, both protocols in one shape. */
export interface ObservedRequest {
  readonly stream: number;
  readonly protocol: FakeProtocol;
  readonly typeUrl: string;
  readonly nonce: string;
  /** SotW: version_info. */
  readonly versionInfo: string;
  /** SotW: resource_names. */
  readonly resourceNames: readonly string[];
  /** Delta: resource_names_subscribe / _unsubscribe / initial_resource_versions. */
  readonly subscribe: readonly string[];
  readonly unsubscribe: readonly string[];
  readonly initialVersions: Readonly<Record<string, string>>;
  readonly errorDetail: { readonly code: number; readonly message: string } | undefined;
  readonly hasNode: boolean;
  readonly nodeId: string | undefined;
}

export interface SentResponse {
  readonly stream: number;
  readonly typeUrl: string;
  readonly version: string;
  readonly nonce: string;
  readonly names: readonly string[];
  readonly removed: readonly string[];
}

export interface AckRecord {
  readonly stream: number;
  readonly version: string;
  readonly nonce: string;
}

export interface NackRecord extends AckRecord {
  readonly code: number;
  readonly message: string;
}

const WILDCARD_TYPES: ReadonlySet<string> = new Set([TypeUrl.Listener, TypeUrl.Cluster]);

interface TypeSet {
  version: string;
  resources: Map<string, { any: Any; version: string; json: string }>;
}

interface Watch {
  wildcard: boolean;
  names: Set<string>;
  /** Delta: what the client holds, by name → version. */
  known: Map<string, string>;
  lastNonce: string;
  sent: Map<string, string>;
}

interface StreamState {
  readonly id: number;
  readonly protocol: FakeProtocol;
  readonly call: ServerDuplexStream<DiscoveryRequest | DeltaDiscoveryRequest, DiscoveryResponse | DeltaDiscoveryResponse>;
  readonly watches: Map<string, Watch>;
}

export class FakeControlPlane {
  readonly #types = new Map<string, TypeSet>();
  readonly #streams = new Set<StreamState>();
  readonly #requests: ObservedRequest[] = [];
  readonly #responses: SentResponse[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #timeoutMs: number;
  #server: Server | undefined;
  #port = 0;
  #host: string;
  #streamCount = 0;
  #nonceCount = 0;
  #versionCount = 0;

  private constructor(host: string, timeoutMs: number) {
    this.#host = host;
    this.#timeoutMs = timeoutMs;
  }

  /** Starts on 127.0.0.1 and a free port by default. */
  static async start(options: { host?: string; port?: number; timeoutMs?: number } = {}): Promise<FakeControlPlane> {
    const plane = new FakeControlPlane(options.host ?? '127.0.0.1', options.timeoutMs ?? 5000);
    await plane.#listen(options.port ?? 0);
    return plane;
  }

  get address(): string {
    return `${this.#host}:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  /** Streams opened so far (reconnects included). */
  get streamCount(): number {
    return this.#streamCount;
  }

  get openStreams(): number {
    return this.#streams.size;
  }

  /** Replaces every resource of a type (a new version) and pushes it to the streams that watch the type. Returns the version. */
  setResources(typeUrl: string, resources: readonly (WireMessage | { readonly name: string; readonly any: Any })[]): string {
    const previous = this.#types.get(typeUrl);
    const version = String(++this.#versionCount);
    const next = new Map<string, { any: Any; version: string; json: string }>();
    for (const r of resources) {
      const isPacked = 'any' in r && typeof r.name === 'string' && r.any !== null && typeof r.any === 'object';
      const any = isPacked ? (r.any as Any) : encodeAny(typeUrl, r as WireMessage);
      const name = isPacked ? String(r.name) : String((r as WireMessage).name ?? (r as WireMessage).cluster_name ?? '');
      const json = Buffer.from(any.value).toString('base64');
      const old = previous?.resources.get(name);
      next.set(name, { any, json, version: old && old.json === json ? old.version : version });
    }
    this.#types.set(typeUrl, { version, resources: next });
    for (const s of this.#streams) {
      const watch = s.watches.get(typeUrl);
      if (watch) this.#send(s, typeUrl, watch, []);
    }
    return version;
  }

  /** Every request received, optionally of one type. */
  requests(typeUrl?: string): readonly ObservedRequest[] {
    return typeUrl === undefined ? [...this.#requests] : this.#requests.filter((r) => r.typeUrl === typeUrl);
  }

  responses(typeUrl?: string): readonly SentResponse[] {
    return typeUrl === undefined ? [...this.#responses] : this.#responses.filter((r) => r.typeUrl === typeUrl);
  }

  acks(typeUrl: string): readonly AckRecord[] {
    return this.#classify(typeUrl).acks;
  }

  nacks(typeUrl: string): readonly NackRecord[] {
    return this.#classify(typeUrl).nacks;
  }

  /** What the newest open stream subscribes to for a type. */
  subscription(typeUrl: string): { wildcard: boolean; names: string[] } | undefined {
    const stream = [...this.#streams].at(-1);
    const watch = stream?.watches.get(typeUrl);
    return watch && { wildcard: watch.wildcard, names: [...watch.names].sort() };
  }

  /** Resolves when `condition` holds (checked after every request); rejects after the timeout. */
  waitFor(condition: () => boolean, what = 'condition'): Promise<void> {
    return new Promise((resolve, reject) => {
      if (condition()) return resolve();
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`fake control plane: timed out after ${this.#timeoutMs} ms waiting for ${what}`));
      }, this.#timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  /** Waits for the ACK of a type's version (the current one by default). */
  async waitForAck(typeUrl: string, version = this.#types.get(typeUrl)?.version ?? ''): Promise<AckRecord> {
    await this.waitFor(() => this.acks(typeUrl).some((a) => a.version === version), `an ACK of ${typeUrl} version ${version}`);
    return this.acks(typeUrl).find((a) => a.version === version)!;
  }

  /** Waits for a NACK of a type's version (the current one by default) and returns it. */
  async waitForNack(typeUrl: string, version = this.#types.get(typeUrl)?.version ?? ''): Promise<NackRecord> {
    await this.waitFor(() => this.nacks(typeUrl).some((n) => n.version === version), `a NACK of ${typeUrl} version ${version}`);
    return this.nacks(typeUrl).find((n) => n.version === version)!;
  }

  /** Ends every open stream with UNAVAILABLE, as a control plane restart does; the server keeps listening. */
  disconnectAll(): void {
    for (const s of this.#streams) s.call.emit('error', { code: GrpcStatus.UNAVAILABLE, details: 'fake control plane: stream dropped' });
    this.#streams.clear();
  }

  /** Stops listening and drops every stream; `restart()` listens on the same port again. */
  async stop(): Promise<void> {
    this.disconnectAll();
    const server = this.#server;
    this.#server = undefined;
    server?.forceShutdown();
  }

  async restart(): Promise<void> {
    if (!this.#server) await this.#listen(this.#port);
  }

  async close(): Promise<void> {
    await this.stop();
    for (const w of this.#waiters) w();
    this.#waiters.clear();
  }

  #listen(port: number): Promise<void> {
    const server = new Server();
    server.addService(adsServiceDefinition(), {
      StreamAggregatedResources: (call: StreamState['call']) => this.#serve('sotw', call),
      DeltaAggregatedResources: (call: StreamState['call']) => this.#serve('delta', call),
    });
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.bindAsync(`${this.#host}:${port}`, ServerCredentials.createInsecure(), (err, bound) => {
        if (err) return reject(err);
        this.#port = bound;
        resolve();
      });
    });
  }

  #serve(protocol: FakeProtocol, call: StreamState['call']): void {
    const stream: StreamState = { id: ++this.#streamCount, protocol, call, watches: new Map() };
    this.#streams.add(stream);
    const drop = () => this.#streams.delete(stream);
    call.on('data', (request: DiscoveryRequest & DeltaDiscoveryRequest) => this.#onRequest(stream, request));
    call.on('end', () => {
      drop();
      call.end();
    });
    call.on('cancelled', drop);
    call.on('error', drop);
    this.#notify();
  }

  #onRequest(stream: StreamState, request: DiscoveryRequest & DeltaDiscoveryRequest): void {
    const typeUrl = request.type_url ?? '';
    const nonce = request.response_nonce ?? '';
    this.#requests.push({
      stream: stream.id,
      protocol: stream.protocol,
      typeUrl,
      nonce,
      versionInfo: request.version_info ?? '',
      resourceNames: [...(request.resource_names ?? [])],
      subscribe: [...(request.resource_names_subscribe ?? [])],
      unsubscribe: [...(request.resource_names_unsubscribe ?? [])],
      initialVersions: { ...request.initial_resource_versions },
      errorDetail: request.error_detail ? { code: request.error_detail.code ?? 0, message: request.error_detail.message ?? '' } : undefined,
      hasNode: !!request.node,
      nodeId: request.node?.id,
    });
    if (!request.error_detail) {
      const isFirst = !stream.watches.has(typeUrl);
      const watch = stream.watches.get(typeUrl) ?? { wildcard: false, names: new Set<string>(), known: new Map<string, string>(), lastNonce: '', sent: new Map<string, string>() };
      stream.watches.set(typeUrl, watch);
      const newlyRequested = stream.protocol === 'sotw' ? this.#sotwNames(watch, request, isFirst) : this.#deltaNames(watch, request, isFirst);
      if (newlyRequested !== undefined) this.#send(stream, typeUrl, watch, newlyRequested);
    }
    this.#notify();
  }

  /** Returns the names to answer for (an empty list: the whole set), or undefined for a plain ACK. */
  #sotwNames(watch: Watch, request: DiscoveryRequest, isFirst: boolean): string[] | undefined {
    const nonce = request.response_nonce ?? '';
    if (nonce !== '' && nonce !== watch.lastNonce) return undefined; // stale: a newer response is in flight
    const names = request.resource_names ?? [];
    const wildcard = names.includes('*') || (names.length === 0 && WILDCARD_TYPES.has(request.type_url ?? ''));
    const next = new Set(names.filter((n) => n !== '*'));
    const changed = wildcard !== watch.wildcard || next.size !== watch.names.size || [...next].some((n) => !watch.names.has(n));
    watch.wildcard = wildcard;
    watch.names = next;
    return isFirst || nonce === '' || changed ? [] : undefined;
  }

  #deltaNames(watch: Watch, request: DeltaDiscoveryRequest, isFirst: boolean): string[] | undefined {
    const subscribe = request.resource_names_subscribe ?? [];
    if (isFirst) {
      for (const [name, version] of Object.entries(request.initial_resource_versions ?? {})) watch.known.set(name, version);
      if (subscribe.length === 0 && WILDCARD_TYPES.has(request.type_url ?? '')) watch.wildcard = true;
    }
    const added: string[] = [];
    for (const name of subscribe) {
      if (name === '*') watch.wildcard = true;
      else if (!watch.names.has(name)) {
        watch.names.add(name);
        added.push(name);
      }
    }
    for (const name of request.resource_names_unsubscribe ?? []) {
      if (name === '*') watch.wildcard = false;
      else watch.names.delete(name);
      if (!watch.wildcard) watch.known.delete(name);
    }
    return isFirst || added.length > 0 || subscribe.includes('*') ? added : undefined;
  }

  #send(stream: StreamState, typeUrl: string, watch: Watch, newlyRequested: readonly string[]): void {
    const set = this.#types.get(typeUrl);
    if (!set) return;
    const wanted = [...set.resources].filter(([name]) => watch.wildcard || watch.names.has(name));
    const nonce = `nonce-${++this.#nonceCount}`;
    watch.lastNonce = nonce;
    watch.sent.set(nonce, set.version);
    if (stream.protocol === 'sotw') {
      stream.call.write({ version_info: set.version, resources: wanted.map(([, r]) => r.any), type_url: typeUrl, nonce });
      this.#responses.push({ stream: stream.id, typeUrl, version: set.version, nonce, names: wanted.map(([n]) => n), removed: [] });
      return;
    }
    const changed = wanted.filter(([name, r]) => watch.known.get(name) !== r.version);
    const present = new Set(wanted.map(([n]) => n));
    const removed = [...new Set([...watch.known.keys(), ...newlyRequested])].filter((n) => !present.has(n));
    if (changed.length === 0 && removed.length === 0 && newlyRequested.length === 0 && watch.known.size > 0) return;
    for (const [name, r] of changed) watch.known.set(name, r.version);
    for (const name of removed) watch.known.delete(name);
    stream.call.write({
      system_version_info: set.version,
      resources: changed.map(([name, r]) => ({ name, version: r.version, resource: r.any })),
      type_url: typeUrl,
      removed_resources: removed,
      nonce,
    });
    this.#responses.push({ stream: stream.id, typeUrl, version: set.version, nonce, names: changed.map(([n]) => n), removed });
  }

  #classify(typeUrl: string): { acks: AckRecord[]; nacks: NackRecord[] } {
    const sent = new Map(this.#responses.filter((r) => r.typeUrl === typeUrl).map((r) => [`${r.stream}/${r.nonce}`, r.version]));
    const acks: AckRecord[] = [];
    const nacks: NackRecord[] = [];
    for (const r of this.requests(typeUrl)) {
      const version = sent.get(`${r.stream}/${r.nonce}`);
      if (version === undefined) continue;
      if (r.errorDetail) nacks.push({ stream: r.stream, version, nonce: r.nonce, code: r.errorDetail.code, message: r.errorDetail.message });
      else acks.push({ stream: r.stream, version, nonce: r.nonce });
    }
    return { acks, nacks };
  }

  #notify(): void {
    for (const w of [...this.#waiters]) w();
  }
}
