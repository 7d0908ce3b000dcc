/**
 * envoy.load_balancing_policies.least_request: power of N choices (N =
 * choice_count, default 2): N random hosts, the one with the fewest active
 * requests wins. Active requests are the host's rq_active counter, which the
 * router maintains.
 */
import { TypeUrl } from '@skiff/api';
import { fail, ok, type FieldPath } from '@skiff/common';
import { ParseErrors, WireReader } from '../../http/route-table/wire-reader.ts';
import { PrioritizedBalancer, type PickTable } from '../prioritized-balancer.ts';
import type { LbContext, LoadBalancerExtension } from '../types.ts';

export interface LeastRequestConfig {
  readonly choiceCount: number;
}
export const DEFAULT_LEAST_REQUEST: LeastRequestConfig = { choiceCount: 2 };

function leastRequestTable(config: LeastRequestConfig, ctx: LbContext): PickTable<null> {
  return {
    build: () => null,
    pick(_t, _hash, hosts) {
      let best = hosts[Math.floor(ctx.random.next() * hosts.length)];
      for (let i = 1; i < config.choiceCount; i++) {
        const h = hosts[Math.floor(ctx.random.next() * hosts.length)];
        if (h.stats.rq_active < best.stats.rq_active) best = h;
      }
      return best;
    },
  };
}

export const leastRequest: LoadBalancerExtension<LeastRequestConfig> = {
  name: 'envoy.load_balancing_policies.least_request',
  typeUrl: TypeUrl.LeastRequest,
  parseConfig(msg, at: FieldPath) {
    const r = new WireReader(new ParseErrors());
    const choiceCount = r.wrapped(msg, 'choice_count', at, 'number') ?? 2;
    if (choiceCount < 2) r.errors.add([...at, 'choice_count'], 'value must be greater than or equal to 2');
    return r.errors.list.length > 0 ? fail(...r.errors.list) : ok({ choiceCount });
  },
  create: (hosts, config, ctx) => new PrioritizedBalancer(hosts, leastRequestTable(config, ctx), ctx),
};
