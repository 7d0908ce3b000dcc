/**
 * Locality-aware load balancing on a ClusterLoadAssignment (Istio's
 * loadbalancer.ApplyLocalityLoadBalancer). The setting in effect is the
 * DestinationRule's localityLbSetting, else the mesh's; `enabled: false`
 * on either turns it off. `distribute` rewrites locality weights for the
 * proxy's locality (`from`) and drops localities no `to` entry names.
 * Otherwise, when the cluster has outlier detection (without it Envoy would
 * never fail over), endpoints get priorities:
 *
 *   - `failoverPriority` (a list of label names, or `name=value` to compare
 *     with a fixed value instead of the proxy's) ranks each endpoint by how
 *     long a prefix of the list it matches the proxy on: all of N labels →
 *     0, the first mismatch at label j → N - j. Each locality is split into
 *     one group per priority, with the weights of its endpoints. Endpoint
 *     and proxy labels include their topology (region, zone, subzone,
 *     network), so `topology.kubernetes.io/zone` works as in Istio. A proxy
 *     without labels gets no priorities from this step.
 *   - `failover` / proximity (alone, or after failoverPriority when both are
 *     set): 0 same region/zone/subzone, 1 same zone, 2 same region, 3
 *     elsewhere, 4 for regions that a `failover` rule from the proxy's
 *     region does not name; combined with a failoverPriority rank as
 *     rank × 5 + proximity.
 *
 * Priorities are renumbered without gaps, as Envoy requires.
 */
import type { LocalityLoadBalancerSetting } from '@skiff/api';
import type { MeshSettings } from '../../registry/mesh-settings.ts';
import type { Locality } from '../../registry/types.ts';
import type { LbEndpointWire, LocalityLbEndpointsWire } from '../cluster/wire.ts';

type MutableLocalityEndpoints = { -readonly [K in keyof LocalityLbEndpointsWire]: LocalityLbEndpointsWire[K] };

/** Istio's GetLocalityLbSetting. */
export function localityLbSetting(mesh: MeshSettings, rule: LocalityLoadBalancerSetting | undefined): LocalityLoadBalancerSetting | undefined {
  if (rule) return rule.enabled === false ? undefined : rule;
  const meshSetting = mesh.localityLbSetting ?? { enabled: true };
  return meshSetting.enabled === false ? undefined : meshSetting;
}

export interface LocalityLbInputs {
  readonly proxyLocality: Locality;
  /** The proxy's labels with its topology (withTopologyLabels). */
  readonly proxyLabels: Readonly<Record<string, string>>;
  readonly setting: LocalityLoadBalancerSetting | undefined;
  /** The cluster has outlier detection. */
  readonly enableFailover: boolean;
  /** Per locality, per lb endpoint, the endpoint's labels with topology; absent means no labels. */
  readonly endpointLabels?: readonly (readonly Readonly<Record<string, string>>[])[];
}

export function applyLocalityLb(endpoints: readonly LocalityLbEndpointsWire[], inputs: LocalityLbInputs): LocalityLbEndpointsWire[] {
  const { setting, proxyLocality } = inputs;
  if (!setting) return [...endpoints];
  let out: MutableLocalityEndpoints[] = endpoints.map((e) => ({ ...e }));
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
  if (!inputs.enableFailover) return out;
  const failoverPriority = setting.failoverPriority ?? [];
  if (failoverPriority.length > 0) {
    out = applyFailoverPriority(out, inputs, failoverPriority);
    if ((setting.failover?.length ?? 0) > 0) applyLocalityFailover(out, inputs);
    return out;
  }
  applyLocalityFailover(out, inputs);
  return out;
}

/** Istio's applyFailoverPriorities: split localities by label-match rank, then renumber. */
function applyFailoverPriority(localities: MutableLocalityEndpoints[], inputs: LocalityLbInputs, failoverPriority: readonly string[]): MutableLocalityEndpoints[] {
  if (Object.keys(inputs.proxyLabels).length === 0 || localities.length === 0) return localities;
  const rules = failoverPriority.map((entry) => {
    const eq = entry.indexOf('=');
    return eq < 0 ? { label: entry, value: undefined } : { label: entry.slice(0, eq), value: entry.slice(eq + 1) };
  });
  const lowest = rules.length;
  const rank = (labels: Readonly<Record<string, string>>): number => {
    for (let j = 0; j < rules.length; j++) {
      const wanted = rules[j].value ?? inputs.proxyLabels[rules[j].label];
      if (wanted !== labels[rules[j].label]) return lowest - j;
    }
    return 0;
  };
  const out: MutableLocalityEndpoints[] = [];
  localities.forEach((locality, i) => {
    const labels = inputs.endpointLabels?.[i] ?? [];
    const byRank = new Map<number, LbEndpointWire[]>();
    locality.lb_endpoints.forEach((ep, j) => {
      const r = rank(labels[j] ?? {});
      byRank.set(r, [...(byRank.get(r) ?? []), ep]);
    });
    for (const r of [...byRank.keys()].sort((a, b) => a - b)) {
      const lbEndpoints = byRank.get(r)!;
      out.push({ ...locality, lb_endpoints: lbEndpoints, load_balancing_weight: { value: lbEndpoints.reduce((s, e) => s + (e.load_balancing_weight?.value ?? 0), 0) }, priority: r });
    }
  });
  renumber(out, out.map((e) => e.priority ?? 0));
  return out;
}

/** Istio's applyLocalityFailover, on top of any failoverPriority rank already set. */
function applyLocalityFailover(localities: MutableLocalityEndpoints[], inputs: LocalityLbInputs): void {
  const { proxyLocality, setting } = inputs;
  const priorities = localities.map((e) => {
    const l = wireLocality(e);
    let p = lbPriority(proxyLocality, l);
    if (p === 3) {
      const rule = setting?.failover?.find((f) => f.from === proxyLocality.region);
      if (rule && l.region !== rule.to) p = 4;
    }
    return (e.priority ?? 0) * 5 + p;
  });
  renumber(localities, priorities);
}

/** Envoy wants priorities 0..N without gaps; 0 is left unset on the wire. */
function renumber(localities: MutableLocalityEndpoints[], priorities: readonly number[]): void {
  const dense = [...new Set(priorities)].sort((a, b) => a - b);
  localities.forEach((e, i) => {
    const p = dense.indexOf(priorities[i]);
    if (p > 0) e.priority = p;
    else delete e.priority;
  });
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
