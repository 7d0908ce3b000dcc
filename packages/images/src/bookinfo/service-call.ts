/**
 * How Bookinfo's services call each other: a GET to `http://name:port/path`
 * through HTTP_PROXY when set (the sidecar), with a timeout, forwarding the
 * trace and identity headers Istio's sample propagates.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import type { Env } from '../runtime-env/listen-address.ts';
import { proxyFor, requestTarget } from '../runtime-env/outbound-proxy.ts';

/** The headers productpage and reviews copy from the incoming request (Istio's `getForwardHeaders`). */
export const FORWARDED_HEADERS = [
  'x-request-id', 'x-ot-span-context', 'x-datadog-trace-id', 'x-datadog-parent-id', 'x-datadog-sampling-priority',
  'traceparent', 'tracestate', 'x-cloud-trace-context', 'grpc-trace-bin',
  'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags', 'b3',
  'sw8', 'user-agent', 'cookie', 'authorization', 'jwt',
] as const;

export function forwardHeaders(incoming: IncomingHttpHeaders, extra: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...FORWARDED_HEADERS, ...extra]) {
    const v = incoming[name];
    if (v !== undefined) out[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export interface ServiceResponse {
  readonly status: number;
  readonly body: string;
}

/** Resolves with the response, or with undefined on a connection error or after `timeoutMs`. */
export function getService(url: URL, headers: Record<string, string>, timeoutMs: number, env: Env): Promise<ServiceResponse | undefined> {
  const target = requestTarget(url, proxyFor(url, env));
  return new Promise((resolve) => {
    const req = request({ host: target.connectHost, port: target.connectPort, path: target.path, method: 'GET', headers: { ...headers, Host: target.hostHeader }, setHost: false, agent: false });
    const timer = setTimeout(() => {
      req.destroy();
      resolve(undefined);
    }, timeoutMs);
    req.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => undefined);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end();
  });
}

export function serviceUrl(env: Env, name: 'details' | 'reviews' | 'ratings', path: string): URL {
  const upper = name.toUpperCase();
  const domain = env.SERVICES_DOMAIN ? `.${env.SERVICES_DOMAIN}` : '';
  const host = env[`${upper}_HOSTNAME`] || name;
  const port = env[`${upper}_SERVICE_PORT`] || '9080';
  return new URL(`http://${host}${domain}:${port}${path}`);
}

/** Bookinfo's programs take their port as the first argument (`python productpage.py 9080`), 9080 by default. */
export function portFromArgs(argv: readonly string[]): number {
  const found = argv.find((a) => /^\d+$/.test(a));
  return found === undefined ? 9080 : Number(found);
}
