/**
 * The last step shared by sidecar and gateway route configurations: drop
 * domains an earlier virtual host already claimed (Envoy rejects a route
 * configuration with a duplicate domain) and virtual hosts left with none,
 * then wrap them as Istio does (validate_clusters off, 1 MiB direct
 * response bodies).
 */
import type { RouteConfigurationWire, VirtualHostWire } from './wire.ts';

/** Istio's DefaultMaxDirectResponseBodySizeBytes. */
export const MAX_DIRECT_RESPONSE_BODY_BYTES = 1024 * 1024;

export function finishRouteConfiguration(name: string, vhosts: readonly VirtualHostWire[]): RouteConfigurationWire {
  const seenDomains = new Set<string>();
  const seenNames = new Set<string>();
  const out: VirtualHostWire[] = [];
  for (const vh of vhosts) {
    if (seenNames.has(vh.name)) continue;
    const domains = vh.domains.filter((d) => !seenDomains.has(d.toLowerCase()));
    if (domains.length === 0) continue;
    for (const d of domains) seenDomains.add(d.toLowerCase());
    seenNames.add(vh.name);
    out.push({ ...vh, domains });
  }
  return {
    name,
    virtual_hosts: out,
    validate_clusters: { value: false },
    max_direct_response_body_size_bytes: { value: MAX_DIRECT_RESPONSE_BODY_BYTES },
  };
}
