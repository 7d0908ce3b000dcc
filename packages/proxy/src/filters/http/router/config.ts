/** envoy.extensions.filters.http.router.v3.Router → RouterConfig (the fields Skiff honours). */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { ParseErrors, WireReader } from '../../../http/route-table/wire-reader.ts';

export interface RouterConfig {
  /** Do not add x-envoy-upstream-service-time / x-envoy-expected-rq-timeout-ms / x-envoy-attempt-count. */
  readonly suppressEnvoyHeaders: boolean;
  /** Bytes of request body kept for retries and mirrors (Envoy's per-request buffer limit). */
  readonly retryBufferLimitBytes: number;
}

export const DEFAULT_ROUTER_CONFIG: RouterConfig = { suppressEnvoyHeaders: false, retryBufferLimitBytes: 1024 * 1024 };

export function parseRouterConfig(wire: WireMessage, at: FieldPath): Result<RouterConfig> {
  const r = new WireReader(new ParseErrors());
  const suppress = r.bool(wire, 'suppress_envoy_headers', at) ?? false;
  r.wrapped(wire, 'dynamic_stats', at, 'boolean');
  r.bool(wire, 'start_child_span', at);
  return r.errors.list.length > 0 ? fail(...r.errors.list) : ok({ ...DEFAULT_ROUTER_CONFIG, suppressEnvoyHeaders: suppress });
}
