/**
 * envoy.load_balancing_policies.maglev: Google's Maglev lookup table
 * (table_size entries, default 65537, a prime). Each host walks its own
 * permutation of the table (offset and skip from two hashes of its key) and
 * claims free slots, more often in proportion to its weight; a request's
 * hash indexes the table. Faster to pick than a ring, with slightly more
 * disruption on host changes.
 */
import { TypeUrl } from '@skiff/api';
import { fail, ok, type FieldPath } from '@skiff/common';
import { ParseErrors, WireReader } from '../../http/route-table/wire-reader.ts';
import { uint64Value } from '../uint64-value.ts';
import type { Host } from '../../upstream/host.ts';
import { hash32 } from '../hash.ts';
import { PrioritizedBalancer, type PickTable } from '../prioritized-balancer.ts';
import type { LoadBalancerExtension } from '../types.ts';

export interface MaglevConfig {
  readonly tableSize: number;
  /** The typed policy's locality_weighted_lb_config (the legacy form sets common_lb_config's). */
  readonly localityWeighted?: boolean;
}
export const DEFAULT_MAGLEV: MaglevConfig = { tableSize: 65537 };

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let i = 2; i * i <= n; i++) if (n % i === 0) return false;
  return true;
}

function maglevTable(config: MaglevConfig): PickTable<(Host | undefined)[]> {
  return {
    localityWeightsAsHostWeights: true,
    build(hosts, weights) {
      const size = config.tableSize;
      const table: (Host | undefined)[] = new Array(size);
      if (hosts.length === 0) return table;
      const weightOf = (i: number) => weights?.[i] ?? hosts[i].weight;
      const maxWeight = hosts.reduce((m, _h, i) => Math.max(m, weightOf(i)), 0);
      const offset = hosts.map((h) => hash32(h.key, 0x9747b28c) % size);
      const skip = hosts.map((h) => (hash32(h.key, 0x5bd1e995) % (size - 1)) + 1);
      const next = hosts.map(() => 0);
      const credit = hosts.map(() => 0);
      let filled = 0;
      while (filled < size) {
        for (let i = 0; i < hosts.length && filled < size; i++) {
          credit[i] += weightOf(i) / maxWeight;
          while (credit[i] >= 1 && filled < size) {
            credit[i] -= 1;
            let slot = (offset[i] + next[i] * skip[i]) % size;
            while (table[slot] !== undefined) {
              next[i]++;
              slot = (offset[i] + next[i] * skip[i]) % size;
            }
            table[slot] = hosts[i];
            next[i]++;
            filled++;
          }
        }
      }
      return table;
    },
    pick: (table, hash) => table[hash % table.length] ?? null,
  };
}

export const maglev: LoadBalancerExtension<MaglevConfig> = {
  name: 'envoy.load_balancing_policies.maglev',
  typeUrl: TypeUrl.Maglev,
  parseConfig(msg, at: FieldPath) {
    const r = new WireReader(new ParseErrors());
    const tableSize = uint64Value(r, msg, 'table_size', at) ?? DEFAULT_MAGLEV.tableSize;
    if (!isPrime(tableSize)) r.errors.add([...at, 'table_size'], `The table size of maglev must be prime number`);
    if (tableSize > 5000011) r.errors.add([...at, 'table_size'], 'value must be less than or equal to 5000011');
    const localityWeighted = r.object(msg, 'locality_weighted_lb_config', at) !== undefined;
    return r.errors.list.length > 0 ? fail(...r.errors.list) : ok({ tableSize, ...(localityWeighted ? { localityWeighted } : {}) });
  },
  create: (hosts, config, ctx) => new PrioritizedBalancer(hosts, maglevTable(config), config.localityWeighted ? { ...ctx, localityWeightedLb: true } : ctx),
};
