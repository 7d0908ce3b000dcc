/**
 * Workload instances, the things selectors select. Istio's analyzers look at
 * Pods; Skiff's local runtime creates the pods from Deployments, so a
 * Deployment's pod template counts as one workload too, as does a
 * WorkloadEntry. Gateway pods the mesh installs come from mesh-defaults.ts.
 */
import type { AnalyzedResource } from './analyzer.ts';

export interface Workload {
  readonly namespace: string;
  /** The Pod's name, or the Deployment's / WorkloadEntry's name. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Container names and images; empty for WorkloadEntries. */
  readonly containers: readonly { readonly name: string; readonly image?: string }[];
  readonly hostNetwork: boolean;
  /** The resource it comes from; absent for the mesh's own gateways. */
  readonly resource?: AnalyzedResource;
}

/** Map-equality selection (`selector`, `workloadSelector.labels`): every key must be present with the same value. */
export function selectorMatches(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Kubernetes' SelectorFromSet(...).String(): `k1=v1,k2=v2`, keys sorted. */
export function selectorString(selector: Readonly<Record<string, string>>): string {
  return Object.keys(selector).sort().map((k) => `${k}=${selector[k]}`).join(',');
}
