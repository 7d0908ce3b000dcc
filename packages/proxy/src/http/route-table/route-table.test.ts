import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@skiff/common';
import { createRouteTable, parseRouteConfiguration, pickCluster, redirectLocation, routeRequest, type RouteTable } from './index.ts';

type Json = Record<string, unknown>;
const vh = (name: string, domains: string[], routes: Json[] = [{ match: { prefix: '/' }, route: { cluster: name } }]) => ({ name, domains, routes });

function table(virtual_hosts: Json[], extra: Json = {}): RouteTable {
  const parsed = parseRouteConfiguration({ name: 'rc', virtual_hosts, ...extra });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.join('\n'));
  return createRouteTable(parsed.value);
}

function errorsOf(virtual_hosts: Json[]): readonly string[] {
  const parsed = parseRouteConfiguration({ name: 'rc', virtual_hosts });
  assert.equal(parsed.ok, false);
  return parsed.ok ? [] : parsed.errors;
}

const clusterFor = (t: RouteTable, authority: string, path = '/', headers: Record<string, string> = {}) => {
  const m = t.route(routeRequest({ authority, path, headers }));
  return m && m.action.type === 'route' && m.action.route.clusterSpecifier.kind === 'cluster' ? m.action.route.clusterSpecifier.name : null;
};

describe('parseRouteConfiguration', () => {
  it('rejects a duplicate domain with Envoy\'s message', () => {
    assert.deepEqual(errorsOf([vh('a', ['x.com']), vh('b', ['X.com'])]), ['Only unique values for domains are permitted. Duplicate entry of domain x.com in route rc']);
  });

  it('collects every error with its field path', () => {
    const errors = errorsOf([
      { name: '', domains: [], routes: [
        { match: { safe_regex: { regex: '(a' } }, route: { cluster: 'c' } },
        { match: { prefix: '/' } },
        { match: { prefix: '/' }, route: { weighted_clusters: { clusters: [{ name: 'a', weight: { value: 0 } }] } } },
        { match: { prefix: '/' }, direct_response: { status: 700 } },
        { match: { headers: [{ name: 'x', string_match: { safe_regex: { regex: '(?=x)' } } }] }, route: { cluster: 'c' } },
      ] },
    ]);
    assert.deepEqual(errors.map((e) => e.slice(0, e.indexOf(':'))), [
      'virtual_hosts[0].name',
      'virtual_hosts[0].domains',
      'virtual_hosts[0].routes[0].match.safe_regex.regex',
      'virtual_hosts[0].routes[1].action',
      'virtual_hosts[0].routes[2].route.weighted_clusters',
      'virtual_hosts[0].routes[3].direct_response.status',
      'virtual_hosts[0].routes[4].match.path_specifier',
      'virtual_hosts[0].routes[4].match.headers[0].string_match.safe_regex.regex',
    ]);
    assert.ok(errors[2].includes("Invalid regex '(a'"));
    assert.ok(errors[4].endsWith('Sum of weights in the weighted_cluster must be greater than 0.'));
    assert.ok(errors[5].endsWith('value must be inside range [100, 600)'));
  });

  it('applies Envoy defaults: 15s route timeout, case-sensitive paths, one retry', () => {
    const t = table([vh('a', ['*'], [{ match: { prefix: '/' }, route: { cluster: 'c', retry_policy: { retry_on: '5xx' } } }])]);
    const m = t.route(routeRequest({ authority: 'x' }))!;
    assert.ok(m.action.type === 'route');
    assert.equal(m.action.route.timeoutMs, 15_000);
    assert.equal(m.route!.match.caseSensitive, true);
    assert.equal(m.retryPolicy?.numRetries, 1);
  });
});

describe('virtual host selection', () => {
  const t = table([
    vh('exact', ['api.example.com']),
    vh('short-suffix', ['*.com']),
    vh('long-suffix', ['*.example.com']),
    vh('prefix', ['api.*']),
    vh('port', ['api.example.com:8080']),
    vh('any', ['*']),
  ]);

  it('prefers exact, then the longest suffix wildcard, then prefix wildcards, then *', () => {
    assert.equal(clusterFor(t, 'API.example.com'), 'exact');
    assert.equal(clusterFor(t, 'www.example.com'), 'long-suffix');
    assert.equal(clusterFor(t, 'www.other.com'), 'short-suffix');
    assert.equal(clusterFor(t, 'api.internal'), 'prefix');
    assert.equal(clusterFor(t, 'elsewhere'), 'any');
  });

  it('compares the port unless ignore_port_in_host_matching is set', () => {
    assert.equal(clusterFor(t, 'api.example.com:8080'), 'port');
    assert.equal(clusterFor(t, 'api.example.com:9090'), 'prefix');
    const ignoring = table([vh('exact', ['api.example.com']), vh('any', ['*'])], { ignore_port_in_host_matching: true });
    assert.equal(clusterFor(ignoring, 'api.example.com:9090'), 'exact');
  });

  it('requires a wildcard to stand for at least one character', () => {
    assert.equal(clusterFor(t, '.example.com'), 'short-suffix');
  });

  it('returns null when no virtual host matches', () => {
    assert.equal(table([vh('a', ['a.com'])]).route(routeRequest({ authority: 'b.com' })), null);
  });
});

describe('route matching', () => {
  const r = (match: Json, cluster: string) => ({ match, route: { cluster } });
  const t = table([vh('v', ['*'], [
    r({ path: '/exact' }, 'exact'),
    r({ path_separated_prefix: '/sep' }, 'sep'),
    r({ safe_regex: { regex: '/re/[0-9]+' } }, 're'),
    r({ prefix: '/CI', case_sensitive: { value: false } }, 'ci'),
    r({ prefix: '/h', headers: [
      { name: 'x-suffix', string_match: { suffix: 'end' } },
      { name: 'x-contains', string_match: { contains: 'mid', ignore_case: true } },
      { name: 'x-absent', present_match: false },
    ] }, 'headers'),
    r({ prefix: '/q', query_parameters: [{ name: 'a', string_match: { exact: 'b c' } }, { name: 'flag', present_match: true }] }, 'query'),
    r({ prefix: '/range', headers: [{ name: 'x-n', range_match: { start: '10', end: '20' } }] }, 'range'),
    r({ prefix: '/inv', headers: [{ name: 'x-v', exact_match: 'no', invert_match: true }] }, 'inverted'),
    r({ prefix: '/g', grpc: {} }, 'grpc'),
  ])]);
  const c = (path: string, headers: Record<string, string> = {}) => clusterFor(t, 'h', path, headers);

  it('matches exact paths without the query string, and path_separated_prefix on segment boundaries', () => {
    assert.equal(c('/exact?x=1'), 'exact');
    assert.equal(c('/exactly'), null);
    assert.equal(c('/sep'), 'sep');
    assert.equal(c('/sep/x'), 'sep');
    assert.equal(c('/separate'), null);
  });

  it('matches safe_regex against the whole path and honours case_sensitive false', () => {
    assert.equal(c('/re/12'), 're');
    assert.equal(c('/re/12/x'), null);
    assert.equal(c('/ci/anything'), 'ci');
  });

  it('requires every header matcher, absent-header matchers included', () => {
    const ok = { 'x-suffix': 'the-end', 'x-contains': 'aMIDb' };
    assert.equal(c('/h', ok), 'headers');
    assert.equal(c('/h', { ...ok, 'x-absent': '1' }), null);
    assert.equal(c('/h', { 'x-suffix': 'the-end' }), null);
  });

  it('matches decoded query parameters and presence', () => {
    assert.equal(c('/q?a=b%20c&flag'), 'query');
    assert.equal(c('/q?a=b%20c'), null);
  });

  it('matches ranges and inverted matches, never matching an absent header when inverted', () => {
    assert.equal(c('/range', { 'x-n': '15' }), 'range');
    assert.equal(c('/range', { 'x-n': '20' }), null);
    assert.equal(c('/inv', { 'x-v': 'yes' }), 'inverted');
    assert.equal(c('/inv', { 'x-v': 'no' }), null);
    assert.equal(c('/inv'), null);
  });

  it('matches grpc only for gRPC content types', () => {
    assert.equal(c('/g', { 'content-type': 'application/grpc+proto' }), 'grpc');
    assert.equal(c('/g', { 'content-type': 'text/plain' }), null);
  });
});

describe('actions', () => {
  it('picks weighted clusters in proportion to their weights with a seeded Random', () => {
    const t = table([vh('v', ['*'], [{ match: { prefix: '/' }, route: { weighted_clusters: { clusters: [{ name: 'a', weight: { value: 3 } }, { name: 'b', weight: { value: 1 } }] } } }])]);
    const m = t.route(routeRequest({ authority: 'x' }))!;
    assert.ok(m.action.type === 'route');
    const random = seededRandom(9);
    let a = 0;
    for (let i = 0; i < 4000; i++) if (pickCluster(m.action.route.clusterSpecifier, routeRequest({ authority: 'x' }), random)!.name === 'a') a++;
    assert.ok(Math.abs(a / 4000 - 0.75) < 0.03, String(a));
  });

  it('builds redirect locations with prefix rewrite, https and strip_query', () => {
    const t = table([vh('v', ['*'], [{ match: { prefix: '/old' }, redirect: { prefix_rewrite: '/new', https_redirect: true, strip_query: true, response_code: 'FOUND' } }])]);
    const req = routeRequest({ authority: 'h.com:80', path: '/old/x?y=1' });
    const m = t.route(req)!;
    assert.ok(m.action.type === 'redirect');
    assert.equal(m.action.redirect.responseCode, 302);
    assert.equal(redirectLocation(m.action.redirect, req, m.route!.match), 'https://h.com/new/x');
  });

  it('redirects plain-text requests to https on a require_tls ALL host', () => {
    const t = table([{ ...vh('v', ['*']), require_tls: 'ALL' }]);
    const m = t.route(routeRequest({ authority: 'h.com', path: '/p' }))!;
    assert.ok(m.action.type === 'redirect');
    assert.equal(redirectLocation(m.action.redirect, routeRequest({ authority: 'h.com', path: '/p' })), 'https://h.com/p');
    assert.equal(t.route(routeRequest({ authority: 'h.com', scheme: 'https' }))!.action.type, 'route');
  });

  it('falls back to the virtual host retry policy when the route has none', () => {
    const t = table([{ ...vh('v', ['*']), retry_policy: { retry_on: 'reset', num_retries: { value: 4 } } }]);
    assert.equal(t.route(routeRequest({ authority: 'h' }))!.retryPolicy?.numRetries, 4);
  });
});
