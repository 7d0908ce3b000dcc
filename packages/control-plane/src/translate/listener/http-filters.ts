/**
 * The HTTP filter chain of every HCM Skiff builds, in Istio's order
 * (buildHTTPConnectionManager): Istio's metadata exchange first, fault and
 * cors (route-level typed_per_filter_config needs them present), Istio's
 * stats, then the router, which is terminal and always last. This is the
 * one place the list is built: the security issue inserts jwt_authn and
 * rbac after the metadata exchange, before fault, as Istio orders them.
 */
import { TypeUrl } from '@skiff/api';
import { metadataExchangeFilter, statsFilter } from './telemetry.ts';
import { HTTP_CORS, HTTP_FAULT, HTTP_ROUTER } from './well-known.ts';
import type { NetworkFilterWire } from './wire.ts';

/** Which HCM the filters are for (Istio's ListenerClass). */
export type ListenerClass = 'sidecar-outbound' | 'sidecar-inbound' | 'gateway';

export type HttpFilterWire = NetworkFilterWire;

export function buildHttpFilters(listenerClass: ListenerClass): HttpFilterWire[] {
  return [
    metadataExchangeFilter(listenerClass),
    { name: HTTP_FAULT, typed_config: { '@type': TypeUrl.HttpFault } },
    { name: HTTP_CORS, typed_config: { '@type': TypeUrl.Cors } },
    statsFilter(listenerClass),
    { name: HTTP_ROUTER, typed_config: { '@type': TypeUrl.Router } },
  ];
}
