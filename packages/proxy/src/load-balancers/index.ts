/**
 * The load-balancing policies, in the one visible list, keyed by their
 * envoy.extensions.load_balancing_policies.* type URL. Clusters resolve
 * load_balancing_policy.policies[] against this registry (the first
 * registered type URL wins); the legacy lb_policy enum was converted to the
 * same typed form at CDS decode.
 */
import { ExtensionRegistry } from '../extensions/registry.ts';
import { leastRequest } from './least-request/index.ts';
import { maglev } from './maglev/index.ts';
import { randomLb } from './random/index.ts';
import { ringHash } from './ring-hash/index.ts';
import { roundRobin } from './round-robin/index.ts';
import type { AnyLoadBalancerExtension } from './types.ts';

export const BUILTIN_LOAD_BALANCERS: readonly AnyLoadBalancerExtension[] = [roundRobin, leastRequest, randomLb, ringHash, maglev];

export function createLoadBalancerRegistry(builtins: readonly AnyLoadBalancerExtension[] = BUILTIN_LOAD_BALANCERS): ExtensionRegistry<AnyLoadBalancerExtension> {
  return new ExtensionRegistry('load balancing policies', builtins);
}

export type * from './types.ts';
export { hash32 } from './hash.ts';
export { priorityLoads } from './prioritized-balancer.ts';
export { roundRobin, leastRequest, randomLb, ringHash, maglev };
