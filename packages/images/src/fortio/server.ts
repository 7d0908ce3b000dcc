/**
 * `fortio server`: fortio's echo server on -http-port (default 8080 on the
 * application address). Every path echoes the request body; query options
 * as fortio's: `status=503` or `503:50,429:10` (percentages, the rest 200),
 * `delay=250ms` or `10ms:50,1s:10` (capped by -max-echo-delay, 1.5 s),
 * `size=N`, `header=Name:Value` (repeatable), `close=true`. `/debug` prints
 * the request; `-echo-server-default-params` applies when a request has no
 * query.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { parseGoDuration, type ParsedFlags } from '../runtime-env/go-flags.ts';
import { appHost, exitOnSignals, listen, parseListenAddress } from '../runtime-env/listen-address.ts';
import { FORTIO_VERSION } from './http-runner.ts';
import { UsageError } from './load.ts';

export const SERVER_FLAGS = {
  known: ['http-port', 'grpc-port', 'redirect-port', 'tcp-port', 'udp-port', 'echo-server-default-params', 'max-echo-delay', 'ui-path', 'base-url', 'config-dir', 'loglevel', 'echo-debug-path', 'data-dir', 'static-dir', 'cacert', 'cert', 'key', 'M', 'P', 'maxpayloadsizekb', 'timeout'],
  boolean: ['h2', 'sync', 'json', 'logger-force-color', 'logger-no-color'],
};

/** `503:50,429:10` → 503 with probability 50 %, 429 with 10 %, else `fallback`; a bare value always applies. */
export function pickWeighted(spec: string, fallback: string, random: () => number): string {
  const parts = spec.split(',').map((p) => {
    const colon = p.lastIndexOf(':');
    return colon > 0 && /^[\d.]+$/.test(p.slice(colon + 1)) ? { value: p.slice(0, colon), percent: Number(p.slice(colon + 1)) } : { value: p, percent: 100 };
  });
  let roll = random() * 100;
  for (const p of parts) {
    if (roll < p.percent) return p.value;
    roll -= p.percent;
  }
  return fallback;
}

export function startServer(flags: ParsedFlags): void {
  const portFlag = flags.values.get('http-port') ?? '8080';
  const address = parseListenAddress(portFlag.includes(':') ? portFlag : `:${portFlag}`, process.env);
  if (address instanceof Error) throw new UsageError(address.message);
  const maxDelayMs = parseGoDuration(flags.values.get('max-echo-delay') ?? '1.5s') ?? 1500;
  const defaults = flags.values.get('echo-server-default-params') ?? '';
  const debugPath = flags.values.get('echo-debug-path') ?? '/debug';
  const uiPath = flags.values.get('ui-path') ?? '/fortio/';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks), { maxDelayMs, defaults, debugPath, uiPath }));
  });
  exitOnSignals(server);
  listen(server, address).then(
    (bound) => {
      process.stdout.write(`Fortio ${FORTIO_VERSION} echo server listening on tcp ${bound.host}:${bound.port}\n`);
      process.stdout.write(`UI started - visit:\nhttp://${appHost(process.env)}:${bound.port}${uiPath}\n`);
    },
    (err: Error) => {
      process.stderr.write(`Fortio: unable to listen on ${address.host}:${address.port}: ${err.message}\n`);
      process.exit(1);
    },
  );
}

interface EchoSettings {
  maxDelayMs: number;
  defaults: string;
  debugPath: string;
  uiPath: string;
}

function handle(req: IncomingMessage, res: ServerResponse, body: Buffer, s: EchoSettings): void {
  const url = new URL(req.url ?? '/', 'http://fortio');
  if (url.pathname === s.debugPath || url.pathname.startsWith(`${s.debugPath}/`)) return debug(req, res, body, url);
  if (url.pathname === s.uiPath || url.pathname === s.uiPath.replace(/\/$/, '')) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end(`<!DOCTYPE html><html><head><title>Φορτίο v${FORTIO_VERSION}</title></head><body><h1>Φορτίο (fortio) v${FORTIO_VERSION}</h1><p>Skiff's built-in fortio: the echo server and the load and curl commands; the UI is not built in.</p></body></html>\n`);
    return;
  }
  const params = url.search ? url.searchParams : new URLSearchParams(s.defaults);
  const status = Number(pickWeighted(params.get('status') ?? '', '200', Math.random) || '200');
  const delayMs = Math.min(parseGoDuration(pickWeighted(params.get('delay') ?? '', '0', Math.random), true) ?? 0, s.maxDelayMs);
  const size = params.get('size') === null ? undefined : Number(pickWeighted(params.get('size')!, '0', Math.random));
  const close = params.get('close');
  const respond = (): void => {
    if (res.destroyed) return;
    for (const h of params.getAll('header')) {
      const colon = h.indexOf(':');
      if (colon > 0) res.setHeader(h.slice(0, colon), h.slice(colon + 1));
    }
    if (close !== null && (close === 'true' || pickWeighted(close, '', Math.random) !== '')) res.setHeader('Connection', 'close');
    const payload = size !== undefined && Number.isFinite(size) ? Buffer.alloc(Math.max(0, size), 'x') : body;
    if (req.headers['content-type'] && size === undefined) res.setHeader('Content-Type', req.headers['content-type']);
    res.writeHead(Number.isInteger(status) && status >= 100 && status <= 999 ? status : 200, { 'Content-Length': payload.length }).end(payload);
  };
  if (delayMs > 0) {
    const timer = setTimeout(respond, delayMs);
    res.on('close', () => clearTimeout(timer));
  } else {
    respond();
  }
}

function debug(req: IncomingMessage, res: ServerResponse, body: Buffer, url: URL): void {
  const lines = [
    `Φορτίο version ${FORTIO_VERSION} echo debug server up for ${Math.round(process.uptime())}s on ${hostname()} - request from ${req.socket.remoteAddress}:${req.socket.remotePort}`,
    '',
    `${req.method} ${url.pathname}${url.search} HTTP/${req.httpVersion}`,
    '',
    'headers:',
    '',
  ];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  lines.push('', `body:`, '', body.toString('utf8'), '');
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end(lines.join('\n'));
}
