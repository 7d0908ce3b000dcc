/** envoy.load_balancing_policies.random: a uniformly random healthy host (weights ignored, as in Envoy). */
import { TypeUrl } from '@skiff/api';
import { ok } from '@skiff/common';
import { PrioritizedBalancer, type PickTable } from '../prioritized-balancer.ts';
import type { LbContext, LoadBalancerExtension } from '../types.ts';

export type RandomConfig = Readonly<Record<string, never>>;
export const DEFAULT_RANDOM: RandomConfig = {};

/** Ignores any request hash: random means random. */
function randomTable(ctx: LbContext): PickTable<null> {
  return { build: () => null, pick: (_t, _hash, hosts) => hosts[Math.floor(ctx.random.next() * hosts.length)] };
}

export const randomLb: LoadBalancerExtension<RandomConfig> = {
  name: 'envoy.load_balancing_policies.random',
  typeUrl: TypeUrl.Random,
  parseConfig: () => ok(DEFAULT_RANDOM),
  create: (hosts, _config, ctx) => new PrioritizedBalancer(hosts, randomTable(ctx), ctx),
};
