/**
 * One ADS stream from one proxy: its identity, its per-type watches, and a
 * writer that honours backpressure (responses queue while the stream's
 * buffer is full and go out, in order, on 'drain').
 */
import type { Proxy } from '../model/proxy.ts';
import { TypeWatch } from './type-watch.ts';

export type XdsProtocol = 'sotw' | 'delta';

/** The part of a gRPC duplex stream a connection writes to. */
export interface ResponseWriter<Res> {
  write(message: Res): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export class Connection<Res = unknown> {
  readonly id: string;
  readonly proxy: Proxy;
  readonly protocol: XdsProtocol;
  readonly peer: string;
  readonly connectedAtMs: number;
  readonly watches = new Map<string, TypeWatch>();
  readonly #writer: ResponseWriter<Res>;
  readonly #queue: Res[] = [];
  #blocked = false;
  #closed = false;

  constructor(init: { id: string; proxy: Proxy; protocol: XdsProtocol; peer: string; connectedAtMs: number; writer: ResponseWriter<Res> }) {
    this.id = init.id;
    this.proxy = init.proxy;
    this.protocol = init.protocol;
    this.peer = init.peer;
    this.connectedAtMs = init.connectedAtMs;
    this.#writer = init.writer;
  }

  watch(typeUrl: string): TypeWatch {
    let w = this.watches.get(typeUrl);
    if (!w) {
      w = new TypeWatch(typeUrl);
      this.watches.set(typeUrl, w);
    }
    return w;
  }

  send(message: Res): void {
    if (this.#closed) return;
    if (this.#blocked) {
      this.#queue.push(message);
      return;
    }
    if (!this.#writer.write(message)) {
      this.#blocked = true;
      this.#writer.once('drain', () => this.#drain());
    }
  }

  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
  }

  #drain(): void {
    this.#blocked = false;
    while (this.#queue.length > 0 && !this.#blocked && !this.#closed) this.send(this.#queue.shift() as Res);
  }
}
