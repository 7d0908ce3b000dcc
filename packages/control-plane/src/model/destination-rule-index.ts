/**
 * DestinationRules by host, with Istio's lookup precedence
 * (PushContext.destinationRule): rules in the proxy's namespace first
 * (whatever their exportTo, unless `~`), then rules exported from the
 * service's namespace, then rules exported from the root namespace; inside
 * each namespace the most specific host wins (exact, then the longest
 * wildcard). Several rules for one host in one namespace with the same
 * exportTo and workload selector are merged as Istio merges them: the
 * oldest rule's top-level traffic policy wins (a later one only fills it in
 * when absent), subsets are concatenated and a duplicate subset name keeps
 * the first. A rule with a workloadSelector applies only to the matching
 * workloads of its own namespace, ahead of rules without one.
 */
import type { DestinationRule, DestinationRuleSpec, Subset } from '@skiff/api';
import { exportToKey, isPrivateTo, isVisibleTo, parseExportTo, type ExportTo } from '../registry/export-to.ts';
import { mostSpecificHostMatch, resolveShortName } from '../registry/host.ts';
import { labelsKey, selectorMatches } from '../registry/labels.ts';
import type { MeshSettings } from '../registry/mesh-settings.ts';

/** One or more DestinationRules for a host, merged. */
export interface MergedDestinationRule {
  /** The resolved host (FQDN or wildcard). */
  readonly host: string;
  readonly namespace: string;
  readonly spec: DestinationRuleSpec;
  readonly exportTo: ExportTo;
  /** `namespace/name` of every rule merged in, oldest first. */
  readonly from: readonly string[];
  readonly workloadSelector: Readonly<Record<string, string>> | undefined;
}

interface MutableRule {
  host: string;
  namespace: string;
  spec: DestinationRuleSpec;
  exportTo: ExportTo;
  from: string[];
  workloadSelector: Readonly<Record<string, string>> | undefined;
}

/** host → rules for that host in one namespace, in creation order. */
type HostRules = Map<string, MutableRule[]>;

export class DestinationRuleIndex {
  /** namespace → every rule visible inside its own namespace. */
  readonly #local = new Map<string, HostRules>();
  /** namespace → rules exported beyond their own namespace. */
  readonly #exported = new Map<string, HostRules>();
  readonly #rootNamespace: string;

  /** `rules` oldest first. */
  constructor(rules: readonly DestinationRule[], mesh: MeshSettings) {
    this.#rootNamespace = mesh.rootNamespace;
    for (const dr of rules) {
      const namespace = dr.metadata.namespace ?? '';
      const spec = dr.spec ?? {};
      const exportTo = parseExportTo(spec.exportTo, namespace, mesh.defaultDestinationRuleExportTo);
      const rule: MutableRule = {
        host: resolveShortName(spec.host ?? '', namespace, mesh.clusterDomain),
        namespace,
        spec,
        exportTo,
        from: [`${namespace}/${dr.metadata.name ?? ''}`],
        workloadSelector: spec.workloadSelector?.matchLabels,
      };
      if (exportTo.all || exportTo.namespaces.has(namespace)) merge(forNamespace(this.#local, namespace), rule);
      if (!isPrivateTo(exportTo, namespace) && (exportTo.all || exportTo.namespaces.size > 0)) merge(forNamespace(this.#exported, namespace), { ...rule, from: [...rule.from] });
    }
  }

  /**
   * The rule for traffic from a workload (namespace, labels) to a service
   * host declared in `serviceNamespace`.
   */
  lookup(proxyNamespace: string, proxyLabels: Readonly<Record<string, string>>, hostname: string, serviceNamespace: string): MergedDestinationRule | undefined {
    if (proxyNamespace !== this.#rootNamespace) {
      const found = pick(this.#local.get(proxyNamespace), hostname, proxyLabels, () => true);
      if (found) return found;
    }
    const visible = (r: MutableRule) => isVisibleTo(r.exportTo, proxyNamespace);
    for (const ns of [serviceNamespace, this.#rootNamespace]) {
      const rules = ns === proxyNamespace ? this.#local.get(ns) : this.#exported.get(ns);
      const found = pick(rules, hostname, ns === proxyNamespace ? proxyLabels : undefined, ns === proxyNamespace ? () => true : visible);
      if (found) return found;
    }
    return undefined;
  }
}

function forNamespace(map: Map<string, HostRules>, namespace: string): HostRules {
  let rules = map.get(namespace);
  if (!rules) map.set(namespace, (rules = new Map()));
  return rules;
}

function pick(
  rules: HostRules | undefined,
  hostname: string,
  labels: Readonly<Record<string, string>> | undefined,
  visible: (r: MutableRule) => boolean,
): MergedDestinationRule | undefined {
  if (!rules) return undefined;
  const host = mostSpecificHostMatch(hostname, rules);
  if (host === undefined) return undefined;
  const candidates = rules.get(host)!.filter(visible);
  // Selector rules only apply to workloads of the same namespace (labels given).
  const selected = labels ? candidates.find((r) => r.workloadSelector && selectorMatches(r.workloadSelector, labels)) : undefined;
  return selected ?? candidates.find((r) => !r.workloadSelector);
}

function merge(rules: HostRules, incoming: MutableRule): void {
  const list = rules.get(incoming.host);
  if (!list) {
    rules.set(incoming.host, [incoming]);
    return;
  }
  const same = list.find((r) => exportToKey(r.exportTo) === exportToKey(incoming.exportTo) && labelsKey(r.workloadSelector) === labelsKey(incoming.workloadSelector));
  if (!same) {
    list.push(incoming);
    return;
  }
  const names = new Set((same.spec.subsets ?? []).map((s) => s.name));
  const added: Subset[] = (incoming.spec.subsets ?? []).filter((s) => !names.has(s.name));
  same.spec = {
    ...same.spec,
    subsets: [...(same.spec.subsets ?? []), ...added],
    ...(same.spec.trafficPolicy === undefined && incoming.spec.trafficPolicy !== undefined ? { trafficPolicy: incoming.spec.trafficPolicy } : {}),
  };
  same.from.push(...incoming.from);
}
