/**
 * One fortio "thread": an HTTP/1.1 client with its own keep-alive
 * connection, sending every request through HTTP_PROXY when the environment
 * sets one (the sidecar's outbound listener in the local cluster). Records
 * per call the status (-1 for a socket error or timeout, as fortio does),
 * the header and total sizes, and each new connection.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Env } from '../runtime-env/listen-address.ts';
import { proxyFor, requestTarget } from '../runtime-env/outbound-proxy.ts';

export const FORTIO_VERSION = '1.69.5';

export interface CallResult {
  readonly status: number;
  readonly headerSize: number;
  readonly totalSize: number;
  readonly body: Buffer;
  readonly rawHeaders: readonly string[];
  readonly httpVersion: string;
  readonly statusMessage: string;
  readonly error?: Error;
}

export interface RunnerOptions {
  readonly url: URL;
  readonly headers: readonly (readonly [string, string])[];
  readonly method: string;
  readonly payload?: Buffer;
  readonly timeoutMs: number;
  readonly keepAlive: boolean;
  readonly env: Env;
}

export class HttpRunner {
  readonly #o: RunnerOptions;
  readonly #agent: Agent;
  readonly #seen = new WeakSet<Socket>();
  readonly #path: string;
  readonly #connectHost: string;
  readonly #connectPort: number;
  readonly #headers: Record<string, string>;
  socketsUsed = 0;
  /** `ip:port` of each new connection. */
  readonly remoteAddresses: string[] = [];
  readonly connectTimes: number[] = [];

  constructor(o: RunnerOptions) {
    this.#o = o;
    this.#agent = new Agent({ keepAlive: o.keepAlive, maxSockets: 1 });
    const target = requestTarget(o.url, proxyFor(o.url, o.env));
    this.#path = target.path;
    this.#connectHost = target.connectHost;
    this.#connectPort = target.connectPort;
    this.#headers = { Host: target.hostHeader, 'User-Agent': `fortio.org/fortio-${FORTIO_VERSION}` };
    for (const [k, v] of o.headers) {
      const existing = Object.keys(this.#headers).find((h) => h.toLowerCase() === k.toLowerCase());
      if (existing) delete this.#headers[existing];
      this.#headers[k] = v;
    }
    if (o.payload) {
      this.#headers['Content-Length'] = String(o.payload.length);
      if (!Object.keys(this.#headers).some((h) => h.toLowerCase() === 'content-type')) this.#headers['Content-Type'] = 'application/octet-stream';
    }
  }

  call(): Promise<CallResult> {
    return new Promise((resolve) => {
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        resolve({ status: -1, headerSize: 0, totalSize: 0, body: Buffer.alloc(0), rawHeaders: [], httpVersion: '1.1', statusMessage: '', error });
      };
      const req = request({ host: this.#connectHost, port: this.#connectPort, method: this.#o.method, path: this.#path, headers: this.#headers, setHost: false, agent: this.#agent });
      req.setTimeout(this.#o.timeoutMs, () => req.destroy(new Error(`timeout after ${this.#o.timeoutMs}ms`)));
      req.on('socket', (socket: Socket) => {
        if (this.#seen.has(socket)) return;
        this.#seen.add(socket);
        this.socketsUsed++;
        const started = process.hrtime.bigint();
        socket.once('connect', () => {
          this.connectTimes.push(Number(process.hrtime.bigint() - started) / 1e9);
          this.remoteAddresses.push(`${socket.remoteAddress}:${socket.remotePort}`);
        });
      });
      req.on('error', fail);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          settled = true;
          const body = Buffer.concat(chunks);
          let headerSize = `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
          for (let i = 0; i < res.rawHeaders.length; i += 2) headerSize += Buffer.byteLength(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`);
          resolve({ status: res.statusCode ?? 0, headerSize, totalSize: headerSize + body.length, body, rawHeaders: res.rawHeaders, httpVersion: res.httpVersion, statusMessage: res.statusMessage ?? '' });
        });
      });
      req.end(this.#o.payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
