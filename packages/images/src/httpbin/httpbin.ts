/**
 * The httpbin API, in the two shapes the seeds and Istio's samples use:
 * kennethreitz/httpbin (Flask: header and arg values as strings) and
 * mccutchen/go-httpbin (header and arg values as arrays, `method` in every
 * echo). Endpoints: / /get /post /put /patch /delete /anything /headers /ip
 * /user-agent /uuid /status/{codes} /delay/{n} /response-headers /health.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type HttpbinFlavor = 'kennethreitz' | 'go-httpbin';

/** Longest /delay/{n} either implementation accepts, in ms. */
const MAX_DELAY_MS = 10_000;

const TEAPOT = `
    -=[ teapot ]=-

       _...._
     .'  _ _ \`.
    | ."\` ^ \`". _,
    \\_;\`"---"\`|//
      |       ;/
      \\_     _/
        \`"""\`
`;

export function createHttpbinHandler(flavor: HttpbinFlavor): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    readBody(req).then((body) => route(flavor, req, res, body), () => res.destroy());
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function route(flavor: HttpbinFlavor, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const url = new URL(req.url ?? '/', 'http://httpbin');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const methodRoutes: Record<string, string> = { '/get': 'GET', '/post': 'POST', '/put': 'PUT', '/patch': 'PATCH', '/delete': 'DELETE' };
  if (path in methodRoutes) {
    if (method !== methodRoutes[path] && !(path === '/get' && method === 'HEAD')) return sendText(res, 405, 'Method Not Allowed');
    return sendJson(res, 200, path === '/get' ? getShape(flavor, req, url) : bodyShape(flavor, req, url, body));
  }
  if (path === '/anything' || path.startsWith('/anything/')) return sendJson(res, 200, bodyShape(flavor, req, url, body, true));
  if (path === '/headers') return sendJson(res, 200, { headers: headersShape(flavor, req) });
  if (path === '/ip') return sendJson(res, 200, { origin: origin(req) });
  if (path === '/user-agent') return sendJson(res, 200, { 'user-agent': req.headers['user-agent'] ?? '' });
  if (path === '/uuid') return sendJson(res, 200, { uuid: randomUUID() });
  if (path === '/health' || path === '/status') return sendJson(res, 200, { status: 'ok' });
  if (path === '/response-headers') return responseHeaders(flavor, res, url);
  const status = /^\/status\/([^/]+)$/.exec(path);
  if (status) return statusCodes(res, decodeURIComponent(status[1]));
  const delay = /^\/delay\/([^/]+)$/.exec(path);
  if (delay) return delayed(flavor, req, res, url, body, decodeURIComponent(delay[1]));
  if (path === '/' && (method === 'GET' || method === 'HEAD')) return sendHtml(res, indexPage(flavor));
  if (path === '/robots.txt') return sendText(res, 200, 'User-agent: *\nDisallow: /deny\n');
  return flavor === 'go-httpbin' ? sendJson(res, 404, { status_code: 404, error: 'Not Found' }) : sendHtml(res, notFoundPage(), 404);
}

/** Go's http.CanonicalHeaderKey and Werkzeug agree: `x-b3-traceid` → `X-B3-Traceid`. */
function canonical(name: string): string {
  return name.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase()).join('-');
}

function headersShape(flavor: HttpbinFlavor, req: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = canonical(req.rawHeaders[i]);
    const value = req.rawHeaders[i + 1];
    if (flavor === 'go-httpbin') out[name] = [...((out[name] as string[] | undefined) ?? []), value];
    else out[name] = out[name] === undefined ? value : `${out[name]},${value}`;
  }
  return out;
}

function argsShape(flavor: HttpbinFlavor, params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = flavor === 'go-httpbin' || all.length > 1 ? all : all[0];
  }
  return out;
}

function origin(req: IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

function fullUrl(req: IncomingMessage, url: URL): string {
  const proto = (req.headers['x-forwarded-proto'] as string | undefined) ?? 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}${url.pathname}${url.search}`;
}

function getShape(flavor: HttpbinFlavor, req: IncomingMessage, url: URL): Record<string, unknown> {
  const shape: Record<string, unknown> = { args: argsShape(flavor, url.searchParams), headers: headersShape(flavor, req) };
  if (flavor === 'go-httpbin') shape.method = req.method;
  return { ...shape, origin: origin(req), url: fullUrl(req, url) };
}

function bodyShape(flavor: HttpbinFlavor, req: IncomingMessage, url: URL, body: Buffer, withMethod = flavor === 'go-httpbin'): Record<string, unknown> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const text = body.toString('utf8');
  let form: Record<string, string | string[]> = {};
  let json: unknown = null;
  let data = text;
  if (type.startsWith('application/x-www-form-urlencoded')) {
    form = argsShape(flavor, new URLSearchParams(text));
    data = '';
  } else {
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
  }
  const shape: Record<string, unknown> = { args: argsShape(flavor, url.searchParams), data, files: {}, form, headers: headersShape(flavor, req), json };
  if (withMethod) shape.method = req.method;
  return { ...shape, origin: origin(req), url: fullUrl(req, url) };
}

/** `503`, `200,503` (uniform) or `200:0.9,503:0.1` (weighted), as both implementations accept. */
export function chooseStatus(spec: string, random: () => number): number | undefined {
  const choices: { code: number; weight: number }[] = [];
  for (const part of spec.split(',')) {
    const [codeText, weightText] = part.split(':');
    const code = Number(codeText);
    const weight = weightText === undefined ? 1 : Number(weightText);
    if (!/^\d{3}$/.test(codeText.trim()) || code < 100 || code > 599 || !Number.isFinite(weight) || weight < 0) return undefined;
    choices.push({ code, weight });
  }
  const total = choices.reduce((s, c) => s + c.weight, 0);
  let pick = random() * total;
  for (const c of choices) {
    if (pick < c.weight) return c.code;
    pick -= c.weight;
  }
  return choices[choices.length - 1].code;
}

function statusCodes(res: ServerResponse, spec: string): void {
  const code = chooseStatus(spec, Math.random);
  if (code === undefined) return sendText(res, 400, 'Invalid status code');
  switch (code) {
    case 418:
      res.writeHead(418, { 'x-more-info': 'http://tools.ietf.org/html/rfc2324', 'Content-Type': 'text/plain; charset=utf-8' }).end(TEAPOT);
      return;
    case 401:
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="Fake Realm"' }).end();
      return;
    case 407:
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="Fake Realm"' }).end();
      return;
    case 301: case 302: case 303: case 305: case 307:
      res.writeHead(code, { Location: '/redirect/1' }).end();
      return;
  }
  res.writeHead(code, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': '0' }).end();
}

function delayed(flavor: HttpbinFlavor, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, text: string): void {
  let ms: number | undefined;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else if (flavor === 'go-httpbin' && /^\d+(\.\d+)?(ms|s|m)$/.test(text)) ms = Number.parseFloat(text) * ({ ms: 1, s: 1000, m: 60_000 }[text.replace(/^[\d.]+/, '') as 'ms' | 's' | 'm']);
  if (ms === undefined) return sendText(res, 400, 'invalid delay');
  if (ms > MAX_DELAY_MS) {
    if (flavor === 'go-httpbin') return sendJson(res, 400, { status_code: 400, error: `Bad Request`, detail: `delay must be less than or equal to 10s` });
    ms = MAX_DELAY_MS;
  }
  const timer = setTimeout(() => sendJson(res, 200, bodyShape(flavor, req, url, body)), ms);
  res.on('close', () => clearTimeout(timer));
}

function responseHeaders(flavor: HttpbinFlavor, res: ServerResponse, url: URL): void {
  const payload: Record<string, string | string[]> = { 'Content-Type': 'application/json' };
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    res.setHeader(key, all);
    payload[flavor === 'go-httpbin' ? canonical(key) : key] = flavor === 'go-httpbin' || all.length > 1 ? all : all[0];
  }
  sendJson(res, 200, payload);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/json');
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.writeHead(status, { 'Content-Length': Buffer.byteLength(text) }).end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

function sendHtml(res: ServerResponse, html: string, status = 200): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) }).end(html);
}

function indexPage(flavor: HttpbinFlavor): string {
  const title = flavor === 'go-httpbin' ? 'go-httpbin' : 'httpbin.org';
  const endpoints = ['/anything', '/delay/:n', '/delete', '/get', '/headers', '/ip', '/patch', '/post', '/put', '/response-headers', '/status/:code', '/user-agent', '/uuid'];
  return `<!DOCTYPE html>\n<html>\n<head><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n<p>A simple HTTP Request &amp; Response Service.</p>\n<ul>\n${endpoints.map((e) => `<li><a href="${e}"><code>${e}</code></a></li>`).join('\n')}\n</ul>\n</body>\n</html>\n`;
}

function notFoundPage(): string {
  return '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.  If you entered the URL manually please check your spelling and try again.</p>\n';
}
