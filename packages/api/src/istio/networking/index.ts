/** networking.istio.io kinds. */
import type { KindDefinition } from '../../kind.ts';
import { GatewayKind } from './gateway.ts';
import { VirtualServiceKind } from './virtual-service.ts';
import { DestinationRuleKind } from './destination-rule.ts';
import { ServiceEntryKind } from './service-entry.ts';
import { SidecarKind } from './sidecar.ts';
import { WorkloadEntryKind } from './workload-entry.ts';
import { WorkloadGroupKind } from './workload-group.ts';
import { EnvoyFilterKind } from './envoy-filter.ts';

export * from './common.ts';
export * from './gateway.ts';
export * from './virtual-service.ts';
export * from './destination-rule.ts';
export * from './service-entry.ts';
export * from './sidecar.ts';
export * from './workload-entry.ts';
export * from './workload-group.ts';
export * from './envoy-filter.ts';

export const NETWORKING_KINDS: readonly KindDefinition[] = [
  GatewayKind,
  VirtualServiceKind,
  DestinationRuleKind,
  ServiceEntryKind,
  SidecarKind,
  WorkloadEntryKind,
  WorkloadGroupKind,
  EnvoyFilterKind,
];
