/**
 * Builds the ADS requests for both protocols, so the client says what it
 * wants (subscribe, ACK, NACK) and this file says how each protocol spells
 * it. SotW repeats the whole subscription with the last accepted version and
 * the last nonce; delta sends subscription changes and ACKs separately.
 * Envoy's NACK status code is INTERNAL (13).
 */
import type { DeltaDiscoveryRequest, DiscoveryRequest, Node } from '@skiff/api/envoy/discovery-types.ts';
import type { Subscription } from './watch-graph.ts';

const GRPC_INTERNAL = 13;

export function sotwRequest(typeUrl: string, sub: Subscription, versionInfo: string, nonce: string, node: Node | undefined, nack?: string): DiscoveryRequest {
  return {
    ...(node ? { node } : {}),
    type_url: typeUrl,
    resource_names: sub.wildcard ? [] : [...sub.names],
    version_info: versionInfo,
    response_nonce: nonce,
    ...(nack !== undefined ? { error_detail: { code: GRPC_INTERNAL, message: nack } } : {}),
  };
}

/** The first delta request of a type on a stream: the whole subscription and what the client already holds. */
export function deltaInitialRequest(typeUrl: string, sub: Subscription, versions: Record<string, string>, node: Node | undefined): DeltaDiscoveryRequest {
  return {
    ...(node ? { node } : {}),
    type_url: typeUrl,
    // An empty list on a wildcard type is the legacy wildcard, which every server understands.
    resource_names_subscribe: sub.wildcard ? [] : [...sub.names],
    initial_resource_versions: versions,
  };
}

export function deltaChangeRequest(typeUrl: string, previous: Subscription, next: Subscription, node: Node | undefined): DeltaDiscoveryRequest | undefined {
  const before = new Set(previous.names);
  const after = new Set(next.names);
  const subscribe = next.names.filter((n) => !before.has(n));
  const unsubscribe = previous.names.filter((n) => !after.has(n));
  if (next.wildcard && !previous.wildcard) subscribe.push('*');
  if (!next.wildcard && previous.wildcard) unsubscribe.push('*');
  if (subscribe.length === 0 && unsubscribe.length === 0) return undefined;
  return { ...(node ? { node } : {}), type_url: typeUrl, resource_names_subscribe: subscribe, resource_names_unsubscribe: unsubscribe };
}

export function deltaAck(typeUrl: string, nonce: string, nack?: string): DeltaDiscoveryRequest {
  return {
    type_url: typeUrl,
    response_nonce: nonce,
    ...(nack !== undefined ? { error_detail: { code: GRPC_INTERNAL, message: nack } } : {}),
  };
}
