/**
 * The validated route table (Envoy's envoy.config.route.v3.RouteConfiguration
 * after parsing): camelCase, defaults applied, durations in milliseconds,
 * enums as string unions. `parseRouteConfiguration` is the only producer;
 * the matcher (`createRouteTable`) trusts it.
 */

import type { RateLimitConfig } from './rate-limits.ts';

export type StringMatcherConfig =
  | { readonly kind: 'exact' | 'prefix' | 'suffix' | 'contains'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'safeRegex'; readonly regex: string };

export type PathMatcherConfig =
  | { readonly kind: 'prefix' | 'path' | 'pathSeparatedPrefix'; readonly value: string }
  | { readonly kind: 'safeRegex'; readonly regex: string };

export type HeaderMatchSpecifier =
  | { readonly kind: 'present'; readonly present: boolean }
  | { readonly kind: 'string'; readonly matcher: StringMatcherConfig }
  | { readonly kind: 'range'; readonly start: number; readonly end: number };

export interface HeaderMatcherConfig {
  /** Lower-case; pseudo-headers (`:method`, `:authority`) included. */
  readonly name: string;
  readonly specifier: HeaderMatchSpecifier;
  readonly invertMatch: boolean;
  readonly treatMissingHeaderAsEmpty: boolean;
}

export interface QueryParameterMatcherConfig {
  readonly name: string;
  /** undefined: the parameter only has to be present. */
  readonly matcher: StringMatcherConfig | undefined;
}

export interface RouteMatchConfig {
  readonly path: PathMatcherConfig;
  readonly caseSensitive: boolean;
  readonly headers: readonly HeaderMatcherConfig[];
  readonly queryParameters: readonly QueryParameterMatcherConfig[];
  /** `grpc: {}`: only requests with a gRPC content-type. */
  readonly grpc: boolean;
}

export interface HeaderValueOptionConfig {
  readonly key: string;
  readonly value: string;
  readonly appendAction: 'APPEND_IF_EXISTS_OR_ADD' | 'ADD_IF_ABSENT' | 'OVERWRITE_IF_EXISTS_OR_ADD' | 'OVERWRITE_IF_EXISTS';
}

export interface HeaderMutationsConfig {
  readonly requestHeadersToAdd: readonly HeaderValueOptionConfig[];
  readonly requestHeadersToRemove: readonly string[];
  readonly responseHeadersToAdd: readonly HeaderValueOptionConfig[];
  readonly responseHeadersToRemove: readonly string[];
}

export interface FractionConfig {
  readonly numerator: number;
  /** 100, 10 000 or 1 000 000. */
  readonly denominator: number;
}

export interface RetryPolicyConfig {
  /** The retry_on conditions, split. */
  readonly retryOn: readonly string[];
  /** Envoy's default is 1. */
  readonly numRetries: number;
  readonly perTryTimeoutMs: number | undefined;
  readonly retriableStatusCodes: readonly number[];
  /** Retry host predicate extension names (`envoy.retry_host_predicates.previous_hosts`). */
  readonly retryHostPredicates: readonly string[];
  readonly hostSelectionRetryMaxAttempts: number;
  readonly retryPriority: string | undefined;
  /** Envoy's defaults: 25 ms base, 10 × base maximum. */
  readonly backoff: { readonly baseIntervalMs: number; readonly maxIntervalMs: number };
}

export type HashPolicyConfig = { readonly terminal: boolean } & (
  | { readonly kind: 'header'; readonly headerName: string }
  | { readonly kind: 'cookie'; readonly name: string; readonly path: string; readonly ttlMs: number | undefined }
  | { readonly kind: 'sourceIp' }
  | { readonly kind: 'queryParameter'; readonly name: string }
);

export interface MirrorPolicyConfig {
  readonly cluster: string;
  readonly fraction: FractionConfig;
  readonly traceSampled: boolean;
}

export interface WeightedClusterConfig extends HeaderMutationsConfig {
  readonly name: string;
  readonly weight: number;
  readonly hostRewriteLiteral: string | undefined;
  readonly typedPerFilterConfig: ReadonlyMap<string, unknown>;
}

export type ClusterSpecifierConfig =
  | { readonly kind: 'cluster'; readonly name: string }
  | { readonly kind: 'clusterHeader'; readonly header: string }
  | { readonly kind: 'weightedClusters'; readonly clusters: readonly WeightedClusterConfig[]; readonly totalWeight: number };

export interface ForwardActionConfig {
  readonly clusterSpecifier: ClusterSpecifierConfig;
  /** 0 disables the timeout; Envoy's default is 15 s. */
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number | undefined;
  readonly maxStreamDurationMs: number | undefined;
  readonly retryPolicy: RetryPolicyConfig | undefined;
  readonly prefixRewrite: string | undefined;
  readonly regexRewrite: { readonly regex: string; readonly substitution: string } | undefined;
  readonly hostRewriteLiteral: string | undefined;
  readonly hashPolicy: readonly HashPolicyConfig[];
  readonly requestMirrorPolicies: readonly MirrorPolicyConfig[];
  /** RouteAction.rate_limits (descriptors for local_ratelimit). */
  readonly rateLimits?: readonly RateLimitConfig[];
}

export type RedirectResponseCode = 301 | 302 | 303 | 307 | 308;

export interface RedirectActionConfig {
  readonly schemeRedirect: string | undefined;
  readonly hostRedirect: string | undefined;
  readonly portRedirect: number | undefined;
  readonly pathRedirect: string | undefined;
  readonly prefixRewrite: string | undefined;
  readonly regexRewrite: { readonly regex: string; readonly substitution: string } | undefined;
  readonly responseCode: RedirectResponseCode;
  readonly stripQuery: boolean;
}

export interface DirectResponseConfig {
  readonly status: number;
  readonly body: string | undefined;
}

export type RouteActionConfig =
  | { readonly type: 'route'; readonly route: ForwardActionConfig }
  | { readonly type: 'redirect'; readonly redirect: RedirectActionConfig }
  | { readonly type: 'directResponse'; readonly directResponse: DirectResponseConfig };

export interface RouteConfig extends HeaderMutationsConfig {
  readonly name: string;
  readonly match: RouteMatchConfig;
  readonly action: RouteActionConfig;
  readonly decorator: string | undefined;
  /** Filter name → the per-route config (its parsed form when a parser was given, else the decoded message). */
  readonly typedPerFilterConfig: ReadonlyMap<string, unknown>;
}

export interface VirtualHostConfig extends HeaderMutationsConfig {
  readonly name: string;
  /** Lower-case. */
  readonly domains: readonly string[];
  readonly routes: readonly RouteConfig[];
  readonly requireTls: 'NONE' | 'EXTERNAL_ONLY' | 'ALL';
  readonly retryPolicy: RetryPolicyConfig | undefined;
  readonly includeRequestAttemptCount: boolean;
  readonly typedPerFilterConfig: ReadonlyMap<string, unknown>;
  /** VirtualHost.rate_limits. */
  readonly rateLimits?: readonly RateLimitConfig[];
}

export interface RouteTableConfig extends HeaderMutationsConfig {
  readonly name: string;
  readonly virtualHosts: readonly VirtualHostConfig[];
  readonly ignorePortInHostMatching: boolean;
  readonly validateClusters: boolean;
  readonly maxDirectResponseBodySizeBytes: number;
}

/** What the matcher reads from a request: lower-case names, pseudo-headers included. */
export interface RouteRequest {
  /** `:authority` (or Host). */
  readonly authority: string;
  /** `:path`, with query string. */
  readonly path: string;
  readonly method: string;
  /** `http` or `https`; the downstream connection's scheme. */
  readonly scheme: string;
  /** Every value of a header joined with `,`, as Envoy compares them; undefined when absent. */
  header(name: string): string | undefined;
}
