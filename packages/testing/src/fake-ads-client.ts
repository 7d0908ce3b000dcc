/**
 * A simulated proxy on @grpc/grpc-js: opens an ADS stream (state of the world
 * or delta) with an Istio-shaped node, subscribes to types, records every
 * response, and ACKs or NACKs each one as the test decides. Its accepted
 * state is what Envoy would run: a NACKed response leaves it unchanged.
 * Shared by control-plane tests and the benchmarks.
 */
import { Client, credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { adsServiceDefinition } from '@skiff/api/envoy/ads-service.ts';
import type {
  DeltaDiscoveryRequest,
  DeltaDiscoveryResponse,
  DiscoveryRequest,
  DiscoveryResponse,
  Node,
} from '@skiff/api/envoy/discovery-types.ts';
import { decodeAny, type WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { jsonToStruct, type JsonValue } from '@skiff/api/envoy/struct.ts';

export type AdsProtocol = 'sotw' | 'delta';

export interface ReceivedResponse {
  readonly typeUrl: string;
  /** version_info (SotW) or system_version_info (delta). */
  readonly version: string;
  readonly nonce: string;
  /** Resources in this response, decoded, by name. */
  readonly resources: ReadonlyMap<string, WireMessage>;
  /** Delta only: removed_resources. */
  readonly removed: readonly string[];
}

/** How to answer a response: ACK it, NACK it with Envoy's error text, or hold it for a later ack()/nack(). */
export type AckDecision = 'ack' | 'hold' | { readonly nack: string };

export interface FakeAdsClientOptions {
  /** `host:port` of the ADS server. */
  readonly address: string;
  readonly protocol?: AdsProtocol;
  /** Default: `sidecar~10.1.1.1~fake-0.default~default.svc.cluster.local`. */
  readonly nodeId?: string;
  /** Node metadata as Istio's bootstrap sends it (LABELS, NAMESPACE, ...). */
  readonly metadata?: Readonly<Record<string, JsonValue>>;
  /** Called for each response; default ACK. */
  readonly decide?: (response: ReceivedResponse) => AckDecision;
  /** How long waitFor/next wait before failing, in ms (real time). Default 5000. */
  readonly timeoutMs?: number;
}

interface TypeState {
  names: string[];
  /** Last accepted version (SotW) and the accepted resources. */
  ackedVersion: string;
  accepted: Map<string, WireMessage>;
  /** Delta: name → version accepted. */
  acceptedVersions: Map<string, string>;
  held: ReceivedResponse | undefined;
  heldVersions: Map<string, string>;
}

type Stream = ClientDuplexStream<DiscoveryRequest | DeltaDiscoveryRequest, DiscoveryResponse | DeltaDiscoveryResponse>;

export class FakeAdsClient {
  readonly protocol: AdsProtocol;
  readonly node: Node;
  readonly #client: Client;
  readonly #decide: (response: ReceivedResponse) => AckDecision;
  readonly #timeoutMs: number;
  readonly #types = new Map<string, TypeState>();
  readonly #received: ReceivedResponse[] = [];
  readonly #cursor = new Map<string, number>();
  #waiters: (() => void)[] = [];
  #stream: Stream;
  #closed = false;
  #streamError: Error | undefined;

  constructor(options: FakeAdsClientOptions) {
    this.protocol = options.protocol ?? 'sotw';
    this.node = {
      id: options.nodeId ?? 'sidecar~10.1.1.1~fake-0.default~default.svc.cluster.local',
      cluster: 'fake',
      metadata: jsonToStruct(options.metadata ?? {}),
    };
    this.#decide = options.decide ?? (() => 'ack');
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#client = new Client(options.address, credentials.createInsecure());
    this.#stream = this.#open();
  }

  /** Every response received so far, optionally of one type. */
  received(typeUrl?: string): readonly ReceivedResponse[] {
    return typeUrl === undefined ? [...this.#received] : this.#received.filter((r) => r.typeUrl === typeUrl);
  }

  /** The resources this proxy runs with for a type: the last accepted state. */
  resources(typeUrl: string): ReadonlyMap<string, WireMessage> {
    return this.#types.get(typeUrl)?.accepted ?? new Map();
  }

  ackedVersion(typeUrl: string): string {
    return this.#types.get(typeUrl)?.ackedVersion ?? '';
  }

  /** Subscribes to a type: no names means wildcard (SotW: empty list; delta: `*` when given). */
  subscribe(typeUrl: string, names: readonly string[] = []): void {
    const state = this.#state(typeUrl);
    const added = names.filter((n) => !state.names.includes(n));
    state.names = [...state.names, ...added];
    if (this.protocol === 'sotw') {
      const last = this.received(typeUrl).at(-1);
      this.#write({ node: this.node, type_url: typeUrl, resource_names: state.names, version_info: state.ackedVersion, response_nonce: last?.nonce ?? '' });
    } else {
      this.#write({ node: this.node, type_url: typeUrl, resource_names_subscribe: added });
    }
  }

  unsubscribe(typeUrl: string, names: readonly string[]): void {
    const state = this.#state(typeUrl);
    state.names = state.names.filter((n) => !names.includes(n));
    for (const n of names) {
      state.accepted.delete(n);
      state.acceptedVersions.delete(n);
    }
    if (this.protocol === 'sotw') {
      const last = this.received(typeUrl).at(-1);
      this.#write({ node: this.node, type_url: typeUrl, resource_names: state.names, version_info: state.ackedVersion, response_nonce: last?.nonce ?? '' });
    } else {
      this.#write({ node: this.node, type_url: typeUrl, resource_names_unsubscribe: [...names] });
    }
  }

  /** ACKs the held response of a type. */
  ack(typeUrl: string): void {
    const held = this.#takeHeld(typeUrl);
    this.#ack(held);
  }

  /** NACKs the held response of a type with Envoy's error text. */
  nack(typeUrl: string, message: string): void {
    this.#nack(this.#takeHeld(typeUrl), message);
  }

  /** The next response of a type not yet returned by next(), waiting for it if needed. */
  async next(typeUrl: string): Promise<ReceivedResponse> {
    const index = this.#cursor.get(typeUrl) ?? 0;
    await this.waitFor(() => this.received(typeUrl).length > index, `response #${index + 1} of ${typeUrl}`);
    this.#cursor.set(typeUrl, index + 1);
    return this.received(typeUrl)[index];
  }

  /** Resolves when `condition` holds (checked after every response); rejects after the timeout or if the stream fails. */
  waitFor(condition: () => boolean, what = 'condition'): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.#streamError) {
          reject(this.#streamError);
          return true;
        }
        if (condition()) {
          resolve();
          return true;
        }
        return false;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${this.#timeoutMs} ms waiting for ${what} (node ${this.node.id})`));
      }, this.#timeoutMs);
      const waiter = () => {
        if (check()) {
          clearTimeout(timer);
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
        }
      };
      this.#waiters.push(waiter);
    });
  }

  /** Drops the stream and opens a new one, re-subscribing with what it has accepted (as Envoy does). */
  reconnect(): void {
    this.#stream.cancel();
    this.#stream = this.#open();
    for (const [typeUrl, state] of this.#types) {
      state.held = undefined;
      if (this.protocol === 'sotw') {
        this.#write({ node: this.node, type_url: typeUrl, resource_names: state.names, version_info: state.ackedVersion });
      } else {
        this.#write({
          node: this.node,
          type_url: typeUrl,
          resource_names_subscribe: state.names,
          initial_resource_versions: Object.fromEntries(state.acceptedVersions),
        });
      }
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream.cancel();
    this.#client.close();
  }

  #open(): Stream {
    const def = adsServiceDefinition();
    const method = (this.protocol === 'sotw' ? def.StreamAggregatedResources : def.DeltaAggregatedResources) as MethodDefinition<object, object>;
    const stream = this.#client.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize) as unknown as Stream;
    stream.on('data', (message: DiscoveryResponse | DeltaDiscoveryResponse) => {
      if (stream !== this.#stream) return;
      try {
        this.#onResponse(message);
      } catch (err) {
        // A throwing `decide` or an undecodable resource fails the waiting test instead of vanishing.
        this.#streamError = err as Error;
        this.#notify();
      }
    });
    stream.on('error', (err: Error & { code?: number }) => {
      // Cancelling our own stream (reconnect, close) is not a failure.
      if (stream === this.#stream && !this.#closed && err.code !== 1) {
        this.#streamError = err;
        this.#notify();
      }
    });
    return stream;
  }

  #write(request: DiscoveryRequest | DeltaDiscoveryRequest): void {
    this.#stream.write(request);
  }

  #state(typeUrl: string): TypeState {
    let s = this.#types.get(typeUrl);
    if (!s) {
      s = { names: [], ackedVersion: '', accepted: new Map(), acceptedVersions: new Map(), held: undefined, heldVersions: new Map() };
      this.#types.set(typeUrl, s);
    }
    return s;
  }

  #onResponse(message: DiscoveryResponse | DeltaDiscoveryResponse): void {
    const state = this.#state(message.type_url);
    const resources = new Map<string, WireMessage>();
    const versions = new Map<string, string>();
    if ('version_info' in message) {
      for (const any of message.resources ?? []) {
        const decoded = decodeAny(any);
        resources.set(String(decoded.name ?? decoded.cluster_name ?? ''), decoded);
      }
    } else {
      for (const r of message.resources ?? []) {
        if (r.resource) resources.set(r.name, decodeAny(r.resource));
        versions.set(r.name, r.version);
      }
    }
    const response: ReceivedResponse = {
      typeUrl: message.type_url,
      version: 'version_info' in message ? message.version_info : message.system_version_info,
      nonce: message.nonce,
      resources,
      removed: 'removed_resources' in message ? (message.removed_resources ?? []) : [],
    };
    this.#received.push(response);
    state.held = response;
    state.heldVersions = versions;
    const decision = this.#decide(response);
    if (decision === 'ack') this.ack(response.typeUrl);
    else if (decision !== 'hold') this.nack(response.typeUrl, decision.nack);
    this.#notify();
  }

  #takeHeld(typeUrl: string): ReceivedResponse {
    const state = this.#state(typeUrl);
    const held = state.held;
    if (!held) throw new Error(`no response of ${typeUrl} awaits an answer`);
    state.held = undefined;
    return held;
  }

  #ack(response: ReceivedResponse): void {
    const state = this.#state(response.typeUrl);
    if (this.protocol === 'sotw') {
      state.accepted = new Map(response.resources);
      state.ackedVersion = response.version;
      this.#write({ node: this.node, type_url: response.typeUrl, resource_names: state.names, version_info: response.version, response_nonce: response.nonce });
    } else {
      for (const [name, r] of response.resources) state.accepted.set(name, r);
      for (const [name, v] of state.heldVersions) state.acceptedVersions.set(name, v);
      for (const name of response.removed) {
        state.accepted.delete(name);
        state.acceptedVersions.delete(name);
      }
      state.ackedVersion = response.version;
      this.#write({ node: this.node, type_url: response.typeUrl, response_nonce: response.nonce });
    }
  }

  #nack(response: ReceivedResponse, message: string): void {
    const state = this.#state(response.typeUrl);
    const error_detail = { code: 13, message };
    if (this.protocol === 'sotw') {
      this.#write({ node: this.node, type_url: response.typeUrl, resource_names: state.names, version_info: state.ackedVersion, response_nonce: response.nonce, error_detail });
    } else {
      this.#write({ node: this.node, type_url: response.typeUrl, response_nonce: response.nonce, error_detail });
    }
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
