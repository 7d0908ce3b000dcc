/**
 * A sidecar's per-port outbound listeners (Istio's
 * buildSidecarOutboundListeners). For each egress listener of the proxy's
 * SidecarScope, in order, and each service port it sees:
 *   - HTTP ports share one `0.0.0.0_<port>` listener whose HCM fetches
 *     route configuration `<port>` over RDS; on the wildcard address the
 *     HTTP chain matches plaintext HTTP (HTTP inspector) so that other TCP
 *     traffic on the port still reaches the catch-all.
 *   - TCP and TLS ports get `<VIP>_<port>` (or `0.0.0.0_<port>` without a
 *     VIP, a CIDR through prefix_ranges) with tcp_proxy chains; headless
 *     TCP services get a listener per endpoint address.
 *   - Ports of unknown protocol get both, told apart by the HTTP inspector;
 *     on a listener of their own (a VIP) their HCM fetches the service's
 *     own route configuration `<host>:<port>`.
 * Listeners bind nothing (bind_to_port false): virtualOutbound hands them
 * their connections, unless the egress listener asks for captureMode NONE.
 * An explicit egress port locks its listener: the catch-all egress listener
 * adds nothing there. Conflicts merge or upgrade to sniffing as Istio does.
 */
import { listenerName, listenerStatPrefix, outboundRouteName, PASSTHROUGH_FILTER_CHAIN, sniffedOutboundRouteName } from '../names.ts';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import type { EgressListenerScope, SidecarScope } from '../../model/sidecar-scope.ts';
import { cacheSlot } from '../../model/push-cache.ts';
import type { ProxyKey } from '../../model/proxy-key.ts';
import { isHttpProtocol, isTcpProtocol, parseProtocol, type Protocol } from '../../registry/protocol.ts';
import type { Service } from '../../registry/types.ts';
import { buildCatchAllFilters } from './catch-all.ts';
import { buildFilterChain, conflicts, isMatchAll, httpInspector, tlsInspector, type FilterChainOpts } from './filter-chain.ts';
import { buildHttpConnectionManager } from './http-connection-manager.ts';
import { buildOutboundTcpChains } from './outbound-tcp.ts';
import type { TcpRouteContext } from './tcp-proxy.ts';
import { PLAINTEXT_HTTP_ALPNS, RAW_BUFFER, WILDCARD_ADDRESS } from './well-known.ts';
import type { FilterChainWire, ListenerWire } from './wire.ts';

const LOCALHOST = '127.0.0.1';

/** A chain whose HCM is built once the listener's name is known. */
interface OutboundChain extends FilterChainOpts {
  readonly rds?: string;
}

interface Entry {
  readonly bind: string;
  readonly port: number;
  readonly bindToPort: boolean;
  protocol: Protocol;
  chains: OutboundChain[];
  locked: boolean;
}

interface Candidate {
  bind: string;
  readonly bindToPort: boolean;
  readonly port: number;
  readonly protocol: Protocol;
  readonly service: Service;
  cidr?: string;
}

/** Entries by bind address, then port (insertion order is the output order). */
class EntryMap {
  readonly #byBind = new Map<string, Map<number, Entry>>();
  get(bind: string, port: number): Entry | undefined {
    return this.#byBind.get(bind)?.get(port);
  }
  set(e: Entry): void {
    let ports = this.#byBind.get(e.bind);
    if (!ports) this.#byBind.set(e.bind, (ports = new Map()));
    ports.set(e.port, e);
  }
  *entries(): Iterable<Entry> {
    for (const ports of this.#byBind.values()) yield* ports.values();
  }
}

/**
 * Outbound listeners are shared by proxies with the same ProxyKey; the only
 * thing of the proxy itself they read is its first address, which a
 * headless TCP service's per-endpoint listeners skip, so that address is
 * part of the key only when the scope has such a service.
 */
const OUTBOUND_LISTENERS = cacheSlot<{ proxy: ProxyKey; ownAddress: string }, readonly ListenerWire[], PushContext>(
  'outbound listener lists',
  ({ proxy, ownAddress }, push) => buildOutboundListenersFor(proxy, ownAddress, push),
);

const headlessTcpScopes = new WeakMap<SidecarScope, boolean>();

function hasHeadlessTcp(scope: SidecarScope): boolean {
  let found = headlessTcpScopes.get(scope);
  if (found === undefined) {
    found = scope.egress.some((e) => e.services.some((s) => s.resolution === 'Passthrough' && s.addresses.length === 0));
    headlessTcpScopes.set(scope, found);
  }
  return found;
}

export function buildOutboundListeners(proxy: ProxyView, push: PushContext): readonly ListenerWire[] {
  const ownAddress = hasHeadlessTcp(push.sidecarScope(proxy)) ? (proxy.ipAddresses[0] ?? '') : '';
  return push.cache.getOrBuild(OUTBOUND_LISTENERS, { proxy: push.proxyKey(proxy), ownAddress });
}

function buildOutboundListenersFor(proxy: ProxyView, ownAddress: string, push: PushContext): ListenerWire[] {
  const scope = push.sidecarScope(proxy);
  const entries = new EntryMap();
  for (const egress of scope.egress) {
    const listener = egress.listener;
    const bindToPort = listener?.captureMode === 'NONE' || (listener?.bind ?? '').startsWith('unix://');
    const bind = listener?.bind || (bindToPort ? LOCALHOST : '');
    if (listener?.port?.number) {
      const port = listener.port.number;
      const protocol = parseProtocol(listener.port.protocol);
      for (const service of egress.services) add(proxy, push, entries, egress, { bind, bindToPort, port, protocol, service });
      continue;
    }
    for (const e of entries.entries()) e.locked = true;
    for (const service of egress.services) {
      for (const sp of service.ports) {
        const c: Candidate = { bind, bindToPort, port: sp.port, protocol: sp.protocol, service };
        const headlessTcp = bind === '' && service.resolution === 'Passthrough' && service.addresses.length === 0
          && (isTcpProtocol(sp.protocol) || sp.protocol === 'Unsupported');
        if (!headlessTcp) {
          add(proxy, push, entries, egress, c);
          continue;
        }
        const instances = push.registry.endpointsForPort(service, sp.port);
        if (service.registry !== 'Kubernetes' && instances.length === 0) {
          add(proxy, push, entries, egress, c);
          continue;
        }
        for (const endpoint of instances) {
          if (!isIpAddress(endpoint.address) || endpoint.address === ownAddress) continue;
          add(proxy, push, entries, egress, { ...c, bind: endpoint.address });
        }
      }
    }
  }
  const catchAll = buildCatchAllFilters(proxy, push);
  return [...entries.entries()].map((e) => buildListener(e, catchAll));
}

/** Istio's buildSidecarOutboundListener: one service port into the entry map. */
function add(proxy: ProxyView, push: PushContext, entries: EntryMap, egress: EgressListenerScope, c: Candidate): void {
  const kind = listenerProtocol(c.protocol);
  if (kind === undefined) return; // UDP
  if (kind === 'HTTP') {
    if (c.bind === '') c.bind = WILDCARD_ADDRESS;
  } else if (c.bind === '') {
    const address = c.service.addresses[0] ?? WILDCARD_ADDRESS;
    if (address.includes('/')) {
      c.bind = WILDCARD_ADDRESS;
      c.cidr = address;
    } else {
      c.bind = address;
    }
  }
  const current = entries.get(c.bind, c.port);
  if (current?.locked) return;
  const tcpCtx: TcpRouteContext = { proxy, push, listenerPort: c.port };
  const tcp = (): OutboundChain[] => buildOutboundTcpChains(tcpCtx, {
    service: c.service, port: c.port, protocol: c.protocol, bind: c.bind, cidr: c.cidr, virtualServices: egress.virtualServices,
  });
  const http = (sniffed: boolean): OutboundChain[] => [{
    rds: kind === 'Auto' && c.bind !== WILDCARD_ADDRESS ? sniffedOutboundRouteName(c.service.hostname, c.port) : outboundRouteName(c.port),
    filters: [],
    ...(sniffed ? { applicationProtocols: PLAINTEXT_HTTP_ALPNS, transportProtocol: RAW_BUFFER } : {}),
  }];

  let chains: OutboundChain[];
  let protocol = c.protocol;
  let merge: 'replace' | 'merge' | 'upgrade';
  if (c.protocol === 'HTTP_PROXY') {
    chains = http(false);
    merge = 'replace';
  } else if (kind === 'HTTP') {
    if (current && !isTcpProtocol(current.protocol)) return;
    merge = current ? 'upgrade' : 'replace';
    const sniffed = c.bind === WILDCARD_ADDRESS;
    chains = http(sniffed);
    if (sniffed) protocol = 'Unsupported';
  } else if (kind === 'TCP') {
    chains = tcp();
    merge = !current ? 'replace' : isHttpProtocol(current.protocol) ? 'upgrade' : 'merge';
  } else {
    if (current && !isHttpProtocol(current.protocol) && !isTcpProtocol(current.protocol)) return;
    merge = !current || isHttpProtocol(current.protocol) ? 'replace' : 'upgrade';
    chains = [...tcp(), ...http(true)];
  }
  if (current && merge !== 'replace' && wellKnownConflict(c.protocol, current.protocol)) return;
  if (!current || merge === 'replace') {
    entries.set({ bind: c.bind, port: c.port, bindToPort: c.bindToPort, protocol, chains, locked: false });
    return;
  }
  for (const incoming of chains) if (!current.chains.some((existing) => conflicts(existing, incoming))) current.chains.push(incoming);
  if (merge === 'upgrade') current.protocol = 'Unsupported';
}

function listenerProtocol(p: Protocol): 'HTTP' | 'TCP' | 'Auto' | undefined {
  if (isHttpProtocol(p)) return 'HTTP';
  if (isTcpProtocol(p)) return 'TCP';
  if (p === 'Unsupported') return 'Auto';
  return undefined;
}

/** Mongo and MySQL never share a port with another protocol. */
function wellKnownConflict(incoming: Protocol, existing: Protocol): boolean {
  const special = (p: Protocol) => p === 'Mongo' || p === 'MySQL';
  return (special(incoming) || special(existing)) && incoming !== existing;
}

/** Istio's buildListenerFromEntry. */
function buildListener(e: Entry, catchAll: FilterChainWire['filters']): ListenerWire {
  const name = listenerName(e.bind, e.port);
  const listener: ListenerWire = {
    name,
    address: { socket_address: { address: e.bind, port_value: e.port } },
    traffic_direction: 'OUTBOUND',
    filter_chains: [],
    continue_on_listener_filters_timeout: true,
    listener_filters_timeout: { seconds: '0' },
  };
  if (!e.bindToPort) listener.bind_to_port = { value: false };
  const needsHttpInspector = e.chains.some((c) => (c.applicationProtocols?.length ?? 0) > 0);
  const needsTlsInspector = e.chains.some((c) => (c.sniHosts?.length ?? 0) > 0);
  if (needsTlsInspector || needsHttpInspector) listener.listener_filters = [tlsInspector(), ...(needsHttpInspector ? [httpInspector()] : [])];
  let fallback: FilterChainWire | undefined;
  for (const c of e.chains) {
    const filters = c.rds !== undefined
      ? [buildHttpConnectionManager({ listenerClass: 'sidecar-outbound', statPrefix: listenerStatPrefix('outbound', e.bind, e.port), rds: c.rds })]
      : c.filters;
    const chain = buildFilterChain({ ...c, filters });
    if (isMatchAll(c)) fallback = chain;
    else listener.filter_chains.push(chain);
  }
  if (fallback && listener.filter_chains.length === 0) listener.filter_chains.push(fallback);
  else listener.default_filter_chain = fallback ?? { name: PASSTHROUGH_FILTER_CHAIN, filter_chain_match: {}, filters: catchAll };
  return listener;
}

function isIpAddress(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(text) || (text.includes(':') && /^[0-9a-fA-F:.]+$/.test(text));
}
