/**
 * Transport sockets named by listeners and clusters, parsed once per
 * resource (memoized on the validated config object): a filter chain's
 * DownstreamTlsContext, a cluster's UpstreamTlsContext and its
 * transport_socket_matches (Istio's auto mTLS: endpoints whose metadata
 * `envoy.transport_socket_match` has `tlsMode: istio` get the mTLS socket,
 * the rest raw_buffer). Also lists the SDS secrets each resource depends on,
 * which the xDS client requests and waits for while the resource warms.
 */
import { TypeUrl } from '@skiff/api';
import type { StructWire } from '@skiff/api/envoy/discovery-types.ts';
import { structToJson, type JsonValue } from '@skiff/api/envoy/struct.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { ParseErrors, WireReader, type WireObject } from '../http/route-table/wire-reader.ts';
import type { ClusterConfig, ListenerConfig, TypedExtensionRef } from '../xds-client/types.ts';
import { parseDownstreamTlsContext, parseUpstreamTlsContext, sdsNamesOf, type DownstreamTlsConfig, type SdsSecretRef, type UpstreamTlsConfig } from './tls/config.ts';

/** Envoy's metadata key for transport socket matching. */
export const TRANSPORT_SOCKET_MATCH_KEY = 'envoy.transport_socket_match';

export type UpstreamSocketConfig = { readonly kind: 'raw_buffer' } | { readonly kind: 'tls'; readonly tls: UpstreamTlsConfig };

export interface TransportSocketMatchConfig {
  readonly name: string;
  /** Every key must be present with this value in the endpoint's `envoy.transport_socket_match` metadata. */
  readonly match: Readonly<Record<string, JsonValue>>;
  readonly socket: UpstreamSocketConfig;
}

export interface ClusterTransportSocketsConfig {
  readonly defaultSocket: UpstreamSocketConfig;
  readonly matches: readonly TransportSocketMatchConfig[];
}

const RAW: UpstreamSocketConfig = { kind: 'raw_buffer' };

function unknownSocket(r: WireReader, ref: TypedExtensionRef, at: FieldPath): void {
  r.errors.add(at, `Didn't find a registered implementation for '${ref.name}' with type URL: '${ref.typeUrl}'`);
}

function readUpstreamSocket(r: WireReader, ref: TypedExtensionRef | undefined, at: FieldPath): UpstreamSocketConfig {
  if (!ref || ref.typeUrl === TypeUrl.RawBuffer) return RAW;
  if (ref.typeUrl === TypeUrl.UpstreamTlsContext) return { kind: 'tls', tls: parseUpstreamTlsContext(r, ref.config, [...at, 'typed_config']) };
  unknownSocket(r, ref, at);
  return RAW;
}

const clusterCache = new WeakMap<ClusterConfig, Result<ClusterTransportSocketsConfig>>();

export function parseClusterTransportSockets(config: ClusterConfig): Result<ClusterTransportSocketsConfig> {
  let cached = clusterCache.get(config);
  if (cached) return cached;
  const r = new WireReader(new ParseErrors());
  const defaultSocket = readUpstreamSocket(r, config.transportSocket, ['transport_socket']);
  const matches = (config.transportSocketMatches ?? []).map((m, i): TransportSocketMatchConfig => {
    const at = ['transport_socket_matches', i];
    const socket = r.object(m, 'transport_socket', at);
    const typed = socket && r.object(socket, 'typed_config', [...at, 'transport_socket']);
    const ref: TypedExtensionRef | undefined = socket && typed
      ? { name: r.string(socket, 'name', [...at, 'transport_socket']) ?? '', typeUrl: String(typed['@type'] ?? ''), config: withoutType(typed) }
      : undefined;
    if (!socket) r.errors.add([...at, 'transport_socket'], 'value is required');
    const name = r.string(m, 'name', at) ?? '';
    if (name === '') r.errors.add([...at, 'name'], 'value length must be at least 1 characters');
    return { name, match: structToJson(r.object(m, 'match', at) as StructWire | undefined), socket: readUpstreamSocket(r, ref, [...at, 'transport_socket']) };
  });
  cached = r.errors.list.length > 0 ? fail(...r.errors.list) : ok({ defaultSocket, matches });
  clusterCache.set(config, cached);
  return cached;
}

function withoutType(typed: WireObject): WireObject {
  const { '@type': _t, ...rest } = typed;
  return rest;
}

const listenerCache = new WeakMap<ListenerConfig, Result<readonly (DownstreamTlsConfig | undefined)[]>>();

/** Each filter chain's downstream TLS config (undefined: raw_buffer), in filter_chains order, then the default chain's. */
export function parseListenerTransportSockets(config: ListenerConfig): Result<readonly (DownstreamTlsConfig | undefined)[]> {
  let cached = listenerCache.get(config);
  if (cached) return cached;
  const r = new WireReader(new ParseErrors());
  const chains = config.defaultFilterChain ? [...config.filterChains, config.defaultFilterChain] : config.filterChains;
  const out = chains.map((chain, i) => {
    const at = i < config.filterChains.length ? ['filter_chains', i, 'transport_socket'] : ['default_filter_chain', 'transport_socket'];
    const ref = chain.transportSocket;
    if (!ref || ref.typeUrl === TypeUrl.RawBuffer) return undefined;
    if (ref.typeUrl !== TypeUrl.DownstreamTlsContext) {
      unknownSocket(r, ref, at);
      return undefined;
    }
    return parseDownstreamTlsContext(r, ref.config, [...at, 'typed_config']);
  });
  cached = r.errors.list.length > 0 ? fail(...r.errors.list) : ok(out);
  listenerCache.set(config, cached);
  return cached;
}

/** The SDS secrets a listener's filter chains need. */
export function listenerSecretRefs(config: ListenerConfig): readonly SdsSecretRef[] {
  const parsed = parseListenerTransportSockets(config);
  return parsed.ok ? parsed.value.flatMap((t) => (t ? sdsNamesOf(t.common) : [])) : [];
}

/** The SDS secrets a cluster's transport sockets need. */
export function clusterSecretRefs(config: ClusterConfig): readonly SdsSecretRef[] {
  const parsed = parseClusterTransportSockets(config);
  if (!parsed.ok) return [];
  const sockets = [parsed.value.defaultSocket, ...parsed.value.matches.map((m) => m.socket)];
  return sockets.flatMap((s) => (s.kind === 'tls' ? sdsNamesOf(s.tls.common) : []));
}
