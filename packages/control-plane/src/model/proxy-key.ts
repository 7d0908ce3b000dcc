/**
 * ProxyKey: a proxy reduced to what translation of its shared resources
 * (outbound clusters, endpoints, outbound routes) may read, so that the
 * thousand sidecars of one namespace share one cache key instead of a
 * thousand. It is a ProxyView, and the shared builders are handed this
 * reduced view, never the proxy: whatever the reduction drops, they cannot
 * read (STYLE §7 rule 4).
 *
 * What is kept:
 *   - type and namespace, always;
 *   - labels: all of them for gateways (Gateway selectors), and for a
 *     sidecar whenever some config could select on them: a Sidecar or
 *     DestinationRule with a workloadSelector in its namespace, a
 *     VirtualService match with sourceLabels, or a localityLbSetting with
 *     failoverPriority anywhere (its label names are arbitrary). Otherwise
 *     only the locality labels (locality load balancing reads them);
 *   - IP addresses: only their family (`['::']` for an IPv6-only proxy,
 *     `[]` otherwise), which is all a DNS cluster's lookup family reads.
 * Per-proxy parts (inbound clusters and listeners, which depend on the
 * proxy's own addresses and workload) are not built from a ProxyKey.
 */
import type { DestinationRule, LocalityLoadBalancerSetting, Sidecar, TrafficPolicy, VirtualService } from '@skiff/api';
import type { MeshSettings } from '../registry/mesh-settings.ts';
import { LOCALITY_LABEL, REGION_LABEL, SUBZONE_LABEL, ZONE_LABEL } from '../registry/locality.ts';
import { cacheSlot, type PushCache } from './push-cache.ts';
import type { Proxy } from './proxy.ts';

export interface ProxyKey {
  readonly type: Proxy['type'];
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ipAddresses: readonly string[];
}

/** What decides, per namespace, whether a sidecar's labels are kept. */
export interface ProxyKeyInputs {
  /** Namespaces with a Sidecar or DestinationRule that has a workloadSelector. */
  readonly selectingNamespaces: ReadonlySet<string>;
  /** Some VirtualService matches on sourceLabels, or some localityLbSetting has failoverPriority. */
  readonly labelsMatterEverywhere: boolean;
}

const LOCALITY_LABELS = [LOCALITY_LABEL, REGION_LABEL, ZONE_LABEL, SUBZONE_LABEL] as const;
const NO_ADDRESSES: readonly string[] = Object.freeze([]);
const IPV6_ONLY: readonly string[] = Object.freeze(['::']);

export function proxyKeyInputs(config: {
  sidecars: readonly Sidecar[];
  destinationRules: readonly DestinationRule[];
  virtualServices: readonly VirtualService[];
  mesh: MeshSettings;
}): ProxyKeyInputs {
  const selectingNamespaces = new Set<string>();
  for (const s of config.sidecars) if (s.spec?.workloadSelector) selectingNamespaces.add(s.metadata.namespace ?? '');
  for (const d of config.destinationRules) if (d.spec?.workloadSelector) selectingNamespaces.add(d.metadata.namespace ?? '');
  const sourceLabels = config.virtualServices.some((vs) =>
    [...(vs.spec?.http ?? []), ...(vs.spec?.tcp ?? []), ...(vs.spec?.tls ?? [])].some((r) => (r.match ?? []).some((m) => m.sourceLabels !== undefined)));
  const failoverPriority = hasFailoverPriority(config.mesh.localityLbSetting)
    || config.destinationRules.some((d) => policyHasFailoverPriority(d.spec?.trafficPolicy) || (d.spec?.subsets ?? []).some((s) => policyHasFailoverPriority(s.trafficPolicy)));
  return { selectingNamespaces, labelsMatterEverywhere: sourceLabels || failoverPriority };
}

const PROXY_KEY = cacheSlot<ProxyKey, ProxyKey>('proxy keys', (key) => ({ ...key }));

export function reduceProxy<P>(proxy: ProxyKey, inputs: ProxyKeyInputs, cache: PushCache<P>): ProxyKey {
  const keepAll = proxy.type === 'router' || inputs.labelsMatterEverywhere || inputs.selectingNamespaces.has(proxy.namespace);
  let labels: Record<string, string> = proxy.labels;
  if (!keepAll) {
    labels = {};
    for (const name of LOCALITY_LABELS) if (proxy.labels[name] !== undefined) labels[name] = proxy.labels[name];
  }
  const ipv6Only = proxy.ipAddresses.length > 0 && proxy.ipAddresses.every((ip) => ip.includes(':'));
  return cache.getOrBuild(PROXY_KEY, {
    type: proxy.type,
    namespace: proxy.namespace,
    labels: cache.internLabels(labels),
    ipAddresses: ipv6Only ? IPV6_ONLY : NO_ADDRESSES,
  });
}

function policyHasFailoverPriority(policy: TrafficPolicy | undefined): boolean {
  return hasFailoverPriority(policy?.loadBalancer?.localityLbSetting)
    || (policy?.portLevelSettings ?? []).some((p) => hasFailoverPriority(p.loadBalancer?.localityLbSetting));
}

function hasFailoverPriority(setting: LocalityLoadBalancerSetting | undefined): boolean {
  return (setting?.failoverPriority?.length ?? 0) > 0;
}
