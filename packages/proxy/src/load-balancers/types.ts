/**
 * The load-balancer contract (STYLE.md §4): an extension keyed by its
 * load_balancing_policies type URL parses its config once and creates a
 * LoadBalancer per cluster. The balancer reacts to host changes on the slow
 * path and publishes an immutable HostPicker; the router calls
 * `picker.pick` synchronously per attempt. `null` means no healthy upstream
 * (503, response flag UH). Balancers see health only through the HostSets.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { Clock, FieldPath, Random, Result } from '@skiff/common';
import type { Host } from '../upstream/host.ts';
import type { HostSetChange, PrioritySet } from '../upstream/priority-set.ts';

export interface LbContext {
  readonly clock: Clock;
  readonly random: Random;
  /** Percent of healthy hosts in a priority below which it is in panic (all hosts used); Envoy's default 50, 0 disables. */
  readonly healthyPanicThresholdPercent: number;
  /** common_lb_config.locality_weighted_lb_config: choose a locality by effective weight, then a host in it. */
  readonly localityWeightedLb?: boolean;
}

/** What the router tells the picker about one attempt. */
export interface LbRequestContext {
  /** The request's hash (hash policies), for ring hash and maglev; undefined picks at random. */
  readonly hashKey: number | undefined;
  /** Retry host predicates (previous_hosts): true asks the picker to try another host. */
  shouldSelectAnotherHost(host: Host): boolean;
  /** How many times to re-pick when the predicate rejects a host; Envoy's default 1. */
  readonly hostSelectionRetryMaxAttempts: number;
  /** The downstream connection's original destination (Envoy's downstreamConnection()->localAddress()), for ORIGINAL_DST clusters. */
  readonly originalDestination?: { readonly address: string; readonly port: number };
  /** A downstream request header (lower-case name), for ORIGINAL_DST's use_http_header; absent on TCP. */
  downstreamHeader?(name: string): string | undefined;
}

export interface HostPicker {
  pick(req: LbRequestContext | null): Host | null;
}

export interface LoadBalancer {
  readonly picker: HostPicker;
  onHostsChanged(change: HostSetChange): void;
  destroy(): void;
}

export interface LoadBalancerExtension<Config> {
  /** `envoy.load_balancing_policies.round_robin` */
  readonly name: string;
  readonly typeUrl: string;
  parseConfig(msg: WireMessage, at: FieldPath): Result<Config>;
  create(hosts: PrioritySet, config: Config, ctx: LbContext): LoadBalancer;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds extensions of every config type
export type AnyLoadBalancerExtension = LoadBalancerExtension<any>;
