/**
 * Locality-aware load balancing on a ClusterLoadAssignment (Istio's
 * loadbalancer.ApplyLocalityLoadBalancer). The setting in effect is the
 * DestinationRule's localityLbSetting, else the mesh's; `enabled: false`
 * on either turns it off. `distribute` rewrites locality weights for the
 * proxy's locality (`from`) and drops localities no `to` entry names;
 * otherwise, when the cluster has outlier detection (without it Envoy would
 * never fail over), localities get priorities by proximity to the proxy:
 * 0 same region/zone/subzone, 1 same zone, 2 same region, 3 elsewhere, 4
 * for regions a `failover` rule from the proxy's region does not name;
 * priorities are then renumbered without gaps, as Envoy requires.
 */
import type { LocalityLoadBalancerSetting } from '@skiff/api';
import type { MeshSettings } from '../../registry/mesh-settings.ts';
import type { Locality } from '../../registry/types.ts';
import type { LocalityLbEndpointsWire } from '../cluster/wire.ts';

type MutableLocalityEndpoints = { -readonly [K in keyof LocalityLbEndpointsWire]: LocalityLbEndpointsWire[K] };

/** Istio's GetLocalityLbSetting. */
export function localityLbSetting(mesh: MeshSettings, rule: LocalityLoadBalancerSetting | undefined): LocalityLoadBalancerSetting | undefined {
  if (rule) return rule.enabled === false ? undefined : rule;
  const meshSetting = mesh.localityLbSetting ?? { enabled: true };
  return meshSetting.enabled === false ? undefined : meshSetting;
}

export function applyLocalityLb(
  endpoints: readonly LocalityLbEndpointsWire[],
  proxyLocality: Locality,
  setting: LocalityLoadBalancerSetting | undefined,
  enableFailover: boolean,
): LocalityLbEndpointsWire[] {
  if (!setting) return [...endpoints];
  const out: MutableLocalityEndpoints[] = endpoints.map((e) => ({ ...e }));
  if (setting.distribute && setting.distribute.length > 0) {
    const rule = setting.distribute.find((d) => localityMatches(proxyLocality, d.from ?? ''));
    if (!rule) return out;
    const unmatched = new Set(out.map((_, i) => i));
    for (const [pattern, weight] of Object.entries(rule.to ?? {})) {
      const matched = [...unmatched].filter((i) => localityMatches(wireLocality(out[i]), pattern));
      const total = matched.reduce((sum, i) => sum + (out[i].load_balancing_weight?.value ?? 1), 0);
      for (const i of matched) {
        unmatched.delete(i);
        const w = ((out[i].load_balancing_weight?.value ?? 1) * weight) / total;
        if (w > 0) out[i].load_balancing_weight = { value: Math.ceil(w) };
      }
    }
    return out.filter((_, i) => !unmatched.has(i));
  }
  if (!enableFailover) return out;
  const priorities = out.map((e) => {
    const l = wireLocality(e);
    let p = lbPriority(proxyLocality, l);
    if (p === 3) {
      const rule = setting.failover?.find((f) => f.from === proxyLocality.region);
      if (rule && l.region !== rule.to) p = 4;
    }
    return p;
  });
  const dense = [...new Set(priorities)].sort((a, b) => a - b);
  out.forEach((e, i) => {
    const p = dense.indexOf(priorities[i]);
    if (p > 0) e.priority = p;
    else delete e.priority;
  });
  return out;
}

function wireLocality(e: LocalityLbEndpointsWire): Locality {
  return { region: e.locality?.region ?? '', zone: e.locality?.zone ?? '', subZone: e.locality?.sub_zone ?? '' };
}

function lbPriority(proxy: Locality, ep: Locality): number {
  if (proxy.region !== ep.region) return 3;
  if (proxy.zone !== ep.zone) return 2;
  return proxy.subZone === ep.subZone ? 0 : 1;
}

/** `region/zone/subzone` with `*` parts (Istio's LocalityMatch). */
function localityMatches(l: Locality, pattern: string): boolean {
  const parts = pattern.split('/');
  const values = [l.region, l.zone, l.subZone];
  return parts.every((p, i) => p === '*' || p === values[i]);
}
