/**
 * The HTTP filter extension descriptor (STYLE.md §3): Envoy's
 * extensions_metadata fields plus the typed hooks. parseConfig runs once
 * when LDS/RDS arrives (errors NACK); createFactory builds the shared state
 * once per config and returns the per-stream constructor.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { Clock, FieldPath, Random, Result } from '@skiff/common';
import type { StatsRegistry } from '../../stats/index.ts';
import type { ClusterLookup } from '../../upstream/cluster-manager.ts';
import type { HttpFilter, StreamContext } from './filter.ts';

export interface FilterFactoryContext {
  readonly clock: Clock;
  readonly random: Random;
  readonly stats: StatsRegistry;
  /** The HCM's stat_prefix (`http.<prefix>.…`, `fault.<prefix>.…`). */
  readonly statPrefix: string;
  readonly clusters: ClusterLookup;
  /** The filter's configured name (typed_per_filter_config key). */
  readonly filterName: string;
  /** The listener's traffic_direction (Envoy's listener info; Istio's stats reporter). */
  readonly trafficDirection?: 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND';
}

export type FilterFactory = (stream: StreamContext) => HttpFilter;

export interface HttpFilterExtension<Config, PerRoute = never> {
  /** Envoy canonical name: 'envoy.filters.http.fault'. */
  readonly name: string;
  /** Registry key: typed_config @type. */
  readonly typeUrl: string;
  /** typed_per_filter_config @type, if supported. */
  readonly perRouteTypeUrl?: string;
  /** Only the router. */
  readonly terminal?: boolean;
  readonly status: 'stable' | 'alpha';
  parseConfig(msg: WireMessage, at: FieldPath): Result<Config>;
  parsePerRouteConfig?(msg: WireMessage, at: FieldPath): Result<PerRoute>;
  createFactory(config: Config, ctx: FilterFactoryContext): FilterFactory;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds extensions of every config type
export type AnyHttpFilterExtension = HttpFilterExtension<any, any>;
