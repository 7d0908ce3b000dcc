/**
 * LDS: envoy.config.listener.v3.Listener → ListenerConfig. Filter chains and
 * their matches are validated (Envoy's duplicate-match rule included); the
 * http_connection_manager and tcp_proxy network filters are parsed here,
 * including an inline route_config (through route-table's parser) and the
 * router-last rule for http_filters. HTTP filter configs stay decoded
 * messages until the HTTP filter registry parses them.
 */
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { parseRouteConfiguration, type ParseRouteConfigurationOptions } from '../../http/route-table/index.ts';
import { ParseErrors, WireReader, type WireObject } from '../../http/route-table/wire-reader.ts';
import type {
  CidrRangeConfig, FilterChainConfig, FilterChainMatchConfig, HttpConnectionManagerConfig, HttpFilterRefConfig, ListenerConfig, NetworkFilterConfig, TcpProxyConfig,
} from '../types.ts';
import { joinFailures, type ResourceType } from './resource-type.ts';
import { readSocketAddress } from './socket-address.ts';
import { readTypedExtension } from './typed-extension.ts';
import { readHcmProtocolSettings } from '../../listener/network-filters/http-connection-manager/protocol.ts';
import { validateHcmLimits } from '../../listener/network-filters/http-connection-manager/config.ts';

const DIRECTIONS = ['UNSPECIFIED', 'INBOUND', 'OUTBOUND'] as const;
/** Envoy's tcp_proxy idle_timeout default. */
const TCP_PROXY_IDLE_TIMEOUT_MS = 3_600_000;

/** `options.parsePerFilterConfig` parses typed_per_filter_config of inline route configurations (the HTTP filter registry's parsers). */
export function parseListener(wire: WireMessage, options: ParseRouteConfigurationOptions = {}): Result<ListenerConfig> {
  const r = new WireReader(new ParseErrors());
  const name = r.string(wire, 'name', []) ?? '';
  if (name === '') r.errors.add(['name'], 'value length must be at least 1 characters');
  const address = readSocketAddress(r, wire, 'address', []);
  const filterChains = r.objects(wire, 'filter_chains', []).map((c, i) => readFilterChain(r, c, ['filter_chains', i], options));
  const defaultChainWire = r.object(wire, 'default_filter_chain', []);
  const defaultFilterChain = defaultChainWire ? readFilterChain(r, defaultChainWire, ['default_filter_chain'], options) : undefined;
  if (filterChains.length === 0 && !defaultFilterChain) r.errors.add(['filter_chains'], 'no filter chains specified');
  checkDistinctMatches(r, filterChains);
  const direction = r.string(wire, 'traffic_direction', []) ?? 'UNSPECIFIED';
  if (!(DIRECTIONS as readonly string[]).includes(direction)) r.errors.add(['traffic_direction'], 'value must be one of the defined enum values');
  const listenerFilters = r.objects(wire, 'listener_filters', []).map((f, i) => readTypedExtension(r, f, ['listener_filters', i], false));
  if (r.errors.list.length > 0 || !address) return fail(...r.errors.list);
  const all = defaultFilterChain ? [...filterChains, defaultFilterChain] : filterChains;
  const routeConfigNames = [...new Set(all.flatMap((c) => c.filters).flatMap((f) => (f.kind === 'http_connection_manager' && 'rds' in f.route ? [f.route.rds] : [])))];
  return ok({
    name,
    address,
    bindToPort: r.wrapped(wire, 'bind_to_port', [], 'boolean') ?? true,
    useOriginalDst: r.wrapped(wire, 'use_original_dst', [], 'boolean') ?? false,
    trafficDirection: direction as ListenerConfig['trafficDirection'],
    listenerFilters,
    filterChains,
    defaultFilterChain,
    routeConfigNames,
  });
}

function readFilterChain(r: WireReader, wire: WireObject, at: FieldPath, options: ParseRouteConfigurationOptions): FilterChainConfig {
  const match = r.object(wire, 'filter_chain_match', at) ?? {};
  const mAt = [...at, 'filter_chain_match'];
  const socket = r.object(wire, 'transport_socket', at);
  const filters = r.objects(wire, 'filters', at).map((f, i) => readNetworkFilter(r, f, [...at, 'filters', i], options));
  return {
    name: r.string(wire, 'name', at) ?? '',
    match: {
      destinationPort: r.wrapped(match, 'destination_port', mAt, 'number'),
      prefixRanges: readCidrs(r, match, 'prefix_ranges', mAt),
      sourcePrefixRanges: readCidrs(r, match, 'source_prefix_ranges', mAt),
      sourcePorts: r.list(match, 'source_ports', mAt).map(Number),
      serverNames: r.strings(match, 'server_names', mAt),
      transportProtocol: r.string(match, 'transport_protocol', mAt) ?? '',
      applicationProtocols: r.strings(match, 'application_protocols', mAt),
    },
    filters,
    transportSocket: socket ? readTypedExtension(r, socket, [...at, 'transport_socket']) : undefined,
  };
}

function readCidrs(r: WireReader, match: WireObject, key: string, at: FieldPath): CidrRangeConfig[] {
  return r.objects(match, key, at).map((c, i) => {
    const prefixLen = r.wrapped(c, 'prefix_len', [...at, key, i], 'number') ?? 0;
    if (prefixLen > 128) r.errors.add([...at, key, i, 'prefix_len'], 'value must be less than or equal to 128');
    return { addressPrefix: r.string(c, 'address_prefix', [...at, key, i]) ?? '', prefixLen };
  });
}

/** Envoy refuses two chains that match exactly the same connections. */
function checkDistinctMatches(r: WireReader, chains: readonly FilterChainConfig[]): void {
  const seen = new Map<string, FilterChainConfig>();
  chains.forEach((chain, i) => {
    const key = matchKey(chain.match);
    const first = seen.get(key);
    if (first) r.errors.add(['filter_chains', i, 'filter_chain_match'], `filter chain '${chain.name}' has the same matching rules defined as '${first.name}'`);
    else seen.set(key, chain);
  });
}

function matchKey(m: FilterChainMatchConfig): string {
  const sorted = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
  return JSON.stringify([m.destinationPort ?? null, sorted(m.prefixRanges), sorted(m.sourcePrefixRanges), sorted(m.sourcePorts), sorted(m.serverNames), m.transportProtocol, sorted(m.applicationProtocols)]);
}

function readNetworkFilter(r: WireReader, wire: WireObject, at: FieldPath, options: ParseRouteConfigurationOptions): NetworkFilterConfig {
  const ref = readTypedExtension(r, wire, at);
  const cAt = [...at, 'typed_config'];
  switch (ref.typeUrl) {
    case TypeUrl.HttpConnectionManager:
      return readHttpConnectionManager(r, ref.name, ref.config, cAt, options);
    case TypeUrl.TcpProxy:
      return readTcpProxy(r, ref.name, ref.config, cAt);
    default:
      return { kind: 'opaque', name: ref.name, typeUrl: ref.typeUrl, config: ref.config };
  }
}

function readHttpConnectionManager(r: WireReader, name: string, wire: WireObject, at: FieldPath, options: ParseRouteConfigurationOptions): HttpConnectionManagerConfig {
  const statPrefix = r.string(wire, 'stat_prefix', at) ?? '';
  if (statPrefix === '') r.errors.add([...at, 'stat_prefix'], 'value length must be at least 1 characters');
  const rds = r.object(wire, 'rds', at);
  const inline = r.object(wire, 'route_config', at);
  let route: HttpConnectionManagerConfig['route'] = { rds: '' };
  if (rds) {
    const routeName = r.string(rds, 'route_config_name', [...at, 'rds']) ?? '';
    if (routeName === '') r.errors.add([...at, 'rds', 'route_config_name'], 'value length must be at least 1 characters');
    route = { rds: routeName };
  } else if (inline) {
    const parsed = parseRouteConfiguration(inline, options);
    if (parsed.ok) route = { inline: parsed.value };
    else for (const e of parsed.errors) r.errors.add([...at, 'route_config'], e);
  } else if (!wire.scoped_routes) {
    r.errors.add([...at, 'route_specifier'], 'value is required');
  } else {
    r.errors.add([...at, 'scoped_routes'], 'scoped routes are not supported');
  }
  const httpFilters = r.objects(wire, 'http_filters', at).map((f, i): HttpFilterRefConfig => ({
    ...readTypedExtension(r, f, [...at, 'http_filters', i], false),
    isOptional: r.bool(f, 'is_optional', [...at, 'http_filters', i]) ?? false,
  }));
  checkRouterLast(r, httpFilters, at);
  readHcmProtocolSettings(r, wire, at); // codec_type, http2_protocol_options, upgrade_configs
  validateHcmLimits(r, wire, at); // max_request_headers_kb, max_headers_count
  return { kind: 'http_connection_manager', name, statPrefix, route, httpFilters, config: wire };
}

/** Envoy's FilterChainUtility: exactly one terminal filter (the router), and last. */
function checkRouterLast(r: WireReader, filters: readonly HttpFilterRefConfig[], at: FieldPath): void {
  const describe = (f: HttpFilterRefConfig) => `${f.name} of type ${f.typeUrl.slice(f.typeUrl.lastIndexOf('/') + 1)}`;
  filters.forEach((f, i) => {
    const isRouter = f.typeUrl === TypeUrl.Router;
    if (isRouter && i !== filters.length - 1) {
      r.errors.add([...at, 'http_filters', i], `Error: terminal filter named ${describe(f)} must be the last filter in a http filter chain.`);
    } else if (!isRouter && i === filters.length - 1) {
      r.errors.add([...at, 'http_filters', i], `Error: non-terminal filter named ${describe(f)} is the last filter in a http filter chain.`);
    }
  });
  if (filters.length === 0) r.errors.add([...at, 'http_filters'], 'value must contain at least 1 item(s): the router filter');
}

function readTcpProxy(r: WireReader, name: string, wire: WireObject, at: FieldPath): TcpProxyConfig {
  const statPrefix = r.string(wire, 'stat_prefix', at) ?? '';
  if (statPrefix === '') r.errors.add([...at, 'stat_prefix'], 'value length must be at least 1 characters');
  const clusterName = r.string(wire, 'cluster', at);
  const weighted = r.object(wire, 'weighted_clusters', at);
  let cluster: TcpProxyConfig['cluster'] = { name: '' };
  if (clusterName) cluster = { name: clusterName };
  else if (weighted) {
    const clusters = r.objects(weighted, 'clusters', [...at, 'weighted_clusters']).map((c, i) => {
      const cAt = [...at, 'weighted_clusters', 'clusters', i];
      const weight = r.number(c, 'weight', cAt) ?? 0;
      if (weight < 1) r.errors.add([...cAt, 'weight'], 'value must be greater than or equal to 1');
      return { name: r.string(c, 'name', cAt) ?? '', weight };
    });
    if (clusters.length === 0) r.errors.add([...at, 'weighted_clusters', 'clusters'], 'value must contain at least 1 item(s)');
    cluster = { weighted: clusters };
  } else r.errors.add([...at, 'cluster_specifier'], 'value is required');
  return { kind: 'tcp_proxy', name, statPrefix, cluster, idleTimeoutMs: r.durationMs(wire, 'idle_timeout', at) ?? TCP_PROXY_IDLE_TIMEOUT_MS, accessLog: wire.access_log };
}

export const listenerResourceType: ResourceType<ListenerConfig> = {
  typeUrl: TypeUrl.Listener,
  shortName: 'lds',
  isFullState: true,
  nameOf: (wire) => String(wire.name ?? ''),
  parse: parseListener,
  // Envoy's lds_api.cc.
  rejectionMessage: (failures) => `Error adding/updating listener(s) ${joinFailures(failures)}`,
};

