import { describe, it } from 'node:test';
import { assertIssues, type ExpectedIssue } from './expect-issues.test-helper.ts';

const HEAD = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: default
spec:
`;
// HEAD is 6 lines: the first spec line is line 7.

interface Case { readonly name: string; readonly spec: string; readonly issues: readonly ExpectedIssue[] }

const cases: Case[] = [
  {
    name: 'accepts the canary 90/10 split with a header match (seed 003)',
    spec: `  hosts:
  - reviews
  http:
  - match:
    - headers:
        end-user:
          exact: jason
    route:
    - destination:
        host: reviews
        subset: v2
  - route:
    - destination:
        host: reviews
        subset: v1
      weight: 90
    - destination:
        host: reviews
        subset: v3
      weight: 10
`,
    issues: [],
  },
  {
    name: 'accepts retries, timeout, fault, mirror, cors, rewrite and header operations',
    spec: `  hosts: [user-service.backend.svc.cluster.local]
  gateways: [istio-system/app-gateway, mesh]
  http:
  - match: [{uri: {prefix: /users}, method: {exact: GET}, queryParams: {id: {regex: "\\\\d+"}}}]
    rewrite: {uri: /}
    timeout: 10s
    retries: {attempts: 3, perTryTimeout: 2s, retryOn: "5xx,connect-failure,503,unavailable"}
    fault:
      delay: {fixedDelay: 5s, percentage: {value: 50}}
      abort: {httpStatus: 500, percentage: {value: 30}}
    mirror: {host: shadow}
    mirrorPercentage: {value: 0.5}
    corsPolicy:
      allowOrigins: [{exact: "https://example.com"}, {regex: "https://.*\\\\.example\\\\.com"}]
      allowMethods: [GET, POST]
      allowHeaders: [X-Foo-Bar]
      maxAge: 24h
    headers:
      request: {set: {x-test: "true"}, remove: [x-old]}
    route:
    - destination: {host: user-service, subset: v1, port: {number: 8080}}
`,
    issues: [],
  },
  {
    name: 'rejects weights that add up to 110 (90 + 20)',
    spec: `  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 90
    - destination: {host: reviews, subset: v2}
      weight: 20
`,
    issues: [{ line: 9, field: 'spec.http[0].route', message: 'total destination weight 110 != 100' }],
  },
  {
    name: 'rejects a weight above 100',
    spec: `  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
      weight: 150
`,
    issues: [{ line: 11, field: 'spec.http[0].route[0].weight', message: 'percentage 150 is not in range 0..100' }],
  },
  {
    name: 'rejects a lookahead regex, which RE2 does not support',
    spec: `  hosts: [reviews]
  http:
  - match:
    - uri:
        regex: "/api(?=x)"
    route: [{destination: {host: reviews}}]
`,
    issues: [{
      line: 11, field: 'spec.http[0].match[0].uri.regex',
      message: '"uri": error parsing regexp: invalid or unsupported Perl syntax: `(?=`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
    }],
  },
  {
    name: 'rejects a backreference in a header regex',
    spec: `  hosts: [reviews]
  http:
  - match: [{headers: {x-a: {regex: "(a)\\\\1"}}}]
    route: [{destination: {host: reviews}}]
`,
    issues: [{
      line: 9, field: 'spec.http[0].match[0].headers.x-a.regex',
      message: '"headers": error parsing regexp: invalid escape sequence: `\\1`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
    }],
  },
  {
    name: 'rejects JavaScript named groups and accepts RE2 (?P<name>) groups',
    spec: `  hosts: [reviews]
  http:
  - match: [{uri: {regex: "/(?<id>\\\\d+)"}}, {uri: {regex: "/(?P<id>\\\\d+)"}}]
    route: [{destination: {host: reviews}}]
`,
    issues: [{
      line: 9, field: 'spec.http[0].match[0].uri.regex',
      message: '"uri": error parsing regexp: invalid or unsupported Perl syntax: `(?<`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
    }],
  },
  {
    name: 'rejects a VirtualService without hosts-bound routes',
    spec: `  hosts: [reviews]
`,
    issues: [{ line: 6, field: 'spec', message: 'http, tcp or tls must be provided in virtual service' }],
  },
  {
    name: 'rejects route together with redirect, and an empty rule',
    spec: `  hosts: [reviews]
  http:
  - redirect: {uri: /v2}
    route: [{destination: {host: reviews}}]
  - name: empty
`,
    issues: [
      { line: 9, field: 'spec.http[0]', message: 'HTTP route cannot contain both route and redirect' },
      { line: 11, field: 'spec.http[1]', message: 'HTTP route, redirect or direct_response is required' },
    ],
  },
  {
    name: 'rejects a bad redirect code, a direct response status and an empty rewrite',
    spec: `  hosts: [reviews]
  http:
  - redirect: {uri: /x, redirectCode: 200}
  - directResponse: {status: 700}
  - rewrite: {}
    route: [{destination: {host: reviews}}]
`,
    issues: [
      { line: 9, field: 'spec.http[0].redirect.redirectCode', message: '200 is not a valid redirect code, must be 3xx' },
      { line: 10, field: 'spec.http[1].directResponse.status', message: 'HTTP status 700 is not in range 200-599' },
      { line: 11, field: 'spec.http[2].rewrite', message: 'rewrite must specify URI, authority, or uriRegexRewrite' },
    ],
  },
  {
    name: 'rejects unknown retryOn values, negative attempts and a sub-millisecond perTryTimeout',
    spec: `  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews}}]
    retries:
      attempts: -1
      perTryTimeout: 500us
      retryOn: 5xx,sometimes
`,
    issues: [
      { line: 11, field: 'spec.http[0].retries.attempts', message: 'attempts cannot be negative' },
      { line: 12, field: 'spec.http[0].retries.perTryTimeout', message: 'duration must be greater than 1ms' },
      { line: 13, field: 'spec.http[0].retries.retryOn', message: '"sometimes" is not a valid retryOn policy' },
    ],
  },
  {
    name: 'rejects fault percentages out of range and an empty fault',
    spec: `  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews}}]
    fault:
      abort: {httpStatus: 503, percentage: {value: 130}}
  - route: [{destination: {host: reviews}}]
    fault: {}
`,
    issues: [
      { line: 11, field: 'spec.http[0].fault.abort.percentage.value', message: 'percentage 130 is neither 0.0, nor in range [0.0001, 100.0]' },
      { line: 13, field: 'spec.http[1].fault', message: 'HTTP fault injection must have an abort and/or a delay' },
    ],
  },
  {
    name: 'rejects uppercase match header names and edits of the host header',
    spec: `  hosts: [reviews]
  http:
  - match: [{headers: {End-User: {exact: jason}}}]
    headers: {request: {set: {host: evil}}}
    route: [{destination: {host: reviews}}]
`,
    issues: [
      { line: 9, field: 'spec.http[0].match[0].headers.End-User', message: 'header name End-User must be lowercase (e.g. end-user)' },
      { line: 10, field: 'spec.http[0].headers.request.set.host', message: 'operation is not allowed on header host' },
    ],
  },
  {
    name: 'rejects the * host on the mesh gateway and duplicate hosts',
    spec: `  hosts: ["*"]
  http: [{route: [{destination: {host: a}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: dup}
spec:
  hosts: [a.example.com, "*.example.com"]
  http: [{route: [{destination: {host: a}}]}]
`,
    issues: [
      { line: 7, field: 'spec.hosts[0]', message: 'wildcard host * is not allowed for virtual services bound to the mesh gateway' },
      { line: 14, field: 'spec.hosts[1]', message: 'duplicate hosts in virtual service: a.example.com & *.example.com' },
    ],
  },
  {
    name: 'checks delegates: no route beside a delegate, and delegate VirtualServices carry no gateways',
    spec: `  hosts: [bookinfo.com]
  http:
  - match: [{uri: {prefix: /productpage}}]
    delegate: {name: productpage, namespace: nsa}
  - delegate: {name: reviews}
    route: [{destination: {host: reviews}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: productpage, namespace: nsa}
spec:
  gateways: [gw]
  http: [{route: [{destination: {host: productpage}}]}]
`,
    issues: [
      { line: 11, field: 'spec.http[1]', message: 'HTTP route cannot contain both route and delegate' },
      { line: 18, field: 'spec.gateways', message: 'delegate virtual service must have no gateways specified' },
    ],
  },
  {
    name: 'requires sniHosts on TLS routes, inside the VirtualService hosts',
    spec: `  hosts: ["*.bookinfo.com"]
  gateways: [mygateway]
  tls:
  - match: [{port: 443}]
    route: [{destination: {host: login}}]
  - match: [{sniHosts: [login.example.com]}]
    route: [{destination: {host: login}}]
`,
    issues: [
      { line: 10, field: 'spec.tls[0].match[0].sniHosts', message: 'TLS match must have at least one SNI host' },
      { line: 12, field: 'spec.tls[1].match[0].sniHosts[0]', message: 'SNI host "login.example.com" is not a compatible subset of any of the virtual service hosts: [*.bookinfo.com]' },
    ],
  },
  {
    name: 'checks TCP routes: route required, ports in range, subnets valid, weights sum to 100',
    spec: `  hosts: [mongo]
  tcp:
  - match: [{port: 70000, destinationSubnets: [10.0.0.0/33]}]
  - route:
    - destination: {host: mongo, port: {number: 5555}}
      weight: 50
    - destination: {host: mongo-backup}
      weight: 40
`,
    issues: [
      { line: 9, field: 'spec.tcp[0].route', message: 'TCP route is required' },
      { line: 9, field: 'spec.tcp[0].match[0].destinationSubnets[0]', message: '10.0.0.0/33 is not a valid IP address or CIDR block' },
      { line: 9, field: 'spec.tcp[0].match[0].port', message: 'port number 70000 must be in the range 1..65535' },
      { line: 10, field: 'spec.tcp[1].route', message: 'total destination weight 90 != 100' },
    ],
  },
  {
    name: 'rejects exportTo duplicates and mixing * with namespaces',
    spec: `  hosts: [reviews]
  http: [{route: [{destination: {host: reviews}}]}]
  exportTo: [".", default, "*"]
`,
    issues: [
      { line: 9, field: 'spec.exportTo', message: 'cannot have both public (*) and non-public exportTo values for a resource' },
      { line: 9, field: 'spec.exportTo[1]', message: 'duplicate entries in exportTo for entry default' },
    ],
  },
];

describe('VirtualService validation', () => {
  for (const c of cases) it(c.name, () => assertIssues(HEAD + c.spec, c.issues));
});
