/**
 * Virtual host selection by the request's authority, in Envoy's order
 * (RouteMatcher::findVirtualHost): an exact domain, then the longest
 * `*suffix` wildcard, then the longest `prefix*` wildcard, then `*`.
 * A wildcard must stand for at least one character. With
 * ignore_port_in_host_matching the authority's port is dropped first.
 */
import type { VirtualHostConfig } from './types.ts';

export class VirtualHostSelector {
  readonly #exact = new Map<string, VirtualHostConfig>();
  /** Suffix length → suffix → host, longest first. */
  readonly #suffixes: [number, Map<string, VirtualHostConfig>][];
  readonly #prefixes: [number, Map<string, VirtualHostConfig>][];
  readonly #default: VirtualHostConfig | undefined;
  readonly #ignorePort: boolean;

  constructor(virtualHosts: readonly VirtualHostConfig[], ignorePort: boolean) {
    this.#ignorePort = ignorePort;
    const suffixes = new Map<number, Map<string, VirtualHostConfig>>();
    const prefixes = new Map<number, Map<string, VirtualHostConfig>>();
    let fallback: VirtualHostConfig | undefined;
    const put = (by: Map<number, Map<string, VirtualHostConfig>>, key: string, vh: VirtualHostConfig) => {
      let m = by.get(key.length);
      if (!m) by.set(key.length, (m = new Map()));
      if (!m.has(key)) m.set(key, vh);
    };
    for (const vh of virtualHosts) {
      for (const d of vh.domains) {
        if (d === '*') fallback ??= vh;
        else if (d.startsWith('*')) put(suffixes, d.slice(1), vh);
        else if (d.endsWith('*')) put(prefixes, d.slice(0, -1), vh);
        else if (!this.#exact.has(d)) this.#exact.set(d, vh);
      }
    }
    this.#suffixes = [...suffixes].sort((a, b) => b[0] - a[0]);
    this.#prefixes = [...prefixes].sort((a, b) => b[0] - a[0]);
    this.#default = fallback;
  }

  select(authority: string): VirtualHostConfig | undefined {
    let host = authority.toLowerCase();
    if (this.#ignorePort) host = stripPort(host);
    const exact = this.#exact.get(host);
    if (exact) return exact;
    for (const [len, bySuffix] of this.#suffixes) {
      if (len >= host.length) continue;
      const vh = bySuffix.get(host.slice(host.length - len));
      if (vh) return vh;
    }
    for (const [len, byPrefix] of this.#prefixes) {
      if (len >= host.length) continue;
      const vh = byPrefix.get(host.slice(0, len));
      if (vh) return vh;
    }
    return this.#default;
  }
}

/** `host:80` → `host`, `[::1]:80` → `[::1]`; an IPv6 literal without brackets is left alone. */
export function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  return colon >= 0 && host.indexOf(':') === colon && /^\d+$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : host;
}
