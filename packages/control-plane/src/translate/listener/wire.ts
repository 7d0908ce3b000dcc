/**
 * The Envoy v3 shapes the listener builders emit, in the object form
 * @skiff/api's codec encodes: proto field names in snake_case, wrappers as
 * `{value}`, durations as `{seconds, nanos}`, nested Anys as `{'@type', ...}`.
 * Only the fields Skiff sets are typed.
 */
import type { ProtoDuration } from '../cluster/wire.ts';

export interface BoolValue {
  readonly value: boolean;
}

export interface UInt32Value {
  readonly value: number;
}

/** A typed_config Any in JSON form. */
export interface TypedConfig {
  readonly '@type': string;
  readonly [field: string]: unknown;
}

export interface AddressWire {
  readonly socket_address: { readonly address: string; readonly port_value: number };
}

export interface CidrRangeWire {
  readonly address_prefix: string;
  readonly prefix_len: UInt32Value;
}

export interface FilterChainMatchWire {
  destination_port?: UInt32Value;
  prefix_ranges?: CidrRangeWire[];
  server_names?: string[];
  transport_protocol?: string;
  application_protocols?: string[];
}

export interface NetworkFilterWire {
  readonly name: string;
  readonly typed_config: TypedConfig;
}

export interface TransportSocketWire {
  readonly name: string;
  readonly typed_config: TypedConfig;
}

export interface FilterChainWire {
  name?: string;
  filter_chain_match?: FilterChainMatchWire;
  filters: NetworkFilterWire[];
  transport_socket?: TransportSocketWire;
}

/** envoy.config.listener.v3.ListenerFilterChainMatchPredicate, the forms Istio uses. */
export type ListenerFilterPredicateWire =
  | { readonly destination_port_range: { readonly start: number; readonly end: number } }
  | { readonly or_match: { readonly rules: ListenerFilterPredicateWire[] } }
  | { readonly not_match: ListenerFilterPredicateWire };

export interface ListenerFilterWire {
  readonly name: string;
  readonly typed_config: TypedConfig;
  readonly filter_disabled?: ListenerFilterPredicateWire;
}

export type TrafficDirection = 'INBOUND' | 'OUTBOUND';

/** envoy.config.listener.v3.Listener, the fields Skiff sets. */
export interface ListenerWire {
  name: string;
  address: AddressWire;
  traffic_direction: TrafficDirection;
  filter_chains: FilterChainWire[];
  default_filter_chain?: FilterChainWire;
  listener_filters?: ListenerFilterWire[];
  listener_filters_timeout?: ProtoDuration;
  continue_on_listener_filters_timeout?: boolean;
  use_original_dst?: BoolValue;
  bind_to_port?: BoolValue;
}
