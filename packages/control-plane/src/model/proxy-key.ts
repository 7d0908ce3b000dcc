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
 *   - labels: all of them for gateways (Gateway selectors) and, for
 *     sidecars, wherever any label may matter: a VirtualService match with
 *     sourceLabels or a localityLbSetting with failoverPriority anywhere
 *     (their label names are arbitrary). Otherwise a sidecar keeps the
 *     locality labels (locality load balancing reads them) and, of the
 *     workloadSelectors of Sidecars and DestinationRules in its namespace,
 *     the pairs of those that select it. A selector then matches the
 *     reduced labels exactly when it matches the proxy's (its pairs are
 *     either all among the selected ones' pairs, hence the proxy's, or it
 *     did not match), so proxies the same selectors pick share a key, as
 *     Istio shares a SidecarScope among the proxies one Sidecar selects;
 *   - IP addresses: only their family (`['::']` for an IPv6-only proxy,
 *     `[]` otherwise), which is all a DNS cluster's lookup family reads.
 * Per-proxy parts (inbound clusters and listeners, which depend on the
 * proxy's own addresses and workload) are not built from a ProxyKey.
 */
import type { DestinationRule, LocalityLoadBalancerSetting, Sidecar, TrafficPolicy, VirtualService } from '@skiff/api';
import type { MeshSettings } from '../registry/mesh-settings.ts';
import { LOCALITY_LABEL, REGION_LABEL, SUBZONE_LABEL, ZONE_LABEL } from '../registry/locality.ts';
import { cacheSlot, type PushCache } from './push-cache.ts';
import { selectorMatches } from '../registry/labels.ts';
import type { Proxy } from './proxy.ts';

export interface ProxyKey {
  readonly type: Proxy['type'];
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ipAddresses: readonly string[];
}

/** What decides, per namespace, whether a sidecar's labels are kept. */
export interface ProxyKeyInputs {
  /** Namespace → the workloadSelectors of its Sidecars and DestinationRules. */
  readonly selectingNamespaces: ReadonlyMap<string, readonly Readonly<Record<string, string>>[]>;
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
  const selectingNamespaces = new Map<string, Readonly<Record<string, string>>[]>();
  const selects = (namespace: string, selector: Readonly<Record<string, string>> | undefined) => {
    if (!selector) return;
    let list = selectingNamespaces.get(namespace);
    if (!list) selectingNamespaces.set(namespace, (list = []));
    list.push(selector);
  };
  for (const s of config.sidecars) selects(s.metadata.namespace ?? '', s.spec?.workloadSelector?.labels);
  for (const d of config.destinationRules) selects(d.metadata.namespace ?? '', d.spec?.workloadSelector?.matchLabels);
  const sourceLabels = config.virtualServices.some((vs) =>
    [...(vs.spec?.http ?? []), ...(vs.spec?.tcp ?? []), ...(vs.spec?.tls ?? [])].some((r) => (r.match ?? []).some((m) => m.sourceLabels !== undefined)));
  const failoverPriority = hasFailoverPriority(config.mesh.localityLbSetting)
    || config.destinationRules.some((d) => policyHasFailoverPriority(d.spec?.trafficPolicy) || (d.spec?.subsets ?? []).some((s) => policyHasFailoverPriority(s.trafficPolicy)));
  return { selectingNamespaces, labelsMatterEverywhere: sourceLabels || failoverPriority };
}

const PROXY_KEY = cacheSlot<ProxyKey, ProxyKey>('proxy keys', (key) => ({ ...key }));

export function reduceProxy<P>(proxy: ProxyKey, inputs: ProxyKeyInputs, cache: PushCache<P>): ProxyKey {
  const keepAll = proxy.type === 'router' || inputs.labelsMatterEverywhere;
  let labels: Record<string, string> = proxy.labels;
  if (!keepAll) {
    labels = {};
    for (const name of LOCALITY_LABELS) if (proxy.labels[name] !== undefined) labels[name] = proxy.labels[name];
    for (const selector of inputs.selectingNamespaces.get(proxy.namespace) ?? []) {
      if (selectorMatches(selector, proxy.labels)) Object.assign(labels, selector);
    }
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
