/**
 * envoy.load_balancing_policies.ring_hash (Ketama-style consistent hashing):
 * each host gets ring entries in proportion to its weight, at least
 * minimum_ring_size entries in all (default 1024, capped by
 * maximum_ring_size, default 8M); a request's hash picks the first entry at
 * or after it. Adding or removing one host moves only its share of keys.
 */
import { TypeUrl } from '@skiff/api';
import { fail, ok, type FieldPath } from '@skiff/common';
import { ParseErrors, WireReader } from '../../http/route-table/wire-reader.ts';
import { uint64Value } from '../uint64-value.ts';
import type { Host } from '../../upstream/host.ts';
import { hash32 } from '../hash.ts';
import { PrioritizedBalancer, type PickTable } from '../prioritized-balancer.ts';
import type { LoadBalancerExtension } from '../types.ts';

export interface RingHashConfig {
  readonly minimumRingSize: number;
  readonly maximumRingSize: number;
  /** The typed policy's locality_weighted_lb_config (the legacy form sets common_lb_config's). */
  readonly localityWeighted?: boolean;
}
export const DEFAULT_RING_HASH: RingHashConfig = { minimumRingSize: 1024, maximumRingSize: 8 * 1024 * 1024 };

interface Ring {
  readonly hashes: Uint32Array;
  readonly hosts: readonly Host[];
}

function ringTable(config: RingHashConfig): PickTable<Ring> {
  return {
    localityWeightsAsHostWeights: true,
    build(hosts, weights) {
      if (hosts.length === 0) return { hashes: new Uint32Array(0), hosts: [] };
      const weightOf = (h: Host, i: number) => weights?.[i] ?? h.weight;
      const total = hosts.reduce((s, h, i) => s + weightOf(h, i), 0);
      const min = hosts.reduce((m, h, i) => Math.min(m, weightOf(h, i) / total), 1);
      const scale = Math.min(Math.ceil(min * config.minimumRingSize) / min, config.maximumRingSize);
      const entries: { hash: number; host: Host }[] = [];
      for (const [i, host] of hosts.entries()) {
        const count = Math.max(1, Math.floor((scale * weightOf(host, i)) / total));
        for (let i = 0; i < count; i++) entries.push({ hash: hash32(`${host.key}_${i}`), host });
      }
      entries.sort((a, b) => a.hash - b.hash);
      return { hashes: Uint32Array.from(entries.map((e) => e.hash)), hosts: entries.map((e) => e.host) };
    },
    pick(ring, hash) {
      const { hashes } = ring;
      if (hashes.length === 0) return null;
      let lo = 0;
      let hi = hashes.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (hashes[mid] < hash) lo = mid + 1;
        else hi = mid;
      }
      return ring.hosts[lo === hashes.length ? 0 : lo];
    },
  };
}

export const ringHash: LoadBalancerExtension<RingHashConfig> = {
  name: 'envoy.load_balancing_policies.ring_hash',
  typeUrl: TypeUrl.RingHash,
  parseConfig(msg, at: FieldPath) {
    const r = new WireReader(new ParseErrors());
    const minimumRingSize = uint64Value(r, msg, 'minimum_ring_size', at) ?? DEFAULT_RING_HASH.minimumRingSize;
    const maximumRingSize = uint64Value(r, msg, 'maximum_ring_size', at) ?? DEFAULT_RING_HASH.maximumRingSize;
    if (maximumRingSize > 8 * 1024 * 1024) r.errors.add([...at, 'maximum_ring_size'], 'value must be less than or equal to 8388608');
    if (minimumRingSize > maximumRingSize) r.errors.add([...at, 'minimum_ring_size'], `ring hash: minimum_ring_size (${minimumRingSize}) > maximum_ring_size (${maximumRingSize})`);
    const fn = msg.hash_function;
    if (fn !== undefined && fn !== 'XX_HASH' && fn !== 'DEFAULT_HASH' && fn !== 0) r.errors.add([...at, 'hash_function'], `hash function ${String(fn)} is not supported`);
    const localityWeighted = r.object(msg, 'locality_weighted_lb_config', at) !== undefined;
    return r.errors.list.length > 0 ? fail(...r.errors.list) : ok({ minimumRingSize, maximumRingSize, ...(localityWeighted ? { localityWeighted } : {}) });
  },
  create: (hosts, config, ctx) => new PrioritizedBalancer(hosts, ringTable(config), config.localityWeighted ? { ...ctx, localityWeightedLb: true } : ctx),
};
