/**
 * Messages shared by Istio's policy kinds (istio.type.v1beta1): which
 * workloads a policy applies to, by labels or by a reference to a Gateway
 * API / Service object.
 */
import { map, message, string } from '../schema/builders.ts';
import type { Infer } from '../schema/schema.ts';

export const WorkloadSelector = message('istio.type.v1beta1.WorkloadSelector', {
  matchLabels: map(string()),
}, { misspellings: { labels: 'security and telemetry policies select workloads with matchLabels (labels is the Sidecar/EnvoyFilter spelling)' } });
export type WorkloadSelector = Infer<typeof WorkloadSelector>;

export const PolicyTargetReference = message('istio.type.v1beta1.PolicyTargetReference', {
  group: string(),
  kind: string(),
  name: string(),
  namespace: string(),
});
export type PolicyTargetReference = Infer<typeof PolicyTargetReference>;
