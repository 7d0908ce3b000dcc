/**
 * Every HTTPRoute feature of VirtualService, through RDS and the proxy's
 * route table, on a sidecar in `default` calling reviews:9080.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@skiff/common';
import { configGen, routeTableFor, routesFor, sidecarProxy } from '@skiff/testing/config-gen.ts';
import {
  applyRequestMutations, applyResponseMutations, pickCluster, redirectLocation, routeRequest,
  type RouteMatch, type RouteRequestInit, type RouteTable,
} from '@skiff/proxy/http/route-table/index.ts';

const R = 'reviews.default.svc.cluster.local';
const SERVICES = `
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: ratings}
spec: {selector: {app: ratings}, ports: [{name: http, port: 9080}, {name: http-admin, port: 9090}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
---
`;

const vs = (http: string, extra = '') => `${SERVICES}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
${extra}  http:
${http}
`;

function tableOf(yaml: string, labels: Record<string, string> = {}, port = '9080', namespace = 'default'): RouteTable {
  return routeTableFor(configGen({ yaml }), sidecarProxy({ labels, namespace }), port);
}

function send(t: RouteTable, init: Partial<RouteRequestInit> = {}): RouteMatch | null {
  return t.route(routeRequest({ authority: 'reviews:9080', ...init }));
}

function cluster(t: RouteTable, init: Partial<RouteRequestInit> = {}): string | undefined {
  const m = send(t, init);
  if (!m || m.action.type !== 'route') return undefined;
  return pickCluster(m.action.route.clusterSpecifier, routeRequest({ authority: 'reviews:9080', ...init }), seededRandom(1))?.name;
}

const V1 = `outbound|9080|v1|${R}`;
const V2 = `outbound|9080|v2|${R}`;
const rule = (match: string, dest = 'v2') => `  - match:\n${match}\n    route: [{destination: {host: reviews, subset: ${dest}}}]\n  - route: [{destination: {host: reviews, subset: v1}}]`;

describe('VirtualService matches', () => {
  it('matches uri exact, prefix and RE2 regex, and returns 404 (no route) past a rule without catch-all', () => {
    const t = tableOf(vs(`  - match: [{uri: {exact: /a}}, {uri: {prefix: /b/}}, {uri: {regex: '/c/[0-9]+'}}]\n    route: [{destination: {host: reviews, subset: v2}}]`));
    assert.equal(cluster(t, { path: '/a' }), V2);
    assert.equal(cluster(t, { path: '/a?x=1' }), V2);
    assert.equal(send(t, { path: '/ab' }), null);
    assert.equal(cluster(t, { path: '/b/c' }), V2);
    assert.equal(cluster(t, { path: '/c/42' }), V2);
    assert.equal(send(t, { path: '/c/42x' }), null);
  });

  it('ignores uri case when ignoreUriCase is set', () => {
    const t = tableOf(vs(rule('    - uri: {prefix: /Api}\n      ignoreUriCase: true')));
    assert.equal(cluster(t, { path: '/API/x' }), V2);
    const strict = tableOf(vs(rule('    - uri: {prefix: /Api}')));
    assert.equal(cluster(strict, { path: '/API/x' }), V1);
  });

  it('matches headers exact, prefix, regex and presence', () => {
    const t = tableOf(vs(rule(`    - headers: {x-a: {exact: one}, x-b: {prefix: pre}, x-c: {regex: 'v[0-9]'}, x-d: {}}`)));
    const all = { 'x-a': 'one', 'x-b': 'prefix', 'x-c': 'v7', 'x-d': 'anything' };
    assert.equal(cluster(t, { headers: all }), V2);
    assert.equal(cluster(t, { headers: { ...all, 'x-c': 'v77' } }), V1);
    const { 'x-d': _, ...noD } = all;
    assert.equal(cluster(t, { headers: noD }), V1);
  });

  it('withoutHeaders excludes requests carrying the value (and, as in Envoy, requests without the header)', () => {
    const t = tableOf(vs(rule('    - withoutHeaders: {x-env: {exact: prod}}')));
    assert.equal(cluster(t, { headers: { 'x-env': 'prod' } }), V1);
    assert.equal(cluster(t, { headers: { 'x-env': 'dev' } }), V2);
    assert.equal(cluster(t, {}), V1);
  });

  it('matches query parameters, method (as :method) and authority (as :authority)', () => {
    const q = tableOf(vs(rule('    - queryParams: {debug: {exact: "1"}}')));
    assert.equal(cluster(q, { path: '/x?debug=1' }), V2);
    assert.equal(cluster(q, { path: '/x?debug=2' }), V1);
    const m = tableOf(vs(rule('    - method: {exact: POST}')));
    assert.equal(cluster(m, { method: 'POST' }), V2);
    assert.equal(cluster(m, { method: 'GET' }), V1);
    const a = tableOf(vs(rule('    - authority: {prefix: reviews.default}')));
    assert.equal(cluster(a, { authority: 'reviews.default:9080' }), V2);
    assert.equal(cluster(a, { authority: 'reviews:9080' }), V1);
  });

  it('keeps a match with a port only on that port', () => {
    const yaml = vs(rule('    - port: 9080\n      headers: {x: {exact: "1"}}'));
    assert.equal(cluster(tableOf(yaml), { headers: { x: '1' } }), V2);
    const other = vs(rule('    - port: 7000\n      headers: {x: {exact: "1"}}'));
    assert.equal(cluster(tableOf(other), { headers: { x: '1' } }), V1);
  });

  it('filters matches by the proxy labels (sourceLabels) and namespace (sourceNamespace)', () => {
    const yaml = vs(rule('    - sourceLabels: {app: productpage}'));
    assert.equal(cluster(tableOf(yaml, { app: 'productpage', version: 'v1' })), V2);
    assert.equal(cluster(tableOf(yaml, { app: 'other' })), V1);
    const ns = vs(rule('    - sourceNamespace: frontend'));
    assert.equal(cluster(tableOf(ns, {}, '9080', 'frontend'), { authority: 'reviews.default:9080' }), V2);
    assert.equal(cluster(tableOf(ns)), V1);
  });

  it('drops matches bound to gateways when building for the mesh', () => {
    const yaml = vs(rule('    - gateways: [istio-system/ingress]\n      headers: {x: {exact: "1"}}'), '  gateways: [mesh, istio-system/ingress]\n');
    assert.equal(cluster(tableOf(yaml), { headers: { x: '1' } }), V1);
    const mesh = vs(rule('    - gateways: [mesh]\n      headers: {x: {exact: "1"}}'), '  gateways: [mesh, istio-system/ingress]\n');
    assert.equal(cluster(tableOf(mesh), { headers: { x: '1' } }), V2);
  });
});

describe('VirtualService actions', () => {
  it('resolves destination ports and subsets to cluster names, with weights as weighted_clusters', () => {
    const t = tableOf(vs(`  - route:\n    - {destination: {host: ratings, port: {number: 9090}}, weight: 25}\n    - {destination: {host: reviews, subset: v1}, weight: 75}\n    - {destination: {host: reviews, subset: v2}, weight: 0}`));
    const m = send(t)!;
    assert.equal(m.action.type, 'route');
    if (m.action.type !== 'route') return;
    assert.deepEqual(m.action.route.clusterSpecifier.kind === 'weightedClusters' && m.action.route.clusterSpecifier.clusters.map((c) => [c.name, c.weight]), [
      ['outbound|9090||ratings.default.svc.cluster.local', 25], [V1, 75],
    ]);
  });

  it('uses the listener port for a multi-port destination without a port', () => {
    const t = tableOf(vs(`  - route: [{destination: {host: ratings}}]`));
    assert.equal(cluster(t), 'outbound|9080||ratings.default.svc.cluster.local');
  });

  it('redirects with authority, uri, scheme, port and code', () => {
    const t = tableOf(vs(`  - redirect: {uri: /v2/reviews, authority: new.example.com, scheme: https, port: 8443, redirectCode: 308}`));
    const m = send(t, { path: '/old?q=1' })!;
    assert.equal(m.action.type, 'redirect');
    if (m.action.type !== 'redirect') return;
    assert.equal(m.action.redirect.responseCode, 308);
    assert.equal(redirectLocation(m.action.redirect, routeRequest({ authority: 'reviews:9080', path: '/old?q=1' })), 'https://new.example.com:8443/v2/reviews?q=1');
  });

  it('redirects to the request port with derivePort FROM_REQUEST_PORT', () => {
    const t = tableOf(vs(`  - redirect: {authority: other, derivePort: FROM_REQUEST_PORT}`));
    const m = send(t)!;
    assert.equal(m.action.type === 'redirect' && m.action.redirect.portRedirect, 9080);
    assert.equal(m.action.type === 'redirect' && m.action.redirect.responseCode, 301);
  });

  it('answers directResponse with its status and body', () => {
    const t = tableOf(vs(`  - directResponse: {status: 418, body: {string: "short and stout"}}`));
    assert.deepEqual(send(t)!.action, { type: 'directResponse', directResponse: { status: 418, body: 'short and stout' } });
  });

  it('rewrites the uri prefix, the authority, and by regex', () => {
    const t = tableOf(vs(`  - match: [{uri: {prefix: /old}}]\n    rewrite: {uri: /new, authority: internal.local}\n    route: [{destination: {host: reviews}}]\n  - rewrite: {uriRegexRewrite: {match: '^/api/(.*)$', rewrite: '/\\1'}}\n    route: [{destination: {host: reviews}}]`));
    const a = send(t, { path: '/old/x' })!;
    assert.ok(a.action.type === 'route');
    assert.equal(a.action.route.prefixRewrite, '/new');
    assert.equal(a.action.route.hostRewriteLiteral, 'internal.local');
    const b = send(t, { path: '/api/x' })!;
    assert.deepEqual(b.action.type === 'route' && b.action.route.regexRewrite, { regex: '^/api/(.*)$', substitution: '/\\1' });
  });

  it('sets, adds and removes request and response headers, per route and per destination', () => {
    const t = tableOf(vs(`  - headers:
      request: {set: {x-set: s}, add: {x-add: a}, remove: [x-drop]}
      response: {set: {x-resp: r}, remove: [server]}
    route:
    - destination: {host: reviews, subset: v1}
      weight: 50
      headers: {request: {set: {x-dest: v1}}}
    - destination: {host: reviews, subset: v2}
      weight: 50
      headers: {request: {set: {x-dest: v2}}}`));
    const m = send(t)!;
    assert.ok(m.action.type === 'route');
    const pick = pickCluster(m.action.route.clusterSpecifier, routeRequest({ authority: 'reviews' }), seededRandom(3))!;
    const req = applyRequestMutations(new Map([['x-drop', ['1']], ['x-add', ['0']], ['x-set', ['old']]]), [pick.weighted, m.route, m.virtualHost]);
    assert.deepEqual(Object.fromEntries(req), { 'x-add': ['0', 'a'], 'x-set': ['s'], 'x-dest': [pick.name === V1 ? 'v1' : 'v2'] });
    const resp = applyResponseMutations(new Map([['server', ['envoy']]]), [pick.weighted, m.route, m.virtualHost]);
    assert.deepEqual(Object.fromEntries(resp), { 'x-resp': ['r'] });
  });

  it('puts the headers of a single destination on the route itself', () => {
    const t = tableOf(vs(`  - route: [{destination: {host: reviews}, headers: {request: {set: {x-d: one}, add: {x-e: two}}}}]`));
    const m = send(t)!;
    assert.ok(m.action.type === 'route' && m.action.route.clusterSpecifier.kind === 'cluster');
    assert.deepEqual(m.route!.requestHeadersToAdd, [
      { key: 'x-d', value: 'one', appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      { key: 'x-e', value: 'two', appendAction: 'APPEND_IF_EXISTS_OR_ADD' },
    ]);
  });

  it('carries the timeout, disables it (0s) when unset, and disables retries with attempts 0', () => {
    const t = tableOf(vs(`  - match: [{uri: {prefix: /slow}}]\n    timeout: 1.5s\n    retries: {attempts: 0}\n    route: [{destination: {host: reviews}}]\n  - route: [{destination: {host: reviews}}]`));
    const slow = send(t, { path: '/slow' })!;
    assert.equal(slow.action.type === 'route' && slow.action.route.timeoutMs, 1500);
    assert.equal(slow.retryPolicy, undefined);
    const other = send(t, { path: '/' })!;
    assert.equal(other.action.type === 'route' && other.action.route.timeoutMs, 0);
    assert.equal(other.retryPolicy?.numRetries, 2);
  });

  it('turns status codes in retryOn into retriable_status_codes, with per-try timeout and backoff', () => {
    const t = tableOf(vs(`  - retries: {attempts: 4, perTryTimeout: 250ms, retryOn: "gateway-error,503,429", retryRemoteLocalities: true, backoff: 50ms}\n    route: [{destination: {host: reviews}}]`));
    const p = send(t)!.retryPolicy!;
    assert.deepEqual(p.retryOn, ['gateway-error', 'retriable-status-codes']);
    assert.deepEqual(p.retriableStatusCodes, [503, 429]);
    assert.equal(p.numRetries, 4);
    assert.equal(p.perTryTimeoutMs, 250);
    assert.equal(p.retryPriority, 'envoy.retry_priorities.previous_priorities');
    assert.equal(p.backoff.baseIntervalMs, 50);
  });

  it('injects gRPC aborts by status name and delays by the deprecated integer percent', () => {
    const t = tableOf(vs(`  - fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 12.5}}, delay: {percent: 20, fixedDelay: 100ms}}\n    route: [{destination: {host: reviews}}]`));
    const f = send(t)!.route!.typedPerFilterConfig.get('envoy.filters.http.fault') as Record<string, Record<string, unknown>>;
    assert.deepEqual(f.abort.percentage, { numerator: 125000, denominator: 'MILLION' });
    assert.equal(f.abort.grpc_status, 14);
    assert.deepEqual(f.delay.percentage, { numerator: 20, denominator: 'HUNDRED' });
    assert.deepEqual(f.delay.fixed_delay, { seconds: '0', nanos: 100000000 });
  });

  it('mirrors with mirror + mirrorPercentage and mirrors[] (100% by default, 0 disables)', () => {
    const t = tableOf(vs(`  - match: [{uri: {prefix: /one}}]\n    mirror: {host: ratings, port: {number: 9090}}\n    mirrorPercentage: {value: 25}\n    route: [{destination: {host: reviews, subset: v1}}]\n  - mirrors:\n    - destination: {host: reviews, subset: v2}\n    - destination: {host: reviews, subset: v1}\n      percentage: {value: 0}\n    route: [{destination: {host: reviews, subset: v1}}]`));
    const one = send(t, { path: '/one' })!;
    assert.ok(one.action.type === 'route');
    assert.deepEqual(one.action.route.requestMirrorPolicies, [
      { cluster: 'outbound|9090||ratings.default.svc.cluster.local', fraction: { numerator: 250000, denominator: 1_000_000 }, traceSampled: false },
    ]);
    const many = send(t, { path: '/x' })!;
    assert.ok(many.action.type === 'route');
    assert.deepEqual(many.action.route.requestMirrorPolicies, [{ cluster: V2, fraction: { numerator: 100, denominator: 100 }, traceSampled: false }]);
  });

  it('adds a CORS per-route policy', () => {
    const t = tableOf(vs(`  - corsPolicy: {allowOrigins: [{exact: "https://a.example"}, {regex: "https://.*\\\\.b\\\\.example"}], allowMethods: [GET, POST], allowHeaders: [x-a], maxAge: 24h, allowCredentials: true}\n    route: [{destination: {host: reviews}}]`));
    const cors = send(t)!.route!.typedPerFilterConfig.get('envoy.filters.http.cors') as Record<string, unknown>;
    assert.equal(cors['@type'], 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy');
    assert.equal(cors.allow_methods, 'GET,POST');
    assert.equal(cors.max_age, '86400');
    assert.deepEqual(cors.allow_credentials, { value: true });
    assert.equal((cors.allow_origin_string_match as unknown[]).length, 2);
    assert.deepEqual(cors.forward_not_matching_preflights, { value: true });
  });

  it('hashes by the DestinationRule consistentHash and drops the previous-hosts retry predicate', () => {
    const yaml = vs(`  - route: [{destination: {host: reviews, subset: v1}}]`).replace('subsets: [', 'trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}\n  subsets: [');
    const m = send(tableOf(yaml))!;
    assert.ok(m.action.type === 'route');
    assert.deepEqual(m.action.route.hashPolicy, [{ terminal: false, kind: 'header', headerName: 'x-user' }]);
    assert.deepEqual(m.retryPolicy?.retryHostPredicates, []);
  });
});

describe('delegate VirtualServices', () => {
  const root = `${SERVICES}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: root}
spec:
  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /api}}]
    timeout: 3s
    delegate: {name: api, namespace: default}
  - route: [{destination: {host: reviews, subset: v1}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api}
spec:
  http:
  - match: [{uri: {prefix: /api/v2}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - match: [{uri: {prefix: /other}}]
    route: [{destination: {host: ratings}}]
  - route: [{destination: {host: reviews, subset: v1}}]
    timeout: 1s
`;

  it('replaces the delegating rule with the delegate rules narrowed to the root match, inheriting unset fields', () => {
    const t = tableOf(root);
    const v2 = send(t, { path: '/api/v2/x' })!;
    assert.equal(cluster(t, { path: '/api/v2/x' }), V2);
    assert.equal(v2.action.type === 'route' && v2.action.route.timeoutMs, 3000);
    // The catch-all delegate rule takes the root's /api prefix and keeps its own timeout.
    const v1 = send(t, { path: '/api/x' })!;
    assert.equal(v1.action.type === 'route' && v1.action.route.timeoutMs, 1000);
    assert.equal(cluster(t, { path: '/other' }), V1);
  });

  it('reports delegate rules that conflict with the root match, and missing delegates, without failing', () => {
    const { conflicts } = routesFor(configGen({ yaml: root }), sidecarProxy());
    assert.ok(conflicts.some((c) => c.virtualService === 'default/api' && c.message.includes('conflicts with the match of default/root')), JSON.stringify(conflicts));
    const missing = root.replace('name: api, namespace: default', 'name: nope');
    const result = routesFor(configGen({ yaml: missing }), sidecarProxy());
    assert.ok(result.conflicts.some((c) => c.message.includes('default/nope not found')));
  });
});
