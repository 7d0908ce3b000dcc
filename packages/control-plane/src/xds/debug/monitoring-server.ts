/**
 * The control plane's monitoring port (15014 in production, Istio's): an
 * HTTP server with /debug/syncz (Istio's SyncStatus JSON array),
 * /debug/push_status and /metrics (Prometheus text). It reads the xDS server
 * through a narrow interface and never changes it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PushStatus } from '../xds-server.ts';
import type { SyncStatus } from '../sync-status.ts';

export const MONITORING_PORT = 15014;

export interface MonitoringSource {
  syncStatus(): readonly SyncStatus[];
  pushStatus(): PushStatus;
  connections(): readonly unknown[];
  readonly metrics: { render(connectedProxies: number): string };
}

export class MonitoringServer {
  readonly #source: MonitoringSource;
  readonly #http: Server;
  #closing: Promise<void> | undefined;

  constructor(source: MonitoringSource) {
    this.#source = source;
    this.#http = createServer((req, res) => this.#handle(req, res));
  }

  /** Listens on `port` (0 picks one) at `host`; resolves to the bound port. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(port, host, () => resolve((this.#http.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    this.#closing ??= new Promise((resolve) => {
      this.#http.closeAllConnections();
      this.#http.close(() => resolve());
    });
    return this.#closing;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    switch (path) {
      case '/debug/syncz':
        return json(res, this.#source.syncStatus());
      case '/debug/push_status':
        return json(res, this.#source.pushStatus());
      case '/metrics':
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(this.#source.metrics.render(this.#source.connections().length));
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`404 page not found\n`);
    }
  }
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 2));
}
