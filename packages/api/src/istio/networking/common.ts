/** Messages several networking.istio.io kinds share: selectors and the port selector. */
import { map, message, uint32, string } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';

/** istio.networking.v1alpha3.WorkloadSelector (Sidecar, EnvoyFilter, ServiceEntry): `labels`. */
export const NetworkingWorkloadSelector = message('istio.networking.v1alpha3.WorkloadSelector', {
  labels: map(string()),
});
export type NetworkingWorkloadSelector = Infer<typeof NetworkingWorkloadSelector>;

/** istio.type.v1beta1.WorkloadSelector (DestinationRule): `matchLabels`. */
export const DestinationRuleWorkloadSelector = message('istio.type.v1beta1.WorkloadSelector', {
  matchLabels: map(string()),
});
export type DestinationRuleWorkloadSelector = Infer<typeof DestinationRuleWorkloadSelector>;

/** istio.networking.v1alpha3.PortSelector. */
export const PortSelector = message('istio.networking.v1alpha3.PortSelector', {
  number: uint32(),
});
export type PortSelector = Infer<typeof PortSelector>;
