/** Validators for networking.istio.io kinds, keyed by kind. */
import type { Validator } from '../validator.ts';
import { validateGateway } from './gateway.ts';
import { validateVirtualService } from './virtual-service.ts';
import { validateDestinationRule } from './destination-rule.ts';
import { validateServiceEntry } from './service-entry.ts';
import { validateSidecar } from './sidecar.ts';
import { validateWorkloadEntry } from './workload-entry.ts';
import { validateWorkloadGroup } from './workload-group.ts';
import { validateEnvoyFilter } from './envoy-filter.ts';

export const NETWORKING_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ['Gateway', validateGateway],
  ['VirtualService', validateVirtualService],
  ['DestinationRule', validateDestinationRule],
  ['ServiceEntry', validateServiceEntry],
  ['Sidecar', validateSidecar],
  ['WorkloadEntry', validateWorkloadEntry],
  ['WorkloadGroup', validateWorkloadGroup],
  ['EnvoyFilter', validateEnvoyFilter],
]);
