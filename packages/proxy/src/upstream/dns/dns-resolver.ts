/**
 * Name resolution for STRICT_DNS and LOGICAL_DNS clusters, injected so
 * tests resolve names they make up. A resolver answers one address family
 * at a time (Envoy's c-ares queries A and AAAA separately); the lookup
 * family policy (AUTO, V4_PREFERRED, ALL, ...) is applied on top by
 * resolveFamily. The system resolver asks DNS for records with their TTLs
 * and falls back to the OS lookup (/etc/hosts: `localhost`), whose answers
 * carry no TTL.
 */
import { isIP } from 'node:net';
import { lookup, Resolver } from 'node:dns/promises';
import type { DnsLookupFamily } from '../../xds-client/types.ts';

export interface DnsRecord {
  readonly address: string;
  /** Seconds, when the answer said; undefined: use dns_refresh_rate. */
  readonly ttlSeconds?: number;
}

export interface DnsResolver {
  /** The name's addresses of one family; [] when it has none; rejects when resolution failed. */
  resolve(name: string, family: 4 | 6): Promise<readonly DnsRecord[]>;
}

/** Envoy's dns_lookup_family, applied to a per-family resolver. IP literals resolve to themselves. */
export async function resolveFamily(resolver: DnsResolver, name: string, policy: DnsLookupFamily): Promise<readonly DnsRecord[]> {
  const literal = isIP(name);
  if (literal !== 0) {
    const fits = policy === 'ALL' || policy === 'AUTO' || policy === 'V4_PREFERRED' || (policy === 'V4_ONLY' ? literal === 4 : literal === 6);
    return fits ? [{ address: name }] : [];
  }
  switch (policy) {
    case 'V4_ONLY':
      return resolver.resolve(name, 4);
    case 'V6_ONLY':
      return resolver.resolve(name, 6);
    case 'AUTO':
      return firstNonEmpty(resolver, name, 6, 4);
    case 'V4_PREFERRED':
      return firstNonEmpty(resolver, name, 4, 6);
    case 'ALL': {
      const [v4, v6] = await Promise.allSettled([resolver.resolve(name, 4), resolver.resolve(name, 6)]);
      if (v4.status === 'rejected' && v6.status === 'rejected') throw v4.reason;
      return [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    }
  }
}

async function firstNonEmpty(resolver: DnsResolver, name: string, first: 4 | 6, then: 4 | 6): Promise<readonly DnsRecord[]> {
  let failure: unknown;
  try {
    const a = await resolver.resolve(name, first);
    if (a.length > 0) return a;
  } catch (err) {
    failure = err;
  }
  try {
    return await resolver.resolve(name, then);
  } catch (err) {
    throw failure ?? err;
  }
}

const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME', 'ENOTIMP', 'EREFUSED', 'ESERVFAIL', 'ECONNREFUSED', 'ETIMEOUT']);

/** DNS with TTLs, then the OS lookup (hosts file) for names DNS does not know. */
export const systemDnsResolver: DnsResolver = {
  async resolve(name, family) {
    const resolver = new Resolver();
    try {
      const records = family === 4 ? await resolver.resolve4(name, { ttl: true }) : await resolver.resolve6(name, { ttl: true });
      if (records.length > 0) return records.map((r) => ({ address: r.address, ttlSeconds: r.ttl }));
    } catch (err) {
      if (!NO_RECORDS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    }
    try {
      return (await lookup(name, { all: true, family })).map((r) => ({ address: r.address }));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTFOUND' || (err as NodeJS.ErrnoException).code === 'ENODATA') return [];
      throw err;
    }
  },
};
