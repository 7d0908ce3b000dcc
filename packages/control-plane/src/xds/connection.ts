/**
 * One ADS stream from one proxy: its identity, its per-type watches, and a
 * writer that honours backpressure: responses queue, in order, while the
 * stream's buffer is full (until 'drain') or while the server's WriteBudget
 * of bytes in flight is used up. A response sent with its nonce holds its
 * bytes until the proxy answers that nonce or a later one (ACK or NACK: it
 * has then received and parsed it; node's HTTP/2 completes a write long
 * before the bytes leave the process, so completion bounds nothing), or
 * until the stream closes; one without a nonce until its write completes.
 * A proxy that never answers holds its own responses' bytes while it stays
 * connected.
 */
import type { Proxy } from '../model/proxy.ts';
import { TypeWatch } from './type-watch.ts';
import { UNBOUNDED_BUDGET, type WriteBudget } from './write-budget.ts';

export type XdsProtocol = 'sotw' | 'delta';

/** The part of a gRPC duplex stream a connection writes to; `done` runs once the message has been written out. */
export interface ResponseWriter<Res> {
  write(message: Res, done?: (error?: Error | null) => void): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

interface Pending<Res> {
  readonly message: Res;
  readonly bytes: number;
  readonly nonce: string | undefined;
}

export class Connection<Res = unknown> {
  readonly id: string;
  readonly proxy: Proxy;
  readonly protocol: XdsProtocol;
  readonly peer: string;
  readonly connectedAtMs: number;
  readonly watches = new Map<string, TypeWatch>();
  readonly #writer: ResponseWriter<Res>;
  readonly #budget: WriteBudget;
  readonly #queue: Pending<Res>[] = [];
  /** Bytes this connection holds of the budget (given back on close, since a cancelled stream never completes its writes). */
  #holding = 0;
  /** nonce → bytes held until the proxy answers it, in send order. */
  readonly #unanswered = new Map<string, number>();
  #blocked = false;
  #waiting = false;
  #closed = false;

  constructor(init: { id: string; proxy: Proxy; protocol: XdsProtocol; peer: string; connectedAtMs: number; writer: ResponseWriter<Res>; budget?: WriteBudget }) {
    this.id = init.id;
    this.proxy = init.proxy;
    this.protocol = init.protocol;
    this.peer = init.peer;
    this.connectedAtMs = init.connectedAtMs;
    this.#writer = init.writer;
    this.#budget = init.budget ?? UNBOUNDED_BUDGET;
  }

  watch(typeUrl: string): TypeWatch {
    let w = this.watches.get(typeUrl);
    if (!w) {
      w = new TypeWatch(typeUrl);
      this.watches.set(typeUrl, w);
    }
    return w;
  }

  /** Queues a response of about `bytes` serialized bytes (held until `nonce` is answered, if given) and writes what it can. */
  send(message: Res, bytes = 0, nonce?: string): void {
    if (this.#closed) return;
    this.#queue.push({ message, bytes, nonce });
    this.#pump();
  }

  /** The proxy answered `nonce` (ACK or NACK): it has received that response and every earlier one. */
  answered(nonce: string): void {
    if (!this.#unanswered.has(nonce)) return;
    let released = 0;
    for (const [n, bytes] of this.#unanswered) {
      this.#unanswered.delete(n);
      released += bytes;
      if (n === nonce) break;
    }
    this.#holding -= released;
    if (released > 0) this.#budget.release(released);
  }

  /** Responses not yet written (queued behind backpressure or the budget). */
  get queued(): number {
    return this.#queue.length;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    const held = this.#holding;
    this.#holding = 0;
    this.#unanswered.clear();
    if (held > 0) this.#budget.release(held);
  }

  #pump(): void {
    while (this.#queue.length > 0 && !this.#blocked && !this.#closed && !this.#waiting) {
      if (!this.#budget.tryAcquire(this.#queue[0].bytes)) {
        this.#waiting = true;
        this.#budget.wait(() => {
          if (this.#closed) return true;
          if (!this.#budget.tryAcquire(this.#queue[0].bytes, true)) return false;
          this.#waiting = false;
          this.#writeHead();
          this.#pump();
          return true;
        });
        return;
      }
      this.#writeHead();
    }
  }

  /** Writes the first queued response, whose bytes were just acquired. */
  #writeHead(): void {
    const next = this.#queue.shift()!;
    this.#holding += next.bytes;
    if (next.nonce !== undefined) this.#unanswered.set(next.nonce, next.bytes);
    let released = next.nonce !== undefined;
    const done = () => {
      if (released || this.#closed) return;
      released = true;
      this.#holding -= next.bytes;
      this.#budget.release(next.bytes);
    };
    if (!this.#writer.write(next.message, done)) {
      this.#blocked = true;
      this.#writer.once('drain', () => {
        this.#blocked = false;
        this.#pump();
      });
    }
  }
}
