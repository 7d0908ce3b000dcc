/**
 * The istio-agent ports beside Envoy's admin (Istio's pilot-agent status
 * server and Envoy's prometheus listener):
 * - 15021 `/healthz/ready`: 200 once the proxy is ready — the first CDS and
 *   LDS responses applied (Istio's agent asks Envoy's /ready and its
 *   listener stats) — else 503 with the agent's reason;
 * - 15090 `/stats/prometheus`: Envoy's stats (and Istio's standard metrics)
 *   in Prometheus text;
 * - 15020 `/stats/prometheus`: the merged scrape: the proxy's stats plus the
 *   application's own metrics when the pod asked for it (prometheus.io
 *   annotations; in local mode an app metrics URL), fetched per scrape with
 *   a deadline on the injected clock; `/healthz/ready` is served there too.
 * Each port is optional; port 0 picks a free one (tests).
 */
import { createServer, get as httpGet, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@skiff/common';
import { formatStatsPrometheus, type StatsRegistry } from '../stats/index.ts';

export interface ReadinessSource {
  /** Whether the first CDS and LDS responses were applied. */
  readonly initialized: boolean;
}

export interface AgentServerOptions {
  readonly host: string;
  /** 15021. */
  readonly healthPort?: number;
  /** 15090. */
  readonly statsPort?: number;
  /** 15020. */
  readonly mergedPort?: number;
  /** The application's metrics (`http://<app>:<prometheus.io/port><prometheus.io/path>`), merged into 15020. */
  readonly appMetricsUrl?: string;
  /** Default 5 s, as Istio's agent scrape timeout. */
  readonly appMetricsTimeoutMs?: number;
  readonly stats: StatsRegistry;
  readonly readiness: ReadinessSource;
  readonly clock: Clock;
}

const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class AgentServer {
  readonly #o: AgentServerOptions;
  readonly #servers: { readonly kind: 'health' | 'stats' | 'merged'; readonly port: number; readonly server: Server }[] = [];
  #closing: Promise<void> | undefined;
  #listening: Promise<{ health?: number; stats?: number; merged?: number }> | undefined;

  constructor(options: AgentServerOptions) {
    this.#o = options;
    const add = (kind: 'health' | 'stats' | 'merged', port: number | undefined) => {
      if (port === undefined) return;
      this.#servers.push({ kind, port, server: createServer((req, res) => this.#handle(kind, req, res)) });
    };
    add('health', options.healthPort);
    add('stats', options.statsPort);
    add('merged', options.mergedPort);
  }

  /** Binds every configured port (once; later calls get the same answer); resolves to the bound ports by kind. */
  listen(): Promise<{ health?: number; stats?: number; merged?: number }> {
    this.#listening ??= this.#bind();
    return this.#listening;
  }

  async #bind(): Promise<{ health?: number; stats?: number; merged?: number }> {
    const out: { health?: number; stats?: number; merged?: number } = {};
    for (const s of this.#servers) {
      await new Promise<void>((resolve, reject) => {
        s.server.once('error', reject);
        s.server.listen(s.port, this.#o.host, () => {
          s.server.off('error', reject);
          resolve();
        });
      });
      out[s.kind] = (s.server.address() as AddressInfo).port;
    }
    return out;
  }

  close(): Promise<void> {
    this.#closing ??= Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => {
      s.server.close(() => resolve());
      s.server.closeAllConnections();
    }))).then(() => undefined);
    return this.#closing;
  }

  #handle(kind: 'health' | 'stats' | 'merged', req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz/ready' && kind !== 'stats') return this.#ready(res);
    if (path === '/stats/prometheus' && kind === 'stats') return prometheus(res, formatStatsPrometheus(this.#o.stats.metrics()));
    if (path === '/stats/prometheus' && kind === 'merged') {
      void this.#merged().then((body) => prometheus(res, body));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found\n');
  }

  #ready(res: ServerResponse): void {
    if (this.#o.readiness.initialized) {
      res.writeHead(200);
      res.end();
      return;
    }
    const n = (name: string) => this.#o.stats.counter(name).value;
    const reason = `config not received from XDS server (is Istiod running?): cds updates: ${n('cluster_manager.cds.update_success')} successful, ${n('cluster_manager.cds.update_rejected')} rejected; lds updates: ${n('listener_manager.lds.update_success')} successful, ${n('listener_manager.lds.update_rejected')} rejected`;
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end(`${reason}\n`);
  }

  /** Proxy stats, then the app's metrics (an app that does not answer in time costs only its part of the scrape). */
  async #merged(): Promise<string> {
    const own = formatStatsPrometheus(this.#o.stats.metrics());
    const url = this.#o.appMetricsUrl;
    if (url === undefined) return own;
    const app = await this.#fetchApp(url);
    return app === undefined ? own : `${own}${app.endsWith('\n') || app === '' ? app : `${app}\n`}`;
  }

  #fetchApp(url: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (v: string | undefined) => {
        if (done) return;
        done = true;
        cancel();
        resolve(v);
      };
      const req = httpGet(url, (res) => {
        if ((res.statusCode ?? 0) !== 200) {
          res.resume();
          finish(undefined);
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => finish(body));
        res.on('error', () => finish(undefined));
      });
      req.on('error', () => finish(undefined));
      const cancel = this.#o.clock.setTimeout(() => {
        req.destroy();
        finish(undefined);
      }, this.#o.appMetricsTimeoutMs ?? 5000);
    });
  }
}

function prometheus(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
  res.end(body);
}
