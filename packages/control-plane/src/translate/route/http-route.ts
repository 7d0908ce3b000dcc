/**
 * One VirtualService's http rules → Envoy routes, for one listener port and
 * one set of gateways (Istio's BuildHTTPRoutesForVirtualService and
 * translateRoute). A rule yields one route per match that applies to this
 * proxy (port, sourceLabels, sourceNamespace, gateways); routes stop after
 * the first catch-all, since Envoy would never reach the rest. Redirect and
 * directResponse replace forwarding; otherwise destinations become a
 * cluster or weighted_clusters with Istio's timeout (0s, disabled) and retry
 * defaults, rewrites, mirrors, hash policies, fault and CORS per-filter
 * configs.
 */
import type { Destination, HTTPMatchRequest, HTTPRedirect, HTTPRoute } from '@skiff/api';
import { parseDurationMs } from '@skiff/common';
import { resolveGatewayName } from '../../model/gateway-name.ts';
import { resolveShortName } from '../../registry/host.ts';
import type { Service } from '../../registry/types.ts';
import type { HashPolicyWire } from '../cluster/hash-policy.ts';
import { protoDuration } from '../cluster/wire.ts';
import { outboundClusterName } from '../names.ts';
import { buildCorsPolicy, CORS_FILTER_NAME } from './cors.ts';
import { buildFaultConfig, FAULT_FILTER_NAME } from './fault.ts';
import { buildHeaderOperations, mergeHeaderMutations } from './header-operations.ts';
import { integerToFractional, percentToFractional } from './percent.ts';
import { buildRetryPolicy } from './retry-policy.ts';
import { buildRouteMatch, isCatchAllMatch, sourceMatches, type SourceProxy } from './route-match.ts';
import type {
  ClusterWeightWire, FractionalPercentWire, RedirectActionWire, RedirectResponseCode, RequestMirrorPolicyWire,
  RouteActionWire, RouteWire, TypedConfigWire,
} from './wire.ts';

/** An http rule with the namespace its hosts resolve in (a delegate's rules resolve in the delegate's). */
export interface ScopedHttpRoute {
  readonly rule: HTTPRoute;
  readonly namespace: string;
}

/** What building routes may read besides the rules: a pure function of this and the rules. */
export interface RouteBuildContext {
  readonly proxy: SourceProxy;
  /** The port the listener (and so the route configuration) serves. */
  readonly listenerPort: number;
  /** `mesh` for sidecars, `ns/name` of the Gateways being built for routers. */
  readonly gateways: ReadonlySet<string>;
  readonly clusterDomain: string;
  /** The service an FQDN means to this proxy. */
  service(hostname: string): Service | undefined;
  /** The consistent-hash policy of the DestinationRule for (service, port, subset). */
  hashPolicy(service: Service, port: number, subset: string): readonly HashPolicyWire[];
}

export function buildHttpRoutes(vsName: string, rules: readonly ScopedHttpRoute[], ctx: RouteBuildContext): RouteWire[] {
  const out: RouteWire[] = [];
  for (const scoped of rules) {
    const matches: (HTTPMatchRequest | undefined)[] = scoped.rule.match?.length ? scoped.rule.match : [undefined];
    let catchAll = !scoped.rule.match?.length;
    for (const match of matches) {
      const route = buildRoute(vsName, scoped, match, ctx);
      if (!route) continue;
      out.push(route);
      if (isCatchAllMatch(route.match)) {
        catchAll = true;
        break;
      }
    }
    if (catchAll) break;
  }
  return out;
}

function buildRoute(vsName: string, { rule, namespace }: ScopedHttpRoute, match: HTTPMatchRequest | undefined, ctx: RouteBuildContext): RouteWire | undefined {
  if (match?.port && match.port !== ctx.listenerPort) return undefined;
  const matchGateways = (match?.gateways ?? []).map((g) => resolveGatewayName(g, namespace));
  if (!sourceMatches(match, matchGateways, ctx.proxy, ctx.gateways)) return undefined;
  const name = match?.name ? `${rule.name ?? ''}.${match.name}` : rule.name ?? '';
  const headerOps = buildHeaderOperations(rule.headers);
  const base = { name, match: buildRouteMatch(match) };
  let action: Pick<RouteWire, 'route' | 'redirect' | 'direct_response'>;
  let mutations = headerOps.mutations;
  if (rule.redirect) {
    action = { redirect: buildRedirect(rule.redirect, ctx.listenerPort) };
  } else if (rule.directResponse) {
    const body = rule.directResponse.body;
    action = {
      direct_response: {
        status: rule.directResponse.status ?? 0,
        ...(body?.string !== undefined ? { body: { inline_string: body.string } } : body?.bytes !== undefined ? { body: { inline_bytes: body.bytes } } : {}),
      },
    };
  } else {
    const forward = buildForwardAction(rule, namespace, headerOps.authority, ctx);
    action = { route: forward.action };
    mutations = mergeHeaderMutations(mutations, forward.destinationMutations);
  }
  const perFilter: Record<string, TypedConfigWire> = {};
  const fault = buildFaultConfig(rule.fault);
  if (fault) perFilter[FAULT_FILTER_NAME] = fault;
  const cors = buildCorsPolicy(rule.corsPolicy);
  if (cors) perFilter[CORS_FILTER_NAME] = cors;
  const route: RouteWire = {
    ...base,
    ...action,
    ...mutations,
    ...(Object.keys(perFilter).length > 0 ? { typed_per_filter_config: perFilter } : {}),
  };
  return { ...route, decorator: { operation: routeOperation(route, vsName, ctx.listenerPort) } };
}

interface ForwardAction {
  readonly action: RouteActionWire;
  /** A single destination's header operations, which Istio puts on the route itself. */
  readonly destinationMutations: ReturnType<typeof buildHeaderOperations>['mutations'];
}

function buildForwardAction(rule: HTTPRoute, namespace: string, routeAuthority: string, ctx: RouteBuildContext): ForwardAction {
  const hashPolicies: HashPolicyWire[] = [];
  const addHash = (list: readonly HashPolicyWire[]) => {
    for (const h of list) if (!hashPolicies.some((e) => JSON.stringify(e) === JSON.stringify(h))) hashPolicies.push(h);
  };
  const destinations = rule.route ?? [];
  const weighted: ClusterWeightWire[] = [];
  let destinationMutations = {};
  let authority = routeAuthority;
  for (const d of destinations) {
    if (destinations.length > 1 && (d.weight ?? 0) === 0) continue; // Istio ignores 0-weight destinations beside others
    const { cluster, service, port } = destinationCluster(d.destination ?? {}, namespace, ctx);
    if (service) addHash(ctx.hashPolicy(service, port, d.destination?.subset ?? ''));
    const ops = buildHeaderOperations(d.headers);
    if (destinations.length === 1) {
      destinationMutations = ops.mutations;
      if (ops.authority) authority = ops.authority;
    }
    weighted.push({ name: cluster, weight: { value: destinations.length === 1 ? 100 : d.weight ?? 0 }, ...ops.mutations, ...(ops.authority ? { host_rewrite_literal: ops.authority } : {}) });
  }
  const rewrite = rule.rewrite;
  if (rewrite?.authority) authority = rewrite.authority;
  const timeoutMs = rule.timeout !== undefined ? parseDurationMs(rule.timeout) ?? 0 : 0;
  const mirrors = buildMirrorPolicies(rule, namespace, ctx);
  const retry = buildRetryPolicy(rule.retries, hashPolicies.length > 0);
  const action: RouteActionWire = {
    ...(weighted.length === 1 ? { cluster: weighted[0].name } : { weighted_clusters: { clusters: weighted } }),
    timeout: protoDuration(timeoutMs),
    // Istio sets max_stream_duration only when the timeout is disabled, so that it is honoured.
    ...(timeoutMs === 0 ? { max_stream_duration: { max_stream_duration: protoDuration(0), grpc_timeout_header_max: protoDuration(0) } } : {}),
    ...(retry ? { retry_policy: retry } : {}),
    ...(rewrite?.uriRegexRewrite
      ? { regex_rewrite: { pattern: { regex: rewrite.uriRegexRewrite.match ?? '' }, substitution: rewrite.uriRegexRewrite.rewrite ?? '' } }
      : rewrite?.uri ? { prefix_rewrite: rewrite.uri } : {}),
    ...(authority ? { host_rewrite_literal: authority } : {}),
    ...(hashPolicies.length > 0 ? { hash_policy: hashPolicies } : {}),
    ...(mirrors.length > 0 ? { request_mirror_policies: mirrors } : {}),
  };
  // Per-destination operations of a single destination live on the route, not on a cluster weight.
  return { action, destinationMutations: weighted.length === 1 ? destinationMutations : {} };
}

/** Istio's GetDestinationCluster: the port is the destination's, else the service's only port, else the listener's. */
export function destinationCluster(d: Destination, namespace: string, ctx: RouteBuildContext): { cluster: string; service: Service | undefined; port: number } {
  const host = resolveShortName(d.host ?? '', namespace, ctx.clusterDomain);
  const service = ctx.service(host);
  const port = d.port?.number ?? (service?.ports.length === 1 ? service.ports[0].port : ctx.listenerPort);
  return { cluster: outboundClusterName(port, d.subset ?? '', host), service, port };
}

function buildMirrorPolicies(rule: HTTPRoute, namespace: string, ctx: RouteBuildContext): RequestMirrorPolicyWire[] {
  const out: RequestMirrorPolicyWire[] = [];
  const add = (d: Destination, fraction: FractionalPercentWire | undefined) => {
    if (!fraction) return;
    out.push({ cluster: destinationCluster(d, namespace, ctx).cluster, runtime_fraction: { default_value: fraction }, trace_sampled: { value: false } });
  };
  if (rule.mirror) {
    // Istio's mirrorPercent: mirrorPercentage, else the deprecated mirrorPercent, else 100%; an explicit 0 disables.
    const fraction = rule.mirrorPercentage !== undefined
      ? ((rule.mirrorPercentage.value ?? 0) > 0 ? percentToFractional(rule.mirrorPercentage) : undefined)
      : rule.mirrorPercent !== undefined ? (rule.mirrorPercent > 0 ? integerToFractional(rule.mirrorPercent) : undefined)
      : integerToFractional(100);
    add(rule.mirror, fraction);
  }
  for (const m of rule.mirrors ?? []) {
    if (!m.destination) continue;
    const fraction = m.percentage !== undefined ? ((m.percentage.value ?? 0) > 0 ? percentToFractional(m.percentage) : undefined) : integerToFractional(100);
    add(m.destination, fraction);
  }
  return out;
}

const REDIRECT_CODES: Readonly<Record<number, RedirectResponseCode>> = {
  301: 'MOVED_PERMANENTLY', 302: 'FOUND', 303: 'SEE_OTHER', 307: 'TEMPORARY_REDIRECT', 308: 'PERMANENT_REDIRECT',
};

/** Istio's applyRedirect; FROM_REQUEST_PORT is the listener port, since routes are built per port. */
function buildRedirect(r: HTTPRedirect, listenerPort: number): RedirectActionWire {
  const port = r.port ?? (r.derivePort === 'FROM_REQUEST_PORT' ? listenerPort : undefined);
  const code = REDIRECT_CODES[r.redirectCode ?? 301];
  return {
    ...(r.authority ? { host_redirect: r.authority } : {}),
    ...(r.uri ? { path_redirect: r.uri } : {}),
    ...(r.scheme ? { scheme_redirect: r.scheme } : {}),
    ...(port !== undefined ? { port_redirect: port } : {}),
    ...(code && code !== 'MOVED_PERMANENTLY' ? { response_code: code } : {}),
  };
}

/** Istio's getRouteOperation: `host:port/path` for one cluster, else `vsName:port/path`. */
function routeOperation(route: RouteWire, vsName: string, port: number): string {
  const m = route.match;
  const path = m.prefix !== undefined ? `${m.prefix}*` : m.path ?? m.safe_regex?.regex ?? '/*';
  const parts = route.route?.cluster?.split('|');
  if (parts && parts.length === 4) return `${parts[3]}:${parts[1]}${path}`;
  return `${vsName}:${port}${path}`;
}
