import { describe, it } from 'node:test';
import { assertIssues, type ExpectedIssue } from './expect-issues.test-helper.ts';

const HEAD = `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: ratelimit
  namespace: backend
spec:
`;
// HEAD is 6 lines: the first spec line is line 7.

interface Case { readonly name: string; readonly spec: string; readonly issues: readonly ExpectedIssue[] }

const cases: Case[] = [
  {
    name: 'accepts inserting local_ratelimit before the router on SIDECAR_INBOUND (seed 002)',
    spec: `  workloadSelector: {labels: {app: user-service}}
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: SIDECAR_INBOUND
      listener:
        filterChain:
          filter:
            name: envoy.filters.network.http_connection_manager
            subFilter: {name: envoy.filters.http.router}
    patch:
      operation: INSERT_BEFORE
      value:
        name: envoy.filters.http.local_ratelimit
        typed_config:
          "@type": type.googleapis.com/udpa.type.v1.TypedStruct
          type_url: type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
          value: {stat_prefix: http_local_rate_limiter, token_bucket: {max_tokens: 100, tokens_per_fill: 100, fill_interval: 60s}}
`,
    issues: [],
  },
  {
    name: 'requires applyTo, a patch, an operation and a value for non-remove operations',
    spec: `  configPatches:
  - patch: {operation: MERGE, value: {}}
  - applyTo: CLUSTER
  - applyTo: CLUSTER
    patch: {value: {}}
  - applyTo: CLUSTER
    patch: {operation: MERGE}
  - applyTo: CLUSTER
    patch: {operation: REMOVE}
`,
    issues: [
      { line: 8, field: 'spec.configPatches[0].applyTo', message: 'Envoy filter: missing applyTo' },
      { line: 9, field: 'spec.configPatches[1].patch', message: 'Envoy filter: missing patch' },
      { line: 11, field: 'spec.configPatches[2].patch.operation', message: 'Envoy filter: missing patch operation' },
      { line: 13, field: 'spec.configPatches[3].patch.value', message: 'Envoy filter: missing patch value for non-remove operation' },
    ],
  },
  {
    name: 'rejects a match of the wrong class for applyTo',
    spec: `  configPatches:
  - applyTo: HTTP_FILTER
    match: {cluster: {service: reviews}}
    patch: {operation: REMOVE}
  - applyTo: CLUSTER
    match: {listener: {portNumber: 80}}
    patch: {operation: REMOVE}
  - applyTo: HTTP_ROUTE
    match: {cluster: {service: reviews}}
    patch: {operation: REMOVE}
`,
    issues: [
      { line: 9, field: 'spec.configPatches[0].match', message: 'Envoy filter: applyTo for listener class objects cannot have non listener match' },
      { line: 12, field: 'spec.configPatches[1].match', message: 'Envoy filter: applyTo for cluster class objects cannot have non cluster match' },
      { line: 15, field: 'spec.configPatches[2].match', message: 'Envoy filter: applyTo for http route class objects cannot have non route configuration match' },
    ],
  },
  {
    name: 'rejects a subFilter match without the HTTP connection manager, and INSERT_* on a cluster',
    spec: `  configPatches:
  - applyTo: HTTP_FILTER
    match: {listener: {filterChain: {filter: {name: envoy.filters.network.tcp_proxy, subFilter: {name: envoy.filters.http.router}}}}}
    patch: {operation: REMOVE}
  - applyTo: CLUSTER
    patch: {operation: INSERT_FIRST, value: {name: x}}
`,
    issues: [
      { line: 9, field: 'spec.configPatches[0].match.listener.filterChain.filter.subFilter', message: 'Envoy filter: subfilter match requires filter match with envoy.filters.network.http_connection_manager' },
      { line: 12, field: 'spec.configPatches[1].patch.operation', message: 'Envoy filter: INSERT_FIRST is not supported for applyTo CLUSTER; it applies only to list members (NETWORK_FILTER, HTTP_FILTER, LISTENER_FILTER, HTTP_ROUTE, FILTER_CHAIN)' },
    ],
  },
  {
    name: 'rejects an invalid proxyVersion regex and a workloadSelector without labels',
    spec: `  workloadSelector: {}
  configPatches:
  - applyTo: CLUSTER
    match: {proxy: {proxyVersion: "^1\\\\.(?!2)"}}
    patch: {operation: REMOVE}
`,
    issues: [
      { line: 7, field: 'spec.workloadSelector', message: 'Envoy filter: workloadSelector cannot have empty labels' },
      { line: 10, field: 'spec.configPatches[0].match.proxy.proxyVersion', message: 'Envoy filter: invalid regex for proxy version, [error parsing regexp: invalid or unsupported Perl syntax: `(?!`]' },
    ],
  },
];

describe('EnvoyFilter validation', () => {
  for (const c of cases) it(c.name, () => assertIssues(HEAD + c.spec, c.issues));
});
