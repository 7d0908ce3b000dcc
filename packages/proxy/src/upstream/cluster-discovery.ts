/**
 * The part of a CDS Cluster that says how hosts are found at run time:
 * original_dst_lb_config and cleanup_interval (ORIGINAL_DST), the DNS
 * settings (STRICT_DNS, LOGICAL_DNS) and upstream_bind_config. Read once at
 * CDS time with field paths (a bad value NACKs the cluster), Envoy's
 * defaults applied: cleanup 5 s, refresh 5 s, lookup family AUTO, header
 * `x-envoy-original-dst-host`.
 */
import type { FieldPath } from '@skiff/common';
import type { WireObject, WireReader } from '../http/route-table/wire-reader.ts';
import type { ClusterDiscoveryConfig, DiscoveryType, DnsLookupFamily } from '../xds-client/types.ts';

export const ORIGINAL_DST_HOST_HEADER = 'x-envoy-original-dst-host';
const DEFAULT_CLEANUP_INTERVAL_MS = 5000;
const DEFAULT_DNS_REFRESH_RATE_MS = 5000;
const LOOKUP_FAMILIES: readonly DnsLookupFamily[] = ['AUTO', 'V4_ONLY', 'V6_ONLY', 'V4_PREFERRED', 'ALL'];

export function readClusterDiscovery(r: WireReader, wire: WireObject, type: DiscoveryType, at: FieldPath = []): ClusterDiscoveryConfig {
  return {
    originalDst: type === 'ORIGINAL_DST' ? readOriginalDst(r, wire, at) : undefined,
    dns: type === 'STRICT_DNS' || type === 'LOGICAL_DNS' ? readDns(r, wire, at) : undefined,
    upstreamBindAddress: readBindAddress(r, wire, at),
  };
}

function readOriginalDst(r: WireReader, wire: WireObject, at: FieldPath): ClusterDiscoveryConfig['originalDst'] {
  const cfg = r.object(wire, 'original_dst_lb_config', at);
  const cAt = [...at, 'original_dst_lb_config'];
  const override = cfg ? r.object(cfg, 'upstream_port_override', cAt) : undefined;
  const port = override ? r.number(override, 'value', [...cAt, 'upstream_port_override']) : undefined;
  if (port !== undefined && port > 65535) r.errors.add([...cAt, 'upstream_port_override', 'value'], 'value must be less than or equal to 65535');
  const header = cfg ? r.string(cfg, 'http_header_name', cAt) : undefined;
  const cleanup = r.durationMs(wire, 'cleanup_interval', at);
  if (cleanup === 0) r.errors.add([...at, 'cleanup_interval'], 'value must be greater than 0s');
  return {
    useHttpHeader: (cfg ? r.bool(cfg, 'use_http_header', cAt) : undefined) ?? false,
    httpHeaderName: header ? header.toLowerCase() : ORIGINAL_DST_HOST_HEADER,
    upstreamPortOverride: port === undefined || port === 0 ? undefined : port,
    cleanupIntervalMs: cleanup ?? DEFAULT_CLEANUP_INTERVAL_MS,
  };
}

function readDns(r: WireReader, wire: WireObject, at: FieldPath): ClusterDiscoveryConfig['dns'] {
  const refresh = r.durationMs(wire, 'dns_refresh_rate', at);
  if (refresh !== undefined && refresh <= 1) r.errors.add([...at, 'dns_refresh_rate'], 'value must be greater than 1ms');
  const family = (r.string(wire, 'dns_lookup_family', at) ?? 'AUTO') as DnsLookupFamily;
  if (!LOOKUP_FAMILIES.includes(family)) r.errors.add([...at, 'dns_lookup_family'], 'value must be one of the defined enum values');
  return { refreshRateMs: refresh ?? DEFAULT_DNS_REFRESH_RATE_MS, respectDnsTtl: r.bool(wire, 'respect_dns_ttl', at) ?? false, lookupFamily: family };
}

function readBindAddress(r: WireReader, wire: WireObject, at: FieldPath): string | undefined {
  const bind = r.object(wire, 'upstream_bind_config', at);
  if (!bind) return undefined;
  const source = r.object(bind, 'source_address', [...at, 'upstream_bind_config']);
  const address = source ? r.string(source, 'address', [...at, 'upstream_bind_config', 'source_address']) : undefined;
  return address || undefined;
}
