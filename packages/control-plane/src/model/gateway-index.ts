/**
 * Gateways and the gateway workloads they configure: a Gateway applies to
 * every router proxy whose labels contain its selector, in any namespace
 * (Istio's default; PILOT_SCOPE_GATEWAY_TO_NAMESPACE is off).
 */
import type { Gateway } from '@skiff/api';
import { selectorMatches } from '../registry/labels.ts';

export interface GatewayEntry {
  readonly config: Gateway;
  /** `namespace/name`, the form VirtualServices bind to. */
  readonly ref: string;
}

export class GatewayIndex {
  readonly #all: readonly GatewayEntry[];

  constructor(gateways: readonly Gateway[]) {
    this.#all = gateways.map((g) => ({ config: g, ref: `${g.metadata.namespace ?? ''}/${g.metadata.name ?? ''}` }));
  }

  /** Gateways selecting a workload with these labels, oldest first. */
  forWorkload(labels: Readonly<Record<string, string>>): readonly GatewayEntry[] {
    return this.#all.filter((g) => selectorMatches(g.config.spec?.selector ?? {}, labels));
  }
}
