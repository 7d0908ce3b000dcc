/**
 * Envoy's admin interface (port 15000, bound to 127.0.0.1 unless the
 * bootstrap says otherwise): /ready, /server_info, /config_dump, /clusters,
 * /listeners, /logging, /stats and /stats/prometheus, with Envoy's paths,
 * shapes and status codes. It reads the xDS client and the stats registry
 * through narrow interfaces and changes nothing but log levels.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@skiff/common';
import { toEnvoyBootstrap, type BootstrapConfig } from '../bootstrap/index.ts';
import { formatStatsJson, formatStatsPrometheus, formatStatsText, type StatsRegistry } from '../stats/index.ts';
import type { XdsSnapshot } from '../xds-client/types.ts';
import type { XdsClientState } from '../xds-client/xds-client.ts';
import { formatClustersText, type HostStatsSource } from './clusters-text.ts';
import type { SecretManager } from '../transport-sockets/tls/secret-manager.ts';
import { buildConfigDump } from './config-dump.ts';
import { isLogLevel, type LogLevels } from './log-levels.ts';

/** What the admin interface reads from the xDS client (XdsClient satisfies it). */
export interface AdminXdsSource {
  snapshot(): XdsSnapshot;
  state(): XdsClientState;
}

export interface AdminServerOptions {
  readonly bootstrap: BootstrapConfig;
  readonly xds: AdminXdsSource;
  readonly stats: StatsRegistry;
  readonly logLevels: LogLevels;
  readonly clock: Clock;
  /** Default: when the server was created. */
  readonly startedAtMs?: number;
  /** `/server_info` version; default `skiff/0.1.0`. */
  readonly version?: string;
  readonly hostStats?: HostStatsSource;
  /** POST /drain_listeners (Envoy): stop accepting and drain; `inboundonly` limits it to inbound listeners. */
  readonly drainListeners?: (inboundOnly: boolean) => void;
  /** POST /quitquitquit (Envoy): the proxy shuts down after answering. */
  readonly quit?: () => void;
  /** Static and locally provided secrets, for /config_dump's SecretsConfigDump. */
  readonly secrets?: SecretManager;
}

export type ServerState = 'LIVE' | 'INITIALIZING';

const HELP = [
  '/clusters: upstream cluster status',
  '/config_dump: dump current Envoy configs (include_eds to add endpoints)',
  '/drain_listeners: drain listeners (POST; inboundonly, graceful)',
  '/listeners: print listener info (format=json)',
  '/logging: query/change logging levels (POST ?level=, ?<logger>=)',
  '/quitquitquit: exit the server (POST)',
  '/ready: print server state, return 200 if LIVE, otherwise return 503',
  '/server_info: print server version/status information',
  '/stats: print server stats (filter=, format=json|prometheus)',
  '/stats/prometheus: print server stats in prometheus format',
];

export class AdminServer {
  readonly #options: AdminServerOptions;
  readonly #server: Server;
  readonly #startedAtMs: number;
  #closing: Promise<void> | undefined;
  #listening: Promise<{ host: string; port: number }> | undefined;

  constructor(options: AdminServerOptions) {
    this.#options = options;
    this.#startedAtMs = options.startedAtMs ?? options.clock.now();
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  /** Binds the bootstrap's admin address (port 0 picks one), once; resolves to the bound address. */
  listen(): Promise<{ host: string; port: number }> {
    this.#listening ??= this.#bind();
    return this.#listening;
  }

  #bind(): Promise<{ host: string; port: number }> {
    const { host, port } = this.#options.bootstrap.adminAddress;
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve({ host, port: (this.#server.address() as AddressInfo).port });
      });
    });
  }

  get state(): ServerState {
    return this.#options.xds.snapshot().initialized ? 'LIVE' : 'INITIALIZING';
  }

  /** Stops listening and ends open connections. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://admin');
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    switch (url.pathname) {
      case '/ready': {
        const state = this.state;
        return text(res, state === 'LIVE' ? 200 : 503, `${state}\n`);
      }
      case '/server_info':
        return json(res, 200, this.#serverInfo());
      case '/config_dump':
        return json(res, 200, buildConfigDump({ bootstrap: this.#options.bootstrap, state: this.#options.xds.state(), bootedAtMs: this.#startedAtMs, includeEds: q.has('include_eds'), secrets: this.#options.secrets }));
      case '/clusters':
        return text(res, 200, formatClustersText(this.#options.xds.snapshot(), this.#options.bootstrap, this.#options.hostStats));
      case '/listeners':
        return this.#listeners(res, q.get('format') === 'json');
      case '/logging':
        return this.#logging(res, method, q);
      case '/stats':
        return this.#stats(res, q, q.get('format'));
      case '/stats/prometheus':
        return this.#stats(res, q, 'prometheus');
      case '/drain_listeners':
        if (method !== 'POST') return text(res, 405, 'This endpoint requires POST\n');
        this.#options.drainListeners?.(q.has('inboundonly'));
        return text(res, 200, 'OK\n');
      case '/quitquitquit':
        if (method !== 'POST') return text(res, 405, 'This endpoint requires POST\n');
        text(res, 200, 'OK\n');
        // After the answer is on its way, as Envoy does.
        res.once('finish', () => this.#options.quit?.());
        return;
      default:
        return text(res, 404, `invalid path. admin commands are:\n${HELP.map((h) => `  ${h}\n`).join('')}`);
    }
  }

  #serverInfo(): Record<string, unknown> {
    const { bootstrap, clock } = this.#options;
    const uptime = `${Math.floor((clock.now() - this.#startedAtMs) / 1000)}s`;
    return {
      version: this.#options.version ?? 'skiff/0.1.0',
      state: this.state,
      hot_restart_version: 'disabled',
      command_line_options: {
        service_cluster: bootstrap.node.cluster,
        service_node: bootstrap.node.id,
        log_level: this.#options.logLevels.get('main') ?? 'info',
        concurrency: 1,
        mode: 'Serve',
        drain_time: '45s',
        parent_shutdown_time: '60s',
      },
      node: (toEnvoyBootstrap(bootstrap).node as Record<string, unknown>),
      uptime_current_epoch: uptime,
      uptime_all_epochs: uptime,
    };
  }

  #listeners(res: ServerResponse, asJson: boolean): void {
    const listeners = [...this.#options.xds.snapshot().listeners.values()].map((e) => e.config).sort((a, b) => (a.name < b.name ? -1 : 1));
    if (asJson) {
      return json(res, 200, { listener_statuses: listeners.map((l) => ({ name: l.name, local_address: { socket_address: { address: l.address.address, port_value: l.address.port } } })) });
    }
    text(res, 200, listeners.map((l) => `${l.name}::${l.address.address}:${l.address.port}\n`).join(''));
  }

  #logging(res: ServerResponse, method: string, q: URLSearchParams): void {
    const levels = this.#options.logLevels;
    const params = [...q];
    if (params.length > 0) {
      if (method !== 'POST') return text(res, 405, 'This endpoint requires POST\n');
      for (const [key, value] of params) {
        const ok = isLogLevel(value) && (key === 'level' ? (levels.setAll(value), true) : levels.set(key, value));
        if (!ok) return text(res, 404, `error: unknown logger or level in ${key}=${value}\nusage: /logging?<name>=<level> (change single level)\nusage: /logging?level=<level> (change all levels)\nlevels: trace debug info warning error critical off\n`);
      }
    }
    text(res, 200, `active loggers:\n${levels.entries().map(([name, level]) => `  ${name}: ${level}\n`).join('')}`);
  }

  #stats(res: ServerResponse, q: URLSearchParams, format: string | null): void {
    let filter: RegExp | undefined;
    const pattern = q.get('filter');
    if (pattern !== null) {
      try {
        filter = new RegExp(pattern);
      } catch {
        return text(res, 400, `Invalid re2 regex: ${pattern}\n`);
      }
    }
    const metrics = this.#options.stats.metrics();
    if (format === 'json') return json(res, 200, formatStatsJson(metrics, filter));
    if (format === 'prometheus') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(formatStatsPrometheus(metrics, filter));
      return;
    }
    text(res, 200, formatStatsText(metrics, filter));
  }
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=UTF-8', 'cache-control': 'no-cache, max-age=0' });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-cache, max-age=0' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}
