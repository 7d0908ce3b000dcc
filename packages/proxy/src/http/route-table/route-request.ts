/**
 * A RouteRequest from plain values, for callers (and tests) that hold the
 * request line and headers separately: pseudo-headers are answered from the
 * request line, other names case-insensitively, several values joined with
 * `,` as Envoy joins them for matching.
 */
import type { RouteRequest } from './types.ts';

export interface RouteRequestInit {
  readonly authority: string;
  readonly path?: string;
  readonly method?: string;
  readonly scheme?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
}

export function routeRequest(init: RouteRequestInit): RouteRequest {
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(init.headers ?? {})) headers.set(k.toLowerCase(), typeof v === 'string' ? v : v.join(','));
  const path = init.path ?? '/';
  const method = init.method ?? 'GET';
  const scheme = init.scheme ?? 'http';
  const pseudo: Readonly<Record<string, string>> = { ':authority': init.authority, ':path': path, ':method': method, ':scheme': scheme, host: init.authority };
  return {
    authority: init.authority,
    path,
    method,
    scheme,
    header: (name) => pseudo[name] ?? headers.get(name),
  };
}
