/**
 * SidecarScope: what one proxy may reach and accept, from the Sidecar
 * resource that applies to it (Istio's SidecarScope). Without a Sidecar the
 * scope is the default: one egress listener with hosts `*\/*`, so every
 * service exported to the proxy's namespace is visible. Egress hosts are
 * `namespace/dnsName`: namespace `*` (any), `.` (the Sidecar's own), `~`
 * (none) or a name; dnsName an FQDN or a wildcard. Services that
 * VirtualServices selected by those hosts route to are visible too (Istio
 * adds VirtualService destinations to the scope).
 */
import type { ConnectionPoolSettings, IstioEgressListener, IstioIngressListener, Sidecar } from '@skiff/api';
import { hostMatches } from '../registry/host.ts';
import type { MeshSettings } from '../registry/mesh-settings.ts';
import type { Service } from '../registry/types.ts';
import type { ServiceIndex } from './service-index.ts';
import { MESH_GATEWAY } from './gateway-name.ts';
import type { VirtualServiceEntry, VirtualServiceIndex } from './virtual-service-index.ts';
import { resolveShortName } from '../registry/host.ts';

export interface EgressHost {
  /** `*`, or a namespace name (`.` already resolved); `~` never matches. */
  readonly namespace: string;
  readonly host: string;
}

export interface EgressListenerScope {
  /** The Sidecar's egress listener; undefined for the default `*\/*` catch-all. */
  readonly listener: IstioEgressListener | undefined;
  readonly hosts: readonly EgressHost[];
  readonly services: readonly Service[];
  readonly virtualServices: readonly VirtualServiceEntry[];
}

export interface SidecarScope {
  /** The proxy's namespace the scope was computed for. */
  readonly namespace: string;
  /** The Sidecar resource in effect, if any. */
  readonly sidecar: Sidecar | undefined;
  readonly egress: readonly EgressListenerScope[];
  /** Union of the egress listeners' services, one per host. */
  readonly services: readonly Service[];
  readonly ingress: readonly IstioIngressListener[];
  readonly inboundConnectionPool: ConnectionPoolSettings | undefined;
  readonly outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  hasService(hostname: string): boolean;
}

const DEFAULT_HOSTS = ['*/*'];

export function buildSidecarScope(
  namespace: string,
  sidecar: Sidecar | undefined,
  services: ServiceIndex,
  virtualServices: VirtualServiceIndex,
  mesh: MeshSettings,
): SidecarScope {
  const spec = sidecar?.spec;
  const ownNamespace = sidecar?.metadata.namespace ?? namespace;
  const listeners: (IstioEgressListener | undefined)[] = spec?.egress && spec.egress.length > 0 ? spec.egress : [undefined];
  const visible = services.visibleFrom(namespace);
  const meshVs = virtualServices.forGateway(MESH_GATEWAY, namespace);
  const egress = listeners.map((listener): EgressListenerScope => {
    const hosts = (listener?.hosts ?? DEFAULT_HOSTS).map((h) => parseEgressHost(h, ownNamespace));
    const vss = meshVs.filter((vs) => vs.hosts.some((h) => hosts.some((e) => namespaceMatches(e, vs.namespace) && (hostMatches(e.host, h) || hostMatches(h, e.host)))));
    const chosen = new Map<string, Service>();
    for (const s of visible) if (hosts.some((e) => namespaceMatches(e, s.namespace) && hostMatches(e.host, s.hostname))) chosen.set(s.hostname, s);
    for (const vs of vss) {
      for (const dest of destinationHosts(vs, mesh)) {
        if (chosen.has(dest)) continue;
        const s = services.lookup(dest, namespace);
        if (s) chosen.set(dest, s);
      }
    }
    return { listener, hosts, services: [...chosen.values()], virtualServices: vss };
  });
  const union = new Map<string, Service>();
  for (const e of egress) for (const s of e.services) if (!union.has(s.hostname)) union.set(s.hostname, s);
  return {
    namespace,
    sidecar,
    egress,
    services: [...union.values()],
    ingress: spec?.ingress ?? [],
    inboundConnectionPool: spec?.inboundConnectionPool,
    outboundTrafficPolicy: spec?.outboundTrafficPolicy?.mode ?? mesh.outboundTrafficPolicy,
    hasService: (hostname) => union.has(hostname),
  };
}

function parseEgressHost(text: string, sidecarNamespace: string): EgressHost {
  const slash = text.indexOf('/');
  const ns = slash < 0 ? '*' : text.slice(0, slash);
  const host = (slash < 0 ? text : text.slice(slash + 1)).toLowerCase();
  return { namespace: ns === '.' ? sidecarNamespace : ns, host };
}

function namespaceMatches(e: EgressHost, namespace: string): boolean {
  return e.namespace === '*' || e.namespace === namespace;
}

function destinationHosts(vs: VirtualServiceEntry, mesh: MeshSettings): string[] {
  const spec = vs.config.spec ?? {};
  const routes = [...(spec.http ?? []), ...(spec.tcp ?? []), ...(spec.tls ?? [])];
  const out: string[] = [];
  for (const r of routes) {
    for (const d of r.route ?? []) if (d.destination?.host) out.push(resolveShortName(d.destination.host, vs.namespace, mesh.clusterDomain));
  }
  for (const r of spec.http ?? []) {
    if (r.mirror?.host) out.push(resolveShortName(r.mirror.host, vs.namespace, mesh.clusterDomain));
    for (const m of r.mirrors ?? []) if (m.destination?.host) out.push(resolveShortName(m.destination.host, vs.namespace, mesh.clusterDomain));
  }
  return out;
}
