/**
 * Bookinfo's productpage (Istio's samples/bookinfo/src/productpage, Flask):
 * /productpage asks details (one try, 3 s timeout) and then reviews (two
 * tries of 3 s each, the retry Istio's fault-injection task relies on),
 * forwarding the trace headers (a child span for b3 and traceparent) and
 * `end-user` from the signed-in session. /login (POST username) and /logout
 * set and clear the `session` cookie and redirect back; /api/v1/products…
 * and /health as the sample. Port from the first argument (9080).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { appHost, exitOnSignals, listen } from '../../runtime-env/listen-address.ts';
import { forwardHeaders, getService, portFromArgs, serviceUrl, type ServiceResponse } from '../service-call.ts';
import { PRODUCT, renderIndex, renderProductPage } from './page.ts';

const TIMEOUT_MS = 3000;
const env = process.env;

/** Flask's session cookie, kept as base64url JSON (not signed: the local cluster has no secret key to share between replicas). */
function sessionUser(headers: IncomingHttpHeaders): string {
  const cookie = headers.cookie ?? '';
  const m = /(?:^|;\s*)session=([^;]*)/.exec(cookie);
  if (!m) return '';
  try {
    const value = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as { user?: unknown };
    return typeof value.user === 'string' ? value.user : '';
  } catch {
    return '';
  }
}

/** The outgoing headers: the forwarded set, this hop as a child span, and `end-user` when signed in. */
function outgoingHeaders(req: IncomingMessage): Record<string, string> {
  const out = forwardHeaders(req.headers);
  const spanId = randomBytes(8).toString('hex');
  if (out['x-b3-traceid']) {
    if (out['x-b3-spanid']) out['x-b3-parentspanid'] = out['x-b3-spanid'];
    out['x-b3-spanid'] = spanId;
  }
  const tp = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/.exec(out.traceparent ?? '');
  if (tp) out.traceparent = `${tp[1]}-${tp[2]}-${spanId}-${tp[4]}`;
  const user = sessionUser(req.headers);
  if (user) out['end-user'] = user;
  return out;
}

function parseJson(res: ServiceResponse | undefined): Record<string, unknown> | undefined {
  if (res?.status !== 200) return undefined;
  try {
    return JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function productDetails(id: number, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await getService(serviceUrl(env, 'details', `/details/${id}`), headers, TIMEOUT_MS, env);
  const body = parseJson(res);
  return body ? { status: 200, body } : { status: res?.status || 500, body: { error: 'Sorry, product details are currently unavailable for this book.' } };
}

async function productReviews(id: number, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  let res: ServiceResponse | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    res = await getService(serviceUrl(env, 'reviews', `/reviews/${id}`), headers, TIMEOUT_MS, env);
    const body = parseJson(res);
    if (body) return { status: 200, body };
  }
  return { status: res?.status || 500, body: { error: 'Sorry, product reviews are currently unavailable for this book.' } };
}

async function productRatings(id: number, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await getService(serviceUrl(env, 'ratings', `/ratings/${id}`), headers, TIMEOUT_MS, env);
  const body = parseJson(res);
  return body ? { status: 200, body } : { status: res?.status || 500, body: { error: 'Sorry, product ratings are currently unavailable for this book.' } };
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra }).end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

function redirectBack(req: IncomingMessage, res: ServerResponse, cookie: string): void {
  const location = typeof req.headers.referer === 'string' ? req.headers.referer : '/productpage';
  send(res, 302, 'text/html; charset=utf-8', `<!doctype html>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href="${location}">${location}</a>.</p>\n`, { Location: location, 'Set-Cookie': cookie });
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://productpage');
  const path = url.pathname;
  if (path === '/' || path === '/index.html') return send(res, 200, 'text/html; charset=utf-8', renderIndex());
  if (path === '/health') return sendJson(res, 200, { status: 'Product page is healthy' });
  if (path === '/login' && req.method === 'POST') {
    const form = await readForm(req);
    const user = form.get('username') ?? '';
    return redirectBack(req, res, `session=${Buffer.from(JSON.stringify({ user })).toString('base64url')}; HttpOnly; Path=/`);
  }
  if (path === '/logout') return redirectBack(req, res, 'session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/');
  if (path === '/productpage') {
    const headers = outgoingHeaders(req);
    const details = await productDetails(PRODUCT.id, headers);
    const reviews = await productReviews(PRODUCT.id, headers);
    return send(res, 200, 'text/html; charset=utf-8', renderProductPage({ user: sessionUser(req.headers), product: PRODUCT, details: details.body, reviews: reviews.body }));
  }
  if (path === '/api/v1/products') return sendJson(res, 200, [PRODUCT]);
  const api = /^\/api\/v1\/products\/(\d+)(?:\/(reviews|ratings))?$/.exec(path);
  if (api) {
    const id = Number(api[1]);
    const headers = outgoingHeaders(req);
    const answer = api[2] === 'reviews' ? await productReviews(id, headers) : api[2] === 'ratings' ? await productRatings(id, headers) : await productDetails(id, headers);
    return sendJson(res, answer.status, answer.body);
  }
  send(res, 404, 'text/html; charset=utf-8', '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n');
}

const server = createServer((req, res) => {
  handle(req, res).then(
    () => process.stdout.write(`${req.socket.remoteAddress} - - "${req.method} ${req.url} HTTP/${req.httpVersion}" ${res.statusCode}\n`),
    (err: Error) => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'Internal Server Error');
      process.stderr.write(`productpage: ${err.stack ?? err.message}\n`);
    },
  );
});
exitOnSignals(server);
const port = portFromArgs(process.argv.slice(2));
listen(server, { host: appHost(env), port }).then(
  (bound) => process.stdout.write(`start at port ${bound.port} (${bound.host})\n`),
  (err: Error) => {
    process.stderr.write(`productpage: cannot listen on port ${port}: ${err.message}\n`);
    process.exit(1);
  },
);
