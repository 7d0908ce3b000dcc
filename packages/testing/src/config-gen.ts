/**
 * Translation tests' entry point (Istio's NewConfigGenTest): YAML in, a
 * PushContext out, and the resources translation builds for a proxy.
 * Objects without a namespace land in `default` (or `namespace`); Pods get a Running/Ready
 * status with the IP from the `skiff.test/ip` annotation when they have
 * none, so a manifest stays short. Invalid manifests throw with every
 * issue, so a test never runs on half its config.
 *
 * Every resource returned has been through @skiff/api's Envoy codec: it
 * must encode, and no field may be dropped on the way (protobuf silently
 * ignores unknown fields, so a misspelt one would otherwise go unnoticed).
 */
import { TypeUrl, type ResourceObject } from '@skiff/api';
import { decodeAny, encodeAny, type WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { formatIssue, parseManifests } from '@skiff/config';
import { configSnapshot, PushContext, type PushContextOptions } from '@skiff/control-plane/model/index.ts';
import type { Proxy } from '@skiff/control-plane/model/proxy.ts';
import { buildClusters, type ClusterLoadAssignmentWire, type ClusterWire } from '@skiff/control-plane/translate/cluster/index.ts';
import { buildClusterLoadAssignment } from '@skiff/control-plane/translate/endpoint/index.ts';
import { buildListeners, type ListenerWire } from '@skiff/control-plane/translate/listener/index.ts';

export const TEST_IP_ANNOTATION = 'skiff.test/ip';

export interface ConfigGenOptions extends PushContextOptions {
  readonly yaml: string;
  /** Namespace for objects that name none (`kubectl apply -n`); `default` when unset. */
  readonly namespace?: string;
  /** Keep error-level issues instead of throwing (for configs that are invalid on purpose). */
  readonly allowInvalid?: boolean;
}

export class ConfigGen {
  readonly push: PushContext;

  constructor(options: ConfigGenOptions) {
    const parsed = parseManifests(options.yaml, 'test.yaml');
    const errors = parsed.issues.filter((i) => i.severity === 'error');
    if (errors.length > 0 && !options.allowInvalid) throw new Error(`invalid test config:\n${errors.map(formatIssue).join('\n')}`);
    const objects = parsed.resources.map((r, i) => normalize(r.object, i, options.namespace ?? 'default'));
    this.push = PushContext.build(configSnapshot(objects), options);
  }

  /** CDS for the proxy, each cluster checked against the codec. */
  clusters(proxy: Proxy): ClusterWire[] {
    const clusters = buildClusters(proxy, this.push);
    for (const c of clusters) assertEncodes(TypeUrl.Cluster, c as unknown as WireMessage);
    return clusters;
  }

  /** One cluster by name; throws when the proxy has none of that name. */
  cluster(proxy: Proxy, name: string): ClusterWire {
    const found = this.clusters(proxy).find((c) => c.name === name);
    if (!found) throw new Error(`no cluster ${name}; have: ${this.clusters(proxy).map((c) => c.name).join(', ')}`);
    return found;
  }

  /** LDS for the proxy, each listener checked against the codec. */
  listeners(proxy: Proxy): ListenerWire[] {
    const listeners = buildListeners(proxy, this.push);
    for (const l of listeners) assertEncodes(TypeUrl.Listener, l as unknown as WireMessage);
    return listeners;
  }

  /** One listener by name; throws when the proxy has none of that name. */
  listener(proxy: Proxy, name: string): ListenerWire {
    const all = this.listeners(proxy);
    const found = all.find((l) => l.name === name);
    if (!found) throw new Error(`no listener ${name}; have: ${all.map((l) => l.name).join(', ')}`);
    return found;
  }

  /** EDS for one cluster, checked against the codec. */
  endpoints(proxy: Proxy, clusterName: string): ClusterLoadAssignmentWire {
    const cla = buildClusterLoadAssignment(proxy, this.push, clusterName);
    assertEncodes(TypeUrl.ClusterLoadAssignment, cla as unknown as WireMessage);
    return cla;
  }
}

/** Encodes and decodes `message`, and throws when a field set in it did not survive (unknown or misspelt). */
export function assertEncodes(typeUrl: string, message: WireMessage): void {
  const decoded = decodeAny(encodeAny(typeUrl, message));
  const lost: string[] = [];
  compare(message, decoded, '', lost);
  if (lost.length > 0) throw new Error(`fields dropped by the ${typeUrl} codec: ${lost.join(', ')}`);
}

function compare(sent: unknown, got: unknown, path: string, lost: string[]): void {
  if (Array.isArray(sent)) {
    sent.forEach((v, i) => compare(v, Array.isArray(got) ? got[i] : undefined, `${path}[${i}]`, lost));
    return;
  }
  if (sent === null || typeof sent !== 'object') return;
  for (const [k, v] of Object.entries(sent)) {
    const here = path ? `${path}.${k}` : k;
    const g = got !== null && typeof got === 'object' ? (got as Record<string, unknown>)[k] : undefined;
    if (g === undefined && !isDefault(v)) lost.push(here);
    else compare(v, g, here, lost);
  }
}

/** proto3 leaves defaults off the wire: 0, '0', false, '', empty objects and lists. */
function isDefault(v: unknown): boolean {
  if (v === 0 || v === '0' || v === false || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v !== null && typeof v === 'object') return Object.values(v).every(isDefault);
  return false;
}

export function configGen(options: ConfigGenOptions): ConfigGen {
  return new ConfigGen(options);
}

export interface TestProxyOptions {
  readonly ip?: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly serviceAccount?: string;
  readonly name?: string;
}

/** A sidecar proxy as parseProxyNode would produce it. */
export function sidecarProxy(options: TestProxyOptions = {}): Proxy {
  return testProxy('sidecar', options);
}

/** A gateway (router) proxy. */
export function routerProxy(options: TestProxyOptions = {}): Proxy {
  return testProxy('router', { namespace: 'istio-system', labels: { istio: 'ingressgateway' }, ...options });
}

function testProxy(type: Proxy['type'], o: TestProxyOptions): Proxy {
  const namespace = o.namespace ?? 'default';
  return {
    id: `${o.name ?? 'test'}.${namespace}`,
    type,
    ipAddresses: [o.ip ?? '10.0.0.100'],
    dnsDomain: `${namespace}.svc.cluster.local`,
    namespace,
    labels: o.labels ?? {},
    serviceAccount: o.serviceAccount ?? 'default',
    clusterId: 'Kubernetes',
    istioVersion: '1.24.0',
    metadata: {},
  };
}

function normalize(object: ResourceObject, index: number, namespace: string): ResourceObject {
  const copy = structuredClone(object);
  copy.metadata.namespace ??= namespace;
  // Creation order = document order, so "oldest wins" rules are predictable.
  copy.metadata.creationTimestamp ??= new Date(Date.UTC(2024, 0, 1, 0, 0, index)).toISOString();
  if (copy.kind === 'Pod' && copy.status === undefined) {
    const ip = copy.metadata.annotations?.[TEST_IP_ANNOTATION];
    if (ip) copy.status = { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] };
  }
  return copy;
}

// RDS: route configurations for a proxy, and the proxy's own route table over them (simulation tests).

import { decodeAny as decodeRouteAny } from '@skiff/api/envoy/resource-codec.ts';
import { buildRoutes, type RouteConfigurationWire, type RouteBuildResult } from '@skiff/control-plane/translate/route/index.ts';
import { createRouteTable, parseRouteConfiguration, type RouteTable } from '@skiff/proxy/http/route-table/index.ts';

/** RDS for the proxy (every route configuration it has), each checked against the codec, with the conflicts found. */
export function routesFor(gen: ConfigGen, proxy: Proxy): RouteBuildResult {
  const result = buildRoutes(proxy, gen.push);
  for (const r of result.routeConfigurations) assertEncodes(TypeUrl.RouteConfiguration, r as unknown as WireMessage);
  return result;
}

/** One route configuration by name; throws when the proxy has none of that name. */
export function routeConfigurationFor(gen: ConfigGen, proxy: Proxy, name: string): RouteConfigurationWire {
  const all = routesFor(gen, proxy).routeConfigurations;
  const found = all.find((r) => r.name === name);
  if (!found) throw new Error(`no route configuration ${name}; have: ${all.map((r) => r.name).join(', ')}`);
  return found;
}

/**
 * The route table the proxy would build from route configuration `name`:
 * encoded to protobuf and decoded as the proxy's xDS client receives it,
 * then parsed (a NACK throws with Envoy's reasons) and compiled.
 */
export function routeTableFor(gen: ConfigGen, proxy: Proxy, name: string): RouteTable {
  const wire = routeConfigurationFor(gen, proxy, name) as unknown as WireMessage;
  const decoded = decodeRouteAny(encodeAny(TypeUrl.RouteConfiguration, wire));
  const parsed = parseRouteConfiguration(decoded);
  if (!parsed.ok) throw new Error(`route configuration ${name} NACKed:\n${parsed.errors.join('\n')}`);
  return createRouteTable(parsed.value);
}
