/**
 * Istio's mergeGateways, reduced to what listeners and routes need: the
 * servers of every Gateway selecting a router proxy, merged by the port
 * the workload listens on, and the servers behind each route configuration
 * name. A server port that a Service of the gateway workload exposes
 * becomes that Service's targetPort (port 80 → 8080); any other port is
 * used as is. Servers Istio would reject (protocol clashes on a port,
 * duplicate TLS hosts, HTTPS route name reuse) are skipped, oldest Gateway
 * first. LDS (listener/gateway.ts) and RDS (route/gateway.ts) both read
 * this one result, so an HCM never names a route configuration RDS does
 * not build.
 */
import type { Server } from '@skiff/api';
import type { GatewayEntry } from '../../model/gateway-index.ts';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import { isHttpProtocol, parseProtocol } from '../../registry/protocol.ts';
import type { ServiceTarget } from '../../registry/service-registry.ts';
import { gatewayRouteName } from '../names.ts';

/** Istio's label opting a Service out of gateway port translation. */
const DISABLE_PORT_TRANSLATION_LABEL = 'experimental.istio.io/disable-gateway-port-translation';

export interface GatewayServer {
  readonly server: Server;
  readonly gateway: GatewayEntry;
  /** The port the workload listens on for this server (after port translation). */
  readonly listenerPort: number;
  /** '' for servers that are not HTTP (TCP, TLS passthrough). */
  readonly routeName: string;
  readonly sniHosts: readonly string[];
}

export interface MergedPort {
  readonly port: number;
  readonly protocol: string;
  readonly bind: string;
  routeName: string;
  readonly servers: GatewayServer[];
}

export interface MergedGateway {
  /** One entry per listener (port and bind), in Gateway order. */
  readonly ports: readonly MergedPort[];
  /** Istio's ServersByRouteName: the HTTP and HTTPS servers behind each route configuration. */
  readonly serversByRouteName: ReadonlyMap<string, readonly GatewayServer[]>;
}

export function mergeGateway(proxy: ProxyView, push: PushContext): MergedGateway {
  return mergeServers(push.gateways(proxy), push.serviceTargets(proxy));
}

/** Istio's resolvePorts with the legacy label selector: the first Service port equal to the server port gives its targetPort. */
export function resolveGatewayPort(number: number, targets: readonly ServiceTarget[]): number {
  const t = targets.find((x) => x.port.port === number && x.service.labels[DISABLE_PORT_TRANSLATION_LABEL] === undefined);
  return t ? t.targetPort : number;
}

export const isPassthrough = (s: Server) => s.tls?.mode === 'PASSTHROUGH' || s.tls?.mode === 'AUTO_PASSTHROUGH';
export const protocolOf = (s: Server) => parseProtocol(s.port?.protocol);
/** gateway.IsHTTPServer: plain HTTP, or HTTPS terminated here. */
const isHttpServer = (s: Server) => isHttpProtocol(protocolOf(s)) || (protocolOf(s) === 'HTTPS' && !isPassthrough(s));
/** gateway.IsTLSServer. */
const isTlsServer = (s: Server) => s.tls !== undefined && !isHttpProtocol(protocolOf(s));

function routeNameFor(s: Server, listenerPort: number, g: GatewayEntry): string {
  const kind = isHttpProtocol(protocolOf(s)) ? 'http' : protocolOf(s) === 'HTTPS' && !isPassthrough(s) ? 'https' : undefined;
  if (kind === undefined) return '';
  return gatewayRouteName({
    kind,
    listenerPort,
    serverPort: s.port?.number ?? 0,
    portName: s.port?.name ?? '',
    gatewayName: g.config.metadata.name ?? '',
    gatewayNamespace: g.config.metadata.namespace ?? '',
    bind: s.bind ?? '',
  });
}

/** Istio's GetSNIHostsForServer: hosts without their `ns/`, unique and sorted. */
function sniHostsFor(s: Server): string[] {
  if (!s.tls) return [];
  return [...new Set((s.hosts ?? []).map((h) => (h.includes('/') ? h.split('/')[1] : h)))].sort();
}

function mergeServers(gateways: readonly GatewayEntry[], targets: readonly ServiceTarget[]): MergedGateway {
  const merged: MergedPort[] = [];
  const byRoute = new Map<string, GatewayServer[]>();
  const addToRoute = (entry: GatewayServer, replace: boolean) => {
    if (entry.routeName === '') return;
    const list = byRoute.get(entry.routeName);
    if (!list || replace) byRoute.set(entry.routeName, [entry]);
    else list.push(entry);
  };
  const plainText = new Map<number, MergedPort>();
  const usedPorts = new Set<number>();
  const tlsHosts = new Map<number, Map<string, string>>(); // port → host → bind
  const tlsBinds = new Map<number, Set<string>>();
  for (const g of gateways) {
    for (const server of g.config.spec?.servers ?? []) {
      if (!server.port?.number) continue;
      const port = resolveGatewayPort(server.port.number, targets);
      const bind = server.bind ?? '';
      const routeName = routeNameFor(server, port, g);
      const entry: GatewayServer = { server, gateway: g, listenerPort: port, routeName, sniHosts: sniHostsFor(server) };
      if (server.tls) {
        let known = tlsHosts.get(port);
        if (!known) tlsHosts.set(port, (known = new Map()));
        const hosts = server.hosts ?? [];
        if (hosts.some((h) => known.get(h) === bind)) continue; // duplicate TLS host on this port
        for (const h of hosts) known.set(h, bind);
      }
      const protocol = server.port.protocol ?? '';
      if (!usedPorts.has(port)) {
        usedPorts.add(port);
        const m: MergedPort = { port, protocol, bind, routeName, servers: [entry] };
        if (!isTlsServer(server)) plainText.set(port, m);
        if (isHttpServer(server)) addToRoute(entry, true);
        merged.push(m);
        continue;
      }
      const current = plainText.get(port);
      if (current) {
        const canMerge = isHttpProtocol(parseProtocol(protocol)) && (isHttpProtocol(parseProtocol(current.protocol)) || current.protocol === protocol);
        if (!canMerge && current.bind === bind) continue;
        if (routeName === '' && current.bind === bind) continue;
        if (current.bind !== bind) {
          const other = merged.find((x) => x.port === port && x.bind === bind && x.protocol === protocol);
          if (other) {
            other.routeName = routeName;
            other.servers.push(entry);
          } else {
            merged.push({ port, protocol, bind, routeName, servers: [entry] });
          }
        } else {
          current.servers.push(entry);
        }
        addToRoute(entry, false);
        continue;
      }
      if (isHttpServer(server)) {
        if (routeName === '' || byRoute.has(routeName)) continue;
        addToRoute(entry, true);
      }
      let binds = tlsBinds.get(port);
      if (!binds) tlsBinds.set(port, (binds = new Set()));
      const newBind = !binds.has(bind);
      binds.add(bind);
      if (!server.tls && !newBind) continue;
      const same = merged.find((x) => x.port === port && x.bind === bind && x.protocol === protocol);
      if (same) same.servers.push(entry);
      else merged.push({ port, protocol, bind, routeName, servers: [entry] });
    }
  }
  return { ports: merged, serversByRouteName: byRoute };
}
