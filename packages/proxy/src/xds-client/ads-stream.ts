/**
 * One ADS stream on @grpc/grpc-js: StreamAggregatedResources (state of the
 * world) or DeltaAggregatedResources, over a channel to the bootstrap's ADS
 * address. It only moves messages; the protocol (what to request, ACK/NACK)
 * is the client's. `onClose` fires exactly once per stream, with the gRPC
 * status, whether the server ended it or the connection failed.
 */
import { Client, credentials, type ClientDuplexStream, type StatusObject } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { adsServiceDefinition } from '@skiff/api/envoy/ads-service.ts';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse, DiscoveryRequest, DiscoveryResponse } from '@skiff/api/envoy/discovery-types.ts';
import type { AdsProtocol } from '../bootstrap/index.ts';

export type AdsRequest = DiscoveryRequest | DeltaDiscoveryRequest;
export type AdsResponse = DiscoveryResponse | DeltaDiscoveryResponse;

export interface AdsStreamHandlers {
  onResponse(response: AdsResponse): void;
  onClose(status: { code: number; details: string }): void;
}

type Stream = ClientDuplexStream<AdsRequest, AdsResponse>;

/** The gRPC channel, shared by successive streams (grpc-js reconnects the channel itself). */
export class AdsChannel {
  readonly #client: Client;

  constructor(target: string) {
    this.#client = new Client(target, credentials.createInsecure(), { 'grpc.enable_retries': 0 });
  }

  open(protocol: AdsProtocol, handlers: AdsStreamHandlers): AdsStream {
    const def = adsServiceDefinition();
    const method = (protocol === 'sotw' ? def.StreamAggregatedResources : def.DeltaAggregatedResources) as MethodDefinition<object, object>;
    const stream = this.#client.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize) as unknown as Stream;
    return new AdsStream(stream, handlers);
  }

  close(): void {
    this.#client.close();
  }
}

export class AdsStream {
  readonly #stream: Stream;
  #closed = false;

  constructor(stream: Stream, handlers: AdsStreamHandlers) {
    this.#stream = stream;
    stream.on('data', (response: AdsResponse) => {
      if (!this.#closed) handlers.onResponse(response);
    });
    // grpc-js reports every ending through 'status'; 'error' repeats non-OK ones and must be handled so it does not throw.
    stream.on('error', () => {});
    stream.on('status', (status: StatusObject) => {
      if (this.#closed) return;
      this.#closed = true;
      handlers.onClose({ code: status.code, details: status.details });
    });
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  write(request: AdsRequest): void {
    if (!this.#closed) this.#stream.write(request);
  }

  /** Ends the stream from our side; no onClose follows. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream.cancel();
  }
}
