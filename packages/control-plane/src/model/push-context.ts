/**
 * PushContext: an immutable, indexed view of one config snapshot, built
 * once per debounced change and shared by every proxy's translation
 * (Istio's PushContext, without its locks and god-object growth: each index
 * lives in its own module and this class only wires them).
 *
 * The API translation uses:
 *   - `mesh`, `registry`                   mesh settings and every service/endpoint
 *   - `sidecarScope(proxy)`                what the proxy may reach (services, egress, ingress)
 *   - `service(proxy, hostname)`           the service a hostname means to this proxy
 *   - `destinationRule(proxy, service)`    the merged DestinationRule in effect
 *   - `virtualServices(proxy, gateway)`    VirtualServices bound to `mesh` or `ns/name`
 *   - `gateways(proxy)`                    Gateways selecting a router proxy
 *   - `serviceTargets(proxy)`              the service ports the proxy's own workload serves
 *
 * Memoized lookups (sidecar scopes, visible services, endpoints per port)
 * are computed from the snapshot only, so they never change what a caller
 * sees. `cache` holds translation results for this push only (push-cache.ts);
 * `proxyKey(proxy)` reduces a proxy to what translation of shared
 * resources reads, so that proxies alike share cache entries.
 */
import {
  DestinationRuleKind, GatewayKind, IstioOperatorKind, ServiceEntryKind, SidecarKind, VirtualServiceKind,
  WorkloadEntryKind, WorkloadGroupKind, kube,
  type DestinationRule, type Gateway, type IstioOperator, type MeshConfig, type ServiceEntry, type Sidecar,
  type VirtualService, type WorkloadEntry, type WorkloadGroup,
} from '@skiff/api';
import type { Proxy } from './proxy.ts';
import { objectsOfKind, type ConfigSnapshot } from './config-snapshot.ts';
import { PushCache } from './push-cache.ts';
import { proxyKeyInputs, reduceProxy, type ProxyKey, type ProxyKeyInputs } from './proxy-key.ts';
import { DestinationRuleIndex, type MergedDestinationRule } from './destination-rule-index.ts';
import { GatewayIndex, type GatewayEntry } from './gateway-index.ts';
import { ServiceIndex } from './service-index.ts';
import { buildSidecarScope, type SidecarScope } from './sidecar-scope.ts';
import { VirtualServiceIndex, type VirtualServiceEntry } from './virtual-service-index.ts';
import { MESH_GATEWAY } from './gateway-name.ts';
import { meshSettingsFrom, type MeshSettings } from '../registry/mesh-settings.ts';
import { selectorMatches } from '../registry/labels.ts';
import { ServiceRegistry, type ServiceTarget } from '../registry/service-registry.ts';
import type { Service, ServiceEndpoint } from '../registry/types.ts';

export interface PushContextOptions {
  /** Mesh config; when unset, the `meshConfig` of an IstioOperator in the snapshot, else Istio's defaults. */
  readonly mesh?: MeshConfig;
  /** Kubernetes DNS domain, `cluster.local` by default. */
  readonly clusterDomain?: string;
  /** Send not-ready endpoints as UNHEALTHY instead of leaving them out (Istio's PILOT_SEND_UNHEALTHY_ENDPOINTS). */
  readonly sendUnhealthyEndpoints?: boolean;
}

/** The subset of Proxy the push context reads. */
export type ProxyView = Pick<Proxy, 'type' | 'namespace' | 'labels' | 'ipAddresses'>;

export class PushContext {
  readonly mesh: MeshSettings;
  readonly registry: ServiceRegistry;
  /** The store version the snapshot reflects. */
  readonly resourceVersion: string;
  readonly #services: ServiceIndex;
  readonly #destinationRules: DestinationRuleIndex;
  readonly #virtualServices: VirtualServiceIndex;
  readonly #gateways: GatewayIndex;
  /** namespace → Sidecar resources there, oldest first. */
  readonly #sidecars = new Map<string, Sidecar[]>();
  /** namespace → Sidecar in effect (null: none) → scope. */
  readonly #scopes = new Map<string, Map<Sidecar | null, SidecarScope>>();
  /** service → port → its endpoints / service accounts (one array per port, so keys can hold it by identity). */
  readonly #portEndpoints = new Map<Service, Map<number, readonly ServiceEndpoint[]>>();
  readonly #portServiceAccounts = new Map<Service, Map<number, readonly string[]>>();
  readonly #proxyKeyInputs: ProxyKeyInputs;
  /** Proxy views are immutable (a connection's Proxy lives as long as its stream). */
  readonly #proxyKeys = new WeakMap<ProxyView, ProxyKey>();
  /** Endpoint address → the service ports it serves, in registry order (serviceTargets of one-address proxies). */
  #targetsByAddress: Map<string, ServiceTarget[]> | undefined;
  /** Translation results for this push context only. */
  readonly cache: PushCache<PushContext> = new PushCache<PushContext>(this);

  private constructor(snapshot: ConfigSnapshot, options: PushContextOptions) {
    const operator = objectsOfKind<IstioOperator>(snapshot, IstioOperatorKind).find((o) => o.spec?.meshConfig);
    this.mesh = meshSettingsFrom(options.mesh ?? operator?.spec?.meshConfig, options);
    this.resourceVersion = snapshot.resourceVersion;
    this.registry = new ServiceRegistry({
      services: objectsOfKind<kube.Service>(snapshot, kube.ServiceKind),
      pods: objectsOfKind<kube.Pod>(snapshot, kube.PodKind),
      endpointSlices: objectsOfKind<kube.EndpointSlice>(snapshot, kube.EndpointSliceKind),
      serviceEntries: objectsOfKind<ServiceEntry>(snapshot, ServiceEntryKind),
      workloadEntries: objectsOfKind<WorkloadEntry>(snapshot, WorkloadEntryKind),
      workloadGroups: objectsOfKind<WorkloadGroup>(snapshot, WorkloadGroupKind),
      namespaces: objectsOfKind<kube.Namespace>(snapshot, kube.NamespaceKind),
    }, this.mesh);
    this.#services = new ServiceIndex(this.registry);
    this.#destinationRules = new DestinationRuleIndex(objectsOfKind<DestinationRule>(snapshot, DestinationRuleKind), this.mesh);
    this.#virtualServices = new VirtualServiceIndex(objectsOfKind<VirtualService>(snapshot, VirtualServiceKind), this.mesh);
    this.#gateways = new GatewayIndex(objectsOfKind<Gateway>(snapshot, GatewayKind));
    for (const s of objectsOfKind<Sidecar>(snapshot, SidecarKind)) {
      const ns = s.metadata.namespace ?? '';
      this.#sidecars.set(ns, [...(this.#sidecars.get(ns) ?? []), s]);
    }
    this.#proxyKeyInputs = proxyKeyInputs({
      sidecars: objectsOfKind<Sidecar>(snapshot, SidecarKind),
      destinationRules: objectsOfKind<DestinationRule>(snapshot, DestinationRuleKind),
      virtualServices: objectsOfKind<VirtualService>(snapshot, VirtualServiceKind),
      mesh: this.mesh,
    });
  }

  static build(snapshot: ConfigSnapshot, options: PushContextOptions = {}): PushContext {
    return new PushContext(snapshot, options);
  }

  /**
   * The scope of a proxy: the Sidecar in its namespace whose selector
   * matches its labels, else the namespace's Sidecar without selector, else
   * the root namespace's Sidecar without selector, else the default `*\/*`.
   * Gateways always get their namespace's default scope.
   */
  sidecarScope(proxy: ProxyView): SidecarScope {
    const sidecar = proxy.type === 'sidecar' ? this.#sidecarFor(proxy) : undefined;
    let byResource = this.#scopes.get(proxy.namespace);
    if (!byResource) this.#scopes.set(proxy.namespace, (byResource = new Map()));
    let scope = byResource.get(sidecar ?? null);
    if (!scope) {
      scope = buildSidecarScope(proxy.namespace, sidecar, this.#services, this.#virtualServices, this.mesh);
      byResource.set(sidecar ?? null, scope);
    }
    return scope;
  }

  #sidecarFor(proxy: ProxyView): Sidecar | undefined {
    const local = this.#sidecars.get(proxy.namespace) ?? [];
    const selected = local.find((s) => s.spec?.workloadSelector?.labels && selectorMatches(s.spec.workloadSelector.labels, proxy.labels));
    if (selected) return selected;
    const namespaceWide = local.find((s) => !s.spec?.workloadSelector?.labels);
    if (namespaceWide) return namespaceWide;
    return (this.#sidecars.get(this.mesh.rootNamespace) ?? []).find((s) => !s.spec?.workloadSelector?.labels);
  }

  /** The service `hostname` (an FQDN) means to this proxy, if its scope lets it see one. */
  service(proxy: ProxyView, hostname: string): Service | undefined {
    const s = this.#services.lookup(hostname, proxy.namespace);
    return s && this.sidecarScope(proxy).hasService(hostname) ? s : undefined;
  }

  /** The merged DestinationRule for traffic from this proxy to `service`, by Istio's precedence. */
  destinationRule(proxy: ProxyView, service: Service): MergedDestinationRule | undefined {
    return this.#destinationRules.lookup(proxy.namespace, proxy.labels, service.hostname, service.namespace);
  }

  /** VirtualServices bound to `gateway` (`mesh`, or `ns/name`) visible to the proxy, oldest first. */
  virtualServices(proxy: ProxyView, gateway: string = MESH_GATEWAY): readonly VirtualServiceEntry[] {
    return this.#virtualServices.forGateway(gateway, proxy.namespace);
  }

  /** Gateways configuring a router proxy (none for sidecars). */
  gateways(proxy: ProxyView): readonly GatewayEntry[] {
    return proxy.type === 'router' ? this.#gateways.forWorkload(proxy.labels) : [];
  }

  /**
   * The proxy reduced to what translation of shared resources reads (its
   * type, namespace, IP family, and its labels only where some config
   * selects on them), interned: proxies alike get the same object, which
   * cache keys then hold by identity.
   */
  proxyKey(proxy: ProxyView): ProxyKey {
    let key = this.#proxyKeys.get(proxy);
    if (!key) this.#proxyKeys.set(proxy, (key = reduceProxy(proxy, this.#proxyKeyInputs, this.cache)));
    return key;
  }

  /** Endpoints serving one service port; the same array for every call on this push context. */
  endpointsForPort(service: Service, port: number): readonly ServiceEndpoint[] {
    return memo(this.#portEndpoints, service, port, () => this.registry.endpointsForPort(service, port));
  }

  /** The identities a service port's endpoints present; the same array for every call on this push context. */
  serviceAccounts(service: Service, port: number): readonly string[] {
    return memo(this.#portServiceAccounts, service, port, () => this.registry.serviceAccounts(service, port));
  }

  /** The service ports the proxy's own workload serves (by its IP addresses). */
  serviceTargets(proxy: ProxyView): readonly ServiceTarget[] {
    if (proxy.ipAddresses.length !== 1) return this.registry.serviceTargets(proxy.ipAddresses);
    this.#targetsByAddress ??= this.#indexTargets();
    return this.#targetsByAddress.get(proxy.ipAddresses[0]) ?? NO_TARGETS;
  }

  /** The registry's serviceTargets for every address at once: same order, one pass. */
  #indexTargets(): Map<string, ServiceTarget[]> {
    const out = new Map<string, ServiceTarget[]>();
    for (const service of this.registry.services()) {
      for (const e of this.registry.endpoints(service)) {
        const port = service.ports.find((p) => p.port === e.servicePort);
        if (!port) continue;
        const list = out.get(e.address);
        const target = { service, port, targetPort: e.port };
        if (list) list.push(target);
        else out.set(e.address, [target]);
      }
    }
    return out;
  }
}

/** One empty list for every proxy serving nothing (translation caches key on the array). */
const NO_TARGETS: readonly ServiceTarget[] = Object.freeze([]);

function memo<V>(map: Map<Service, Map<number, V>>, service: Service, port: number, make: () => V): V {
  let byPort = map.get(service);
  if (!byPort) map.set(service, (byPort = new Map()));
  let value = byPort.get(port);
  if (value === undefined) byPort.set(port, (value = make()));
  return value;
}
