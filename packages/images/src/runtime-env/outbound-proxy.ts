/**
 * How a built-in image reaches other services: through the HTTP proxy in its
 * environment (ADR 0004 point 3, the sidecar's outbound listener), honouring
 * NO_PROXY, with the request line in absolute form as curl and Python's
 * requests send it to a proxy.
 */
import type { Env } from './listen-address.ts';

/** curl's and requests' lookup: the lower-case name first, then the upper-case one, then ALL_PROXY. */
export function proxyFor(url: URL, env: Env): URL | undefined {
  const scheme = url.protocol.replace(/:$/, '');
  const raw = env[`${scheme}_proxy`] || env[`${scheme.toUpperCase()}_PROXY`] || env.all_proxy || env.ALL_PROXY;
  if (!raw || isNoProxy(url, env.no_proxy ?? env.NO_PROXY ?? '')) return undefined;
  try {
    return new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
}

/** NO_PROXY: `*`, or comma-separated hosts and domain suffixes (`.svc`, `svc`), optionally with `:port`. */
export function isNoProxy(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry)!;
    const name = m[1].replace(/^\*?\./, '');
    if (m[2] && m[2] !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

export interface RequestTarget {
  /** Where the TCP connection goes: the proxy, or the origin itself. */
  readonly connectHost: string;
  readonly connectPort: number;
  /** The request target: absolute form through a proxy, origin form otherwise. */
  readonly path: string;
  readonly hostHeader: string;
  readonly viaProxy: boolean;
}

export function requestTarget(url: URL, proxy: URL | undefined): RequestTarget {
  const originPort = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const originPath = `${url.pathname || '/'}${url.search}`;
  if (proxy && url.protocol === 'http:') {
    return { connectHost: stripBrackets(proxy.hostname), connectPort: Number(proxy.port || 1080), path: url.href, hostHeader: url.host, viaProxy: true };
  }
  return { connectHost: stripBrackets(url.hostname), connectPort: originPort, path: originPath, hostHeader: url.host, viaProxy: false };
}

function stripBrackets(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}
