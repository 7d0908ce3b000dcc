/**
 * A gateway's route configurations (Istio's buildGatewayHTTPRouteConfig),
 * one per name of the merged Gateway servers (listener/merged-gateway.ts):
 * `http.<listener port>` for the plain-text HTTP servers on a port (all
 * Gateways selecting the proxy merged), `https.<server port>.<port
 * name>.<gateway>.<ns>` for each server terminating TLS, `.<bind>` appended
 * for servers with a bind. Virtual hosts carry the server port. Each
 * server host (`ns/host`; `*`, `.` or a namespace) intersected with the
 * hosts of the VirtualServices bound to that Gateway gets a virtual host; several VirtualServices for one host are
 * merged in creation order with catch-all routes moved last, as Istio's
 * SortVHostRoutes does, and a catch-all shadowed by another is reported.
 * `httpsRedirect` sets require_tls ALL, with a virtual host of its own when
 * no VirtualService serves the host. A port with no virtual host gets
 * Istio's `blackhole:<port>` (404 for everything).
 */
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import { hostMatches } from '../../registry/host.ts';
import { mergeGateway, type GatewayServer } from '../listener/merged-gateway.ts';
import { virtualHostName } from '../names.ts';
import { expandDelegates, type RouteConflict } from './delegate.ts';
import { buildHttpRoutes } from './http-route.ts';
import { isCatchAllMatch } from './route-match.ts';
import { delegateLookup, routeContext } from './route-context.ts';
import { finishRouteConfiguration } from './route-configuration.ts';
import { plainVirtualHostDomains } from './virtual-host-domains.ts';
import type { RouteConfigurationWire, RouteWire, VirtualHostWire } from './wire.ts';

/** Route configuration name → the servers it serves, in Gateway order: the listeners' own merge, so LDS and RDS name alike. */
export function gatewayRouteServers(proxy: ProxyView, push: PushContext): ReadonlyMap<string, readonly GatewayServer[]> {
  return mergeGateway(proxy, push).serversByRouteName;
}

interface VirtualHostDraft {
  readonly name: string;
  readonly domains: string[];
  /** Routes with the VirtualService they came from, for conflict reports. */
  readonly routes: { route: RouteWire; from: string }[];
  requireTls: boolean;
}

export function buildGatewayRouteConfiguration(proxy: ProxyView, push: PushContext, name: string, servers: readonly GatewayServer[], conflicts: RouteConflict[]): RouteConfigurationWire {
  const drafts = new Map<string, VirtualHostDraft>();
  const memo = new Map<string, RouteWire[]>();
  for (const { gateway, server } of servers) {
    // Virtual hosts and `port` matches use the server's port, not the one listened on (Istio's buildGatewayHTTPRouteConfig).
    const port = server.port?.number ?? 0;
    const gatewayNamespace = gateway.config.metadata.namespace ?? '';
    const ctx = routeContext(proxy, push, port, new Set([gateway.ref]));
    for (const vs of push.virtualServices(proxy, gateway.ref)) {
      const serverHosts = hostsForNamespace(server.hosts ?? [], vs.namespace, gatewayNamespace);
      const hosts = intersect(serverHosts, vs.hosts);
      if (hosts.length === 0) continue;
      const memoKey = `${gateway.ref}\u0000${vs.namespace}\u0000${vs.name}`;
      let routes = memo.get(memoKey);
      if (!routes) {
        routes = buildHttpRoutes(vs.name, expandDelegates(vs, delegateLookup(proxy, push, vs.namespace), conflicts), ctx);
        memo.set(memoKey, routes);
      }
      for (const host of hosts) {
        const draft = draftFor(drafts, host, port);
        draft.routes.push(...routes.map((route) => ({ route, from: `${vs.namespace}/${vs.name}` })));
        if (server.tls?.httpsRedirect) draft.requireTls = true;
      }
    }
    if (server.tls?.httpsRedirect) {
      for (const host of hostsForNamespace(server.hosts ?? [], gatewayNamespace, gatewayNamespace, true)) draftFor(drafts, host, port).requireTls = true;
    }
  }
  if (drafts.size === 0) {
    const port = servers[0]?.server.port?.number ?? 0;
    return finishRouteConfiguration(name, [{ name: virtualHostName('blackhole', port), domains: ['*'], routes: [], include_request_attempt_count: true }]);
  }
  const vhosts = [...drafts.values()].map((d) => finishDraft(d, conflicts)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return finishRouteConfiguration(name, vhosts);
}

function draftFor(drafts: Map<string, VirtualHostDraft>, host: string, port: number): VirtualHostDraft {
  let d = drafts.get(host);
  if (!d) drafts.set(host, (d = { name: virtualHostName(host, port), domains: plainVirtualHostDomains(host, port), routes: [], requireTls: false }));
  return d;
}

/** Catch-all routes last (stable); a catch-all behind another one is unreachable and reported. */
function finishDraft(d: VirtualHostDraft, conflicts: RouteConflict[]): VirtualHostWire {
  const regular = d.routes.filter((r) => !isCatchAllMatch(r.route.match));
  const catchAll = d.routes.filter((r) => isCatchAllMatch(r.route.match));
  for (const shadowed of catchAll.slice(1)) {
    if (shadowed.from === catchAll[0].from) continue;
    conflicts.push({
      virtualService: shadowed.from,
      message: `virtual host ${d.name}: catch-all route ${JSON.stringify(shadowed.route.name)} is unreachable, ${catchAll[0].from} already matches every request`,
    });
  }
  return {
    name: d.name,
    domains: d.domains,
    routes: [...regular, ...catchAll].map((r) => r.route),
    include_request_attempt_count: true,
    ...(d.requireTls ? { require_tls: 'ALL' as const } : {}),
  };
}

/**
 * Istio's NamesForNamespace: the server hosts a config in `namespace` may
 * bind (`*\/h`, `./h` for the Gateway's namespace, `ns/h`, or a bare `h`).
 * `all` keeps every host, whatever its namespace part.
 */
function hostsForNamespace(hosts: readonly string[], namespace: string, gatewayNamespace: string, all = false): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    const slash = h.indexOf('/');
    const ns = slash < 0 ? '*' : h.slice(0, slash);
    const name = (slash < 0 ? h : h.slice(slash + 1)).toLowerCase();
    if (all || ns === '*' || ns === namespace || (ns === '.' && namespace === gatewayNamespace)) out.push(name);
  }
  return out;
}

/** Istio's Names.Intersection: for each matching pair, the more specific of the two names. */
function intersect(serverHosts: readonly string[], vsHosts: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of serverHosts) {
    for (const v of vsHosts) {
      const pick = hostMatches(v, s) ? s : hostMatches(s, v) ? v : undefined;
      if (pick !== undefined && !out.includes(pick)) out.push(pick);
    }
  }
  return out;
}
