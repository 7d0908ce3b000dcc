/**
 * Filter chain options and their FilterChainMatch, as Istio's
 * filterChainOpts: SNI hosts (a `*` means no SNI match), destination CIDRs,
 * application protocols and transport protocol. A chain with none of them
 * matches everything; outbound listeners move such a chain to
 * default_filter_chain. Two chains conflict when Envoy could not tell them
 * apart (same transport, ALPNs, SNI set and CIDR set).
 */
import { TypeUrl } from '@skiff/api';
import { HTTP_INSPECTOR, TLS_INSPECTOR } from './well-known.ts';
import type { CidrRangeWire, FilterChainMatchWire, FilterChainWire, ListenerFilterWire, NetworkFilterWire, TransportSocketWire } from './wire.ts';

export interface FilterChainOpts {
  readonly name?: string;
  readonly sniHosts?: readonly string[];
  readonly destinationCidrs?: readonly string[];
  readonly applicationProtocols?: readonly string[];
  readonly transportProtocol?: string;
  readonly destinationPort?: number;
  readonly transportSocket?: TransportSocketWire;
  readonly filters: readonly NetworkFilterWire[];
}

export function isMatchAll(o: FilterChainOpts): boolean {
  return (!o.sniHosts || o.sniHosts.length === 0 || o.sniHosts.includes('*'))
    && !o.applicationProtocols?.length && !o.transportProtocol && !o.destinationCidrs?.length && o.destinationPort === undefined;
}

/** Istio's toFilterChainMatch; undefined for a match-all chain. SNI names and CIDRs are sorted. */
export function filterChainMatch(o: FilterChainOpts): FilterChainMatchWire | undefined {
  if (isMatchAll(o)) return undefined;
  const m: FilterChainMatchWire = {};
  if (o.destinationPort !== undefined) m.destination_port = { value: o.destinationPort };
  if (o.destinationCidrs?.length) {
    const ranges = [...o.destinationCidrs].sort().map(cidrRange).filter((r): r is CidrRangeWire => r !== undefined && r.address_prefix !== '0.0.0.0');
    if (ranges.length > 0) m.prefix_ranges = ranges;
  }
  if (o.sniHosts?.length && !o.sniHosts.includes('*')) m.server_names = [...o.sniHosts].sort();
  if (o.transportProtocol) m.transport_protocol = o.transportProtocol;
  if (o.applicationProtocols?.length) m.application_protocols = [...o.applicationProtocols];
  return m;
}

export function buildFilterChain(o: FilterChainOpts): FilterChainWire {
  const chain: FilterChainWire = { filters: [...o.filters] };
  if (o.name) chain.name = o.name;
  const match = filterChainMatch(o);
  if (match) chain.filter_chain_match = match;
  if (o.transportSocket) chain.transport_socket = o.transportSocket;
  return chain;
}

/** Istio's filterChainOpts.conflictsWith. */
export function conflicts(a: FilterChainOpts, b: FilterChainOpts): boolean {
  if ((a.transportProtocol ?? '') !== (b.transportProtocol ?? '')) return false;
  if ((a.applicationProtocols ?? []).join(',') !== (b.applicationProtocols ?? []).join(',')) return false;
  const sni = (h: readonly string[] | undefined) => [...new Set((h ?? []).filter((x) => x !== '*'))].sort().join(',');
  if (sni(a.sniHosts) !== sni(b.sniHosts)) return false;
  const cidrs = (c: readonly string[] | undefined) => [...new Set((c ?? []).map(cidrRange).filter((r) => r && r.address_prefix !== '0.0.0.0').map((r) => `${r!.address_prefix}/${r!.prefix_len.value}`))].sort().join(',');
  return cidrs(a.destinationCidrs) === cidrs(b.destinationCidrs);
}

/** `10.0.0.0/8` or a bare address (a /32 or /128) → CidrRange. */
export function cidrRange(text: string): CidrRangeWire | undefined {
  const [address, len] = text.split('/');
  if (!address) return undefined;
  const full = address.includes(':') ? 128 : 32;
  const prefix = len === undefined ? full : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > full) return undefined;
  return { address_prefix: address, prefix_len: { value: prefix } };
}

export function tlsInspector(disabled?: ListenerFilterWire['filter_disabled']): ListenerFilterWire {
  return disabled ? { name: TLS_INSPECTOR, typed_config: { '@type': TypeUrl.TlsInspector }, filter_disabled: disabled }
    : { name: TLS_INSPECTOR, typed_config: { '@type': TypeUrl.TlsInspector } };
}

export function httpInspector(disabled?: ListenerFilterWire['filter_disabled']): ListenerFilterWire {
  return disabled ? { name: HTTP_INSPECTOR, typed_config: { '@type': TypeUrl.HttpInspector }, filter_disabled: disabled }
    : { name: HTTP_INSPECTOR, typed_config: { '@type': TypeUrl.HttpInspector } };
}
