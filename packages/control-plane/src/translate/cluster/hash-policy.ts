/**
 * consistentHash → the route's hash_policy (Istio's consistentHashToHashPolicy):
 * the cluster only picks RING_HASH or MAGLEV, the key comes from the route.
 * The route builder calls this with the traffic policy of the destination
 * cluster (see `hashPolicyFor`).
 */
import type { ConsistentHashLB } from '@skiff/api';
import { parseDurationMs } from '@skiff/common';
import { subsetTrafficPolicy } from '../../model/traffic-policy.ts';
import type { MergedDestinationRule } from '../../model/destination-rule-index.ts';
import { protoDuration, type ProtoDuration } from './wire.ts';

export type HashPolicyWire =
  | { readonly header: { readonly header_name: string } }
  | { readonly cookie: { readonly name: string; readonly path?: string; readonly ttl?: ProtoDuration } }
  | { readonly connection_properties: { readonly source_ip: true } }
  | { readonly query_parameter: { readonly name: string } };

export function buildHashPolicy(hash: ConsistentHashLB | undefined): HashPolicyWire[] {
  if (!hash) return [];
  if (hash.httpHeaderName) return [{ header: { header_name: hash.httpHeaderName } }];
  if (hash.httpCookie) {
    const { name = '', path, ttl } = hash.httpCookie;
    return [{ cookie: { name, ...(path ? { path } : {}), ...(ttl !== undefined ? { ttl: protoDuration(parseDurationMs(ttl) ?? 0) } : {}) } }];
  }
  if (hash.useSourceIp) return [{ connection_properties: { source_ip: true } }];
  if (hash.httpQueryParameterName) return [{ query_parameter: { name: hash.httpQueryParameterName } }];
  return [];
}

/** The hash policy for a route to (port, subset) of a service governed by `rule`. */
export function hashPolicyFor(rule: MergedDestinationRule | undefined, port: number, subset: string): HashPolicyWire[] {
  if (!rule) return [];
  const subsetPolicy = subset === '' ? undefined : rule.spec.subsets?.find((s) => s.name === subset)?.trafficPolicy;
  return buildHashPolicy(subsetTrafficPolicy(rule.spec.trafficPolicy, subsetPolicy, port)?.loadBalancer?.consistentHash);
}
