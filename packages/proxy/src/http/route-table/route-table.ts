/**
 * Envoy's route matching for one RouteConfiguration, compiled once when RDS
 * delivers it (STYLE rule 2) and called per request: virtual host by
 * authority, then the first route whose conditions hold. The result carries
 * the route's action, its effective retry policy (the route's, else the
 * virtual host's) and, for weighted clusters, a pick that takes the
 * caller's Random. A virtual host that requires TLS answers plain-text
 * requests with Envoy's 301 to https. No I/O.
 */
import type { Random } from '@skiff/common';
import { compileRouteMatch, parseQueryParameters, type RoutePredicate } from './route-matcher.ts';
import type {
  ClusterSpecifierConfig, RedirectActionConfig, RetryPolicyConfig, RouteActionConfig, RouteConfig, RouteRequest, RouteTableConfig,
  VirtualHostConfig, WeightedClusterConfig,
} from './types.ts';
import { VirtualHostSelector } from './virtual-host-selector.ts';

export interface RouteMatch {
  readonly virtualHost: VirtualHostConfig;
  /** undefined for the TLS redirect of a require_tls virtual host. */
  readonly route: RouteConfig | undefined;
  readonly action: RouteActionConfig;
  readonly retryPolicy: RetryPolicyConfig | undefined;
}

export interface RouteTable {
  readonly config: RouteTableConfig;
  /** The matched route, or null when no virtual host or no route matches (Envoy answers 404, flag NR). */
  route(request: RouteRequest): RouteMatch | null;
}

interface CompiledVirtualHost {
  readonly routes: readonly { readonly route: RouteConfig; readonly matches: RoutePredicate }[];
}

const TLS_REDIRECT: RedirectActionConfig = {
  schemeRedirect: 'https', hostRedirect: undefined, portRedirect: undefined, pathRedirect: undefined,
  prefixRewrite: undefined, regexRewrite: undefined, responseCode: 301, stripQuery: false,
};

export function createRouteTable(config: RouteTableConfig): RouteTable {
  const selector = new VirtualHostSelector(config.virtualHosts, config.ignorePortInHostMatching);
  const compiled = new Map<VirtualHostConfig, CompiledVirtualHost>();
  for (const vh of config.virtualHosts) {
    compiled.set(vh, { routes: vh.routes.map((route) => ({ route, matches: compileRouteMatch(route.match) })) });
  }
  return {
    config,
    route(request) {
      const vh = selector.select(request.authority);
      if (!vh) return null;
      if (requiresTlsRedirect(vh, request)) return { virtualHost: vh, route: undefined, action: { type: 'redirect', redirect: TLS_REDIRECT }, retryPolicy: undefined };
      let query: ReadonlyMap<string, string> | undefined;
      const lazyQuery = () => (query ??= parseQueryParameters(request.path));
      for (const { route, matches } of compiled.get(vh)!.routes) {
        if (!matches(request, lazyQuery)) continue;
        const retryPolicy = route.action.type === 'route' ? route.action.route.retryPolicy ?? vh.retryPolicy : undefined;
        return { virtualHost: vh, route, action: route.action, retryPolicy };
      }
      return null;
    },
  };
}

function requiresTlsRedirect(vh: VirtualHostConfig, request: RouteRequest): boolean {
  if (request.scheme === 'https') return false;
  if (vh.requireTls === 'ALL') return true;
  return vh.requireTls === 'EXTERNAL_ONLY' && request.header('x-envoy-internal') !== 'true';
}

export interface ClusterPick {
  readonly name: string;
  /** The weighted cluster entry, for its header mutations and host rewrite. */
  readonly weighted: WeightedClusterConfig | undefined;
}

/**
 * The upstream cluster for a forwarding route: the named one, the one a
 * request header names, or a weighted pick (Envoy: a value in
 * [0, total weight) against the running sum of weights, in order).
 */
export function pickCluster(spec: ClusterSpecifierConfig, request: RouteRequest, random: Random): ClusterPick | undefined {
  switch (spec.kind) {
    case 'cluster': return { name: spec.name, weighted: undefined };
    case 'clusterHeader': {
      const name = request.header(spec.header);
      return name ? { name, weighted: undefined } : undefined;
    }
    case 'weightedClusters': {
      const value = Math.floor(random.next() * spec.totalWeight);
      let sum = 0;
      for (const c of spec.clusters) {
        sum += c.weight;
        if (value < sum) return { name: c.name, weighted: c };
      }
      const last = spec.clusters[spec.clusters.length - 1];
      return last ? { name: last.name, weighted: last } : undefined;
    }
  }
}
