/**
 * The Envoy v3 route shapes (envoy.config.route.v3.RouteConfiguration and
 * what it contains) the route builders emit, in the object form @skiff/api's
 * codec encodes: proto field names in snake_case, wrappers as `{value}`,
 * durations as `{seconds, nanos}`, typed_per_filter_config values as
 * `{'@type', ...}` and packed Anys as `{type_url, value}`. Only the fields
 * Skiff sets are typed.
 */
import type { HashPolicyWire } from '../cluster/hash-policy.ts';
import type { ProtoDuration } from '../cluster/wire.ts';

export type { ProtoDuration, HashPolicyWire };

export interface FractionalPercentWire {
  readonly numerator: number;
  readonly denominator: 'HUNDRED' | 'TEN_THOUSAND' | 'MILLION';
}

export type RegexMatcherWire = { readonly regex: string };

export type StringMatcherWire =
  | { readonly exact: string; readonly ignore_case?: boolean }
  | { readonly prefix: string; readonly ignore_case?: boolean }
  | { readonly safe_regex: RegexMatcherWire };

export interface HeaderMatcherWire {
  readonly name: string;
  readonly string_match?: StringMatcherWire;
  readonly present_match?: boolean;
  readonly invert_match?: boolean;
}

export interface QueryParameterMatcherWire {
  readonly name: string;
  readonly string_match?: StringMatcherWire;
  readonly present_match?: boolean;
}

export interface RouteMatchWire {
  readonly prefix?: string;
  readonly path?: string;
  readonly safe_regex?: RegexMatcherWire;
  readonly path_separated_prefix?: string;
  readonly case_sensitive?: { readonly value: boolean };
  readonly headers?: readonly HeaderMatcherWire[];
  readonly query_parameters?: readonly QueryParameterMatcherWire[];
}

export interface HeaderValueOptionWire {
  readonly header: { readonly key: string; readonly value: string };
  /** Unset means APPEND_IF_EXISTS_OR_ADD. */
  readonly append_action?: 'OVERWRITE_IF_EXISTS_OR_ADD';
}


export interface RetryPolicyWire {
  readonly retry_on: string;
  readonly num_retries: { readonly value: number };
  readonly per_try_timeout?: ProtoDuration;
  readonly retriable_status_codes?: readonly number[];
  readonly retry_host_predicate?: readonly { readonly name: string; readonly typed_config: TypedConfigWire }[];
  readonly retry_priority?: { readonly name: string; readonly typed_config: TypedConfigWire };
  readonly host_selection_retry_max_attempts: string;
  readonly retry_back_off?: { readonly base_interval: ProtoDuration };
}

export interface RequestMirrorPolicyWire {
  readonly cluster: string;
  readonly runtime_fraction: { readonly default_value: FractionalPercentWire };
  readonly trace_sampled: { readonly value: boolean };
}

export interface ClusterWeightWire {
  readonly name: string;
  readonly weight: { readonly value: number };
  readonly request_headers_to_add?: readonly HeaderValueOptionWire[];
  readonly request_headers_to_remove?: readonly string[];
  readonly response_headers_to_add?: readonly HeaderValueOptionWire[];
  readonly response_headers_to_remove?: readonly string[];
  readonly host_rewrite_literal?: string;
}

export interface RouteActionWire {
  readonly cluster?: string;
  readonly weighted_clusters?: { readonly clusters: readonly ClusterWeightWire[] };
  readonly timeout: ProtoDuration;
  readonly max_stream_duration?: { readonly max_stream_duration: ProtoDuration; readonly grpc_timeout_header_max: ProtoDuration };
  readonly retry_policy?: RetryPolicyWire;
  readonly prefix_rewrite?: string;
  readonly regex_rewrite?: { readonly pattern: RegexMatcherWire; readonly substitution: string };
  readonly host_rewrite_literal?: string;
  readonly hash_policy?: readonly HashPolicyWire[];
  readonly request_mirror_policies?: readonly RequestMirrorPolicyWire[];
}

export type RedirectResponseCode = 'MOVED_PERMANENTLY' | 'FOUND' | 'SEE_OTHER' | 'TEMPORARY_REDIRECT' | 'PERMANENT_REDIRECT';

export interface RedirectActionWire {
  readonly host_redirect?: string;
  readonly path_redirect?: string;
  readonly scheme_redirect?: string;
  readonly port_redirect?: number;
  readonly response_code?: RedirectResponseCode;
}

export interface DirectResponseActionWire {
  readonly status: number;
  readonly body?: { readonly inline_string: string } | { readonly inline_bytes: string };
}

/** An expanded google.protobuf.Any (typed_per_filter_config, retry extensions): `{'@type': TypeUrl.X, ...fields}`. */
export type TypedConfigWire = { readonly '@type': string; readonly [field: string]: unknown };

export interface RouteWire {
  readonly name: string;
  readonly match: RouteMatchWire;
  readonly route?: RouteActionWire;
  readonly redirect?: RedirectActionWire;
  readonly direct_response?: DirectResponseActionWire;
  readonly decorator?: { readonly operation: string };
  readonly typed_per_filter_config?: Readonly<Record<string, TypedConfigWire>>;
  readonly request_headers_to_add?: readonly HeaderValueOptionWire[];
  readonly request_headers_to_remove?: readonly string[];
  readonly response_headers_to_add?: readonly HeaderValueOptionWire[];
  readonly response_headers_to_remove?: readonly string[];
}

export interface VirtualHostWire {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly RouteWire[];
  readonly include_request_attempt_count: boolean;
  readonly require_tls?: 'ALL';
}

export interface RouteConfigurationWire {
  readonly name: string;
  readonly virtual_hosts: readonly VirtualHostWire[];
  readonly validate_clusters: { readonly value: false };
  readonly max_direct_response_body_size_bytes: { readonly value: number };
}
