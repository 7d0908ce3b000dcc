/**
 * The sidecar's virtualInbound listener on 15006 (Istio's
 * buildInboundListeners): original_dst, then one filter chain set per
 * workload port, matched by destination port. Ports come from the service
 * targets of the proxy's own workload (first service wins a target port),
 * or, when the Sidecar has ingress listeners, from those instead. HTTP
 * ports terminate in an HCM with an inline route to `inbound|<port>||`;
 * TCP ports in tcp_proxy to it; ports of unknown protocol get both, told
 * apart by the HTTP inspector. Unmatched traffic goes through the
 * passthrough chains to InboundPassthroughCluster, and traffic addressed
 * to 15006 itself to BlackHoleCluster.
 *
 * The chains here are the plaintext ones (Istio's mTLS DISABLE set). The
 * security issue adds the mTLS chains (transport_protocol `tls`, Istio's
 * ALPNs, DownstreamTlsContext) for PERMISSIVE and STRICT through
 * `inboundMatchOptions`; the TLS inspector is added automatically once a
 * chain matches on `tls`.
 */
import { BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, inboundClusterName, listenerName, listenerStatPrefix, VIRTUAL_INBOUND_BLACKHOLE_CHAIN, VIRTUAL_INBOUND_CATCH_ALL_HTTP_CHAIN, VIRTUAL_INBOUND_LISTENER } from '../names.ts';
import type { ProxyView, PushContext } from '../../model/push-context.ts';
import { isHttp2Protocol, isHttpProtocol, isTcpProtocol, parseProtocol, type Protocol } from '../../registry/protocol.ts';
import { buildFilterChain, httpInspector, tlsInspector } from './filter-chain.ts';
import { buildHttpConnectionManager } from './http-connection-manager.ts';
import { buildInboundRouteConfig } from './inbound-route.ts';
import { tcpProxyFilter } from './tcp-proxy.ts';
import { INBOUND_CAPTURE_PORT, ORIGINAL_DST, PLAINTEXT_HTTP_ALPNS, RAW_BUFFER, TLS, WILDCARD_ADDRESS } from './well-known.ts';
import { TypeUrl } from '@skiff/api';
import type { FilterChainWire, ListenerFilterPredicateWire, ListenerFilterWire, ListenerWire } from './wire.ts';
import { cacheSlot } from '../../model/push-cache.ts';
import type { SidecarScope } from '../../model/sidecar-scope.ts';
import type { ServiceTarget } from '../../registry/service-registry.ts';

/** One inbound port (Istio's inboundChainConfig). */
export interface InboundChainConfig {
  readonly targetPort: number;
  /** The service port (0 for the passthrough chains). */
  readonly servicePort: number;
  readonly protocol: Protocol;
  readonly cluster: string;
  readonly bind: string;
  readonly bindToPort: boolean;
  /** The service host name, for the route decorator ('' for Sidecar ingress and passthrough). */
  readonly hostname: string;
  readonly passthrough: boolean;
}

export type InboundListenerProtocol = 'HTTP' | 'TCP' | 'Auto';

export interface InboundMatchOption {
  readonly protocol: 'HTTP' | 'TCP';
  readonly transportProtocol: string;
  readonly applicationProtocols?: readonly string[];
}

/** Istio's getFilterChainMatchOptions for mTLS mode DISABLE (plaintext). */
export function inboundMatchOptions(protocol: InboundListenerProtocol): readonly InboundMatchOption[] {
  switch (protocol) {
    case 'HTTP': return [{ protocol: 'HTTP', transportProtocol: RAW_BUFFER }];
    case 'TCP': return [{ protocol: 'TCP', transportProtocol: RAW_BUFFER }];
    case 'Auto': return [
      { protocol: 'HTTP', transportProtocol: RAW_BUFFER, applicationProtocols: PLAINTEXT_HTTP_ALPNS },
      { protocol: 'TCP', transportProtocol: RAW_BUFFER },
    ];
  }
}

/**
 * Inbound listeners read the proxy's scope and its own service targets
 * only, so they are cached by those two (the push context hands out one
 * targets array per address): a proxy's successive pushes, and proxies
 * serving nothing, reuse one built (and encoded) object.
 */
const INBOUND_LISTENERS = cacheSlot<{ scope: SidecarScope; targets: readonly ServiceTarget[] }, readonly ListenerWire[]>(
  'inbound listener lists',
  ({ scope, targets }) => inboundListenersFor(scope, targets),
);

export function buildInboundListeners(proxy: ProxyView, push: PushContext): readonly ListenerWire[] {
  return push.cache.getOrBuild(INBOUND_LISTENERS, { scope: push.sidecarScope(proxy), targets: push.serviceTargets(proxy) });
}

function inboundListenersFor(scope: SidecarScope, targets: readonly ServiceTarget[]): ListenerWire[] {
  const configs = inboundChainConfigs(scope, targets);
  const virtualChains: FilterChainWire[] = [];
  const bound: ListenerWire[] = [];
  for (const cc of configs) {
    const chains = chainsFor(cc);
    if (cc.bindToPort) bound.push(inboundListener(listenerName(cc.bind, cc.targetPort), cc.bind, cc.targetPort, true, chains));
    else virtualChains.push(...chains);
  }
  const all = [...passthroughChains(), ...virtualChains];
  return [inboundListener(VIRTUAL_INBOUND_LISTENER, WILDCARD_ADDRESS, INBOUND_CAPTURE_PORT, false, all), ...bound];
}

function inboundChainConfigs(scope: SidecarScope, targets: readonly ServiceTarget[]): InboundChainConfig[] {
  const byPort = new Map<number, InboundChainConfig>();
  if (scope.ingress.length === 0) {
    for (const t of targets) {
      if (byPort.has(t.targetPort)) continue; // the oldest service wins the port
      byPort.set(t.targetPort, {
        targetPort: t.targetPort, servicePort: t.port.port, protocol: t.port.protocol, cluster: inboundClusterName(t.targetPort),
        bind: WILDCARD_ADDRESS, bindToPort: false, hostname: t.service.hostname, passthrough: false,
      });
    }
  } else {
    for (const i of scope.ingress) {
      const port = i.port?.number;
      if (!port || byPort.has(port)) continue;
      byPort.set(port, {
        targetPort: port, servicePort: port, protocol: parseProtocol(i.port?.protocol), cluster: inboundClusterName(port),
        bind: i.bind || WILDCARD_ADDRESS, bindToPort: i.captureMode === 'NONE', hostname: '', passthrough: false,
      });
    }
  }
  return [...byPort.values()].sort((a, b) => a.targetPort - b.targetPort);
}

function listenerProtocolOf(p: Protocol): InboundListenerProtocol {
  if (isHttpProtocol(p)) return 'HTTP';
  if (isTcpProtocol(p)) return 'TCP';
  return 'Auto';
}

function chainsFor(cc: InboundChainConfig): FilterChainWire[] {
  return inboundMatchOptions(cc.passthrough ? 'Auto' : listenerProtocolOf(cc.protocol)).map((opt) => {
    const name = cc.passthrough
      ? (opt.protocol === 'HTTP' ? VIRTUAL_INBOUND_CATCH_ALL_HTTP_CHAIN : VIRTUAL_INBOUND_LISTENER)
      : listenerName(cc.bind, cc.targetPort);
    const filters = opt.protocol === 'HTTP'
      ? [buildHttpConnectionManager({
        listenerClass: 'sidecar-inbound',
        statPrefix: cc.passthrough ? cc.cluster : listenerStatPrefix('inbound', cc.bind, cc.targetPort),
        routeConfig: buildInboundRouteConfig(cc),
        http2: isHttp2Protocol(cc.protocol),
      })]
      : [tcpProxyFilter(cc.cluster, cc.cluster)];
    return buildFilterChain({
      name,
      destinationPort: cc.targetPort > 0 ? cc.targetPort : undefined,
      transportProtocol: opt.transportProtocol,
      applicationProtocols: opt.applicationProtocols,
      filters,
    });
  });
}

/** Istio's buildInboundPassthroughChains: the blackhole for 15006 itself, then the catch-alls. */
function passthroughChains(): FilterChainWire[] {
  const blackhole: FilterChainWire = {
    name: VIRTUAL_INBOUND_BLACKHOLE_CHAIN,
    filter_chain_match: { destination_port: { value: INBOUND_CAPTURE_PORT } },
    filters: [tcpProxyFilter(BLACKHOLE_CLUSTER, BLACKHOLE_CLUSTER)],
  };
  const passthrough: InboundChainConfig = {
    targetPort: 0, servicePort: 0, protocol: 'Unsupported', cluster: INBOUND_PASSTHROUGH_CLUSTER,
    bind: WILDCARD_ADDRESS, bindToPort: false, hostname: '', passthrough: true,
  };
  return [blackhole, ...chainsFor(passthrough)];
}

function inboundListener(name: string, address: string, port: number, bindToPort: boolean, chains: FilterChainWire[]): ListenerWire {
  return {
    name,
    address: { socket_address: { address, port_value: port } },
    traffic_direction: 'INBOUND',
    filter_chains: chains,
    listener_filters: listenerFilters(chains, bindToPort),
    listener_filters_timeout: { seconds: '0' },
    continue_on_listener_filters_timeout: true,
  };
}

/**
 * Istio's populateListenerFilters: original_dst on the capture listener,
 * then the TLS and HTTP inspectors, each disabled on the destination ports
 * where no chain needs it.
 */
function listenerFilters(chains: readonly FilterChainWire[], bindToPort: boolean): ListenerFilterWire[] {
  const out: ListenerFilterWire[] = [];
  if (!bindToPort) out.push({ name: ORIGINAL_DST, typed_config: { '@type': TypeUrl.OriginalDst } });
  const needs = new Map<number, { tls: boolean; http: boolean }>();
  for (const c of chains) {
    const port = c.filter_chain_match?.destination_port?.value ?? 0;
    const n = needs.get(port) ?? { tls: false, http: false };
    n.tls ||= c.filter_chain_match?.transport_protocol === TLS;
    n.http ||= (c.filter_chain_match?.application_protocols ?? []).some((p) => PLAINTEXT_HTTP_ALPNS.includes(p));
    needs.set(port, n);
  }
  const all = [...needs.entries()];
  if (all.some(([, n]) => n.tls)) {
    const byDefault = needs.get(0)?.tls ?? false;
    const ports = all.filter(([p, n]) => p !== 0 && n.tls !== byDefault).map(([p]) => p).sort((a, b) => a - b);
    out.push(tlsInspector(ports.length === 0 ? undefined : byDefault ? excludePorts(ports) : { not_match: excludePorts(ports) }));
  }
  if (all.some(([, n]) => n.http)) {
    const ports = all.filter(([, n]) => !n.http).map(([p]) => p).sort((a, b) => a - b);
    out.push(httpInspector(ports.length === 0 ? undefined : excludePorts(ports)));
  }
  return out;
}

/** Istio's listenerPredicateExcludePorts: true (filter disabled) on these destination ports. */
function excludePorts(ports: readonly number[]): ListenerFilterPredicateWire {
  const rules = ports.map((p): ListenerFilterPredicateWire => ({ destination_port_range: { start: p, end: p + 1 } }));
  return rules.length === 1 ? rules[0] : { or_match: { rules } };
}
