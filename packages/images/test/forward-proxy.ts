/**
 * A stand-in for the sidecar's outbound listener in tests: an HTTP proxy on
 * 127.0.0.1 that records each absolute-form request and forwards it to the
 * local port the test mapped its Host to (503 for unmapped hosts, like a
 * proxy without a route).
 */
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { listenLocal } from './program-process.ts';

export interface ProxiedRequest {
  readonly method: string;
  readonly target: string;
  readonly host: string;
  readonly headers: IncomingHttpHeaders;
}

export async function startForwardProxy(routes: Record<string, number>, status: Record<string, number> = {}): Promise<{ port: number; url: string; seen: ProxiedRequest[]; close: () => Promise<void> }> {
  const seen: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const host = req.headers.host ?? '';
    seen.push({ method: req.method ?? '', target: req.url ?? '', host, headers: req.headers });
    const forced = status[host];
    const port = routes[host];
    if (forced !== undefined || port === undefined) {
      res.writeHead(forced ?? 503, { 'Content-Type': 'text/plain' }).end(forced === undefined ? 'no healthy upstream' : `status ${forced}`);
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    const upstream = request({ host: '127.0.0.1', port, method: req.method, path: `${url.pathname}${url.search}`, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(503).end('upstream connect error or disconnect/reset before headers'));
    req.pipe(upstream);
  });
  const { port, close } = await listenLocal(server);
  return { port, url: `http://127.0.0.1:${port}`, seen, close: () => { server.closeAllConnections(); return close(); } };
}
