/**
 * The kinds the framework itself indexes (services, workloads, namespaces),
 * named by group and kind so the framework does not depend on which kinds are
 * registered yet. Analyzers may use these or the KindDefinitions from @skiff/api;
 * both match the same resources.
 */
import type { KindRef } from './analyzer.ts';

export const NamespaceRef: KindRef = { group: '', kind: 'Namespace' };
export const ServiceRef: KindRef = { group: '', kind: 'Service' };
export const PodRef: KindRef = { group: '', kind: 'Pod' };
export const SecretRef: KindRef = { group: '', kind: 'Secret' };
export const DeploymentRef: KindRef = { group: 'apps', kind: 'Deployment' };
export const ServiceEntryRef: KindRef = { group: 'networking.istio.io', kind: 'ServiceEntry' };
export const WorkloadEntryRef: KindRef = { group: 'networking.istio.io', kind: 'WorkloadEntry' };

export function sameKind(a: KindRef, b: KindRef): boolean {
  return a.group === b.group && a.kind === b.kind;
}
