/**
 * envoy.load_balancing_policies.round_robin: hosts in turn, weighted by
 * their load_balancing_weight (smooth weighted round robin, which spreads a
 * heavy host's turns instead of bunching them, as Envoy's EDF scheduler
 * does). The starting position is random per table, as Envoy seeds it.
 */
import { TypeUrl } from '@skiff/api';
import { ok } from '@skiff/common';
import type { Host } from '../../upstream/host.ts';
import { PrioritizedBalancer, type PickTable } from '../prioritized-balancer.ts';
import type { LbContext, LoadBalancerExtension } from '../types.ts';

export type RoundRobinConfig = Readonly<Record<string, never>>;
export const DEFAULT_ROUND_ROBIN: RoundRobinConfig = {};

interface RoundRobinTable {
  next: number;
  readonly weighted: boolean;
  readonly current: number[];
  readonly totalWeight: number;
}

function roundRobinTable(ctx: LbContext): PickTable<RoundRobinTable> {
  return {
    build(hosts: readonly Host[]): RoundRobinTable {
      const weighted = hosts.some((h) => h.weight !== hosts[0].weight);
      return {
        next: Math.floor(ctx.random.next() * Math.max(1, hosts.length)),
        weighted,
        current: hosts.map(() => 0),
        totalWeight: hosts.reduce((s, h) => s + h.weight, 0),
      };
    },
    pick(t, _hash, hosts) {
      if (!t.weighted) return hosts[t.next++ % hosts.length];
      let best = 0;
      for (let i = 0; i < hosts.length; i++) {
        t.current[i] += hosts[i].weight;
        if (t.current[i] > t.current[best]) best = i;
      }
      t.current[best] -= t.totalWeight;
      return hosts[best];
    },
  };
}

export const roundRobin: LoadBalancerExtension<RoundRobinConfig> = {
  name: 'envoy.load_balancing_policies.round_robin',
  typeUrl: TypeUrl.RoundRobin,
  parseConfig: () => ok(DEFAULT_ROUND_ROBIN),
  create: (hosts, _config, ctx) => new PrioritizedBalancer(hosts, roundRobinTable(ctx), ctx),
};
