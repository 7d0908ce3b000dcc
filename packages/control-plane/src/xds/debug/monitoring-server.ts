/**
 * The control plane's monitoring port (15014 in production, Istio's): an
 * HTTP server with /debug/syncz (Istio's SyncStatus JSON array),
 * /debug/push_status (with the route conflicts of connected proxies, as
 * Istio's push status carries ProxyStatus conflicts, when the control plane
 * supplies them) and /metrics (Prometheus text), and, when the control
 * plane hands it a DebugSource, /debug/config_dump?proxyID=,
 * /debug/registryz and /debug/configz. It reads the xDS server through
 * narrow interfaces and never changes it. Debug errors are JSON
 * `{"error": ...}` with Istio's wording.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PushStatus } from '../xds-server.ts';
import type { SyncStatus } from '../sync-status.ts';
import type { ConfigDump } from './config-dump.ts';

export const MONITORING_PORT = 15014;

export interface MonitoringSource {
  syncStatus(): readonly SyncStatus[];
  pushStatus(): PushStatus;
  connections(): readonly unknown[];
  readonly metrics: { render(connectedProxies: number): string };
}

/** The control plane's state behind the debug endpoints that need more than the xDS server. */
export interface DebugSource {
  /** The dump of what the proxy was last sent; undefined when no such proxy is connected. */
  configDump(proxyId: string, options: { includeEds: boolean }): ConfigDump | undefined;
  /** /debug/registryz: services with hosts, ports and endpoints. */
  registryz(): unknown;
  /** /debug/configz: the config objects the current push context was built from. */
  configz(): unknown;
  /** Route conflicts of the connected proxies, listed by /debug/push_status as `conflicts`. */
  routeConflicts?(): readonly unknown[];
}

export class MonitoringServer {
  readonly #source: MonitoringSource;
  readonly #debug: DebugSource | undefined;
  readonly #http: Server;
  #closing: Promise<void> | undefined;

  constructor(source: MonitoringSource, debug?: DebugSource) {
    this.#source = source;
    this.#debug = debug;
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
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (this.#debug) {
      switch (path) {
        case '/debug/config_dump':
          return this.#configDump(this.#debug, url, res);
        case '/debug/registryz':
          return json(res, this.#debug.registryz());
        case '/debug/configz':
          return json(res, this.#debug.configz());
      }
    }
    switch (path) {
      case '/debug/syncz':
        return json(res, this.#source.syncStatus());
      case '/debug/push_status': {
        const status = this.#source.pushStatus();
        const conflicts = this.#debug?.routeConflicts?.();
        return json(res, conflicts ? { ...status, conflicts } : status);
      }
      case '/metrics':
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(this.#source.metrics.render(this.#source.connections().length));
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`404 page not found\n`);
    }
  }

  #configDump(debug: DebugSource, url: URL, res: ServerResponse): void {
    const proxyId = url.searchParams.get('proxyID') ?? '';
    if (proxyId === '') return json(res, { error: 'You must provide a proxyID in the query string' }, 400);
    const dump = debug.configDump(proxyId, { includeEds: url.searchParams.get('include_eds') === 'true' });
    if (!dump) return json(res, { error: 'Proxy not connected to this Pilot instance', proxyID: proxyId }, 404);
    return json(res, dump);
  }
}

function json(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 2));
}
