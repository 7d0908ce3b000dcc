import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { configGen, sidecarProxy } from '@skiff/testing/config-gen.ts';
import type { Proxy } from '../model/proxy.ts';
import type { PushContext } from '../model/push-context.ts';
import { controlPlaneGenerators } from '../server/generators.ts';
import { encodeResource } from '../xds/resource-encoder.ts';
import type { WatchedResource } from '../xds/types.ts';
import { buildClusters } from './cluster/index.ts';
import { buildClusterLoadAssignment } from './endpoint/index.ts';
import { buildRouteConfigurations } from './route/index.ts';
import { flattenResources } from '../xds/shared-resources.ts';

const service = (name: string, ns: string) => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: {selector: {app: ${name}}, ports: [{name: http, port: 9080}]}
---`;

const pod = (name: string, app: string, ns: string, ip: string, version = 'v1') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: {app: ${app}, version: ${version}}, annotations: {skiff.test/ip: ${ip}}}
spec: {containers: [{name: app, image: app, ports: [{containerPort: 9080}]}]}
---`;

const destinationRule = (host: string, ns: string, body: string) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${host}-${ns}, namespace: ${ns}}
spec:
  host: ${host}
${body}
---`;

const virtualService = (host: string, ns: string, body: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${host}, namespace: ${ns}}
spec:
  hosts: [${host}]
${body}
---`;

const REVIEWS = 'reviews.shop.svc.cluster.local';
const RATINGS = 'ratings.shop.svc.cluster.local';
const base = service('reviews', 'shop') + service('ratings', 'shop')
  + pod('reviews-1', 'reviews', 'shop', '10.1.0.1') + pod('reviews-2', 'reviews', 'shop', '10.1.0.2', 'v2')
  + pod('ratings-1', 'ratings', 'shop', '10.1.0.3');
const reviewsRule = (consecutive5xxErrors: number) => destinationRule('reviews', 'shop', `  exportTo: [.]
  trafficPolicy: {outlierDetection: {consecutive5xxErrors: ${consecutive5xxErrors}, interval: 10s}}
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]`);
const reviewsRoute = (v1: number) => virtualService('reviews', 'shop', `  exportTo: [.]
  http:
  - route:
    - {destination: {host: reviews, subset: v1}, weight: ${v1}}
    - {destination: {host: reviews, subset: v2}, weight: ${100 - v1}}`);

const proxies = {
  shopA: sidecarProxy({ name: 'a', namespace: 'shop', ip: '10.2.0.1', labels: { app: 'a' } }),
  shopB: sidecarProxy({ name: 'b', namespace: 'shop', ip: '10.2.0.2', labels: { app: 'b' } }),
  other: sidecarProxy({ name: 'c', namespace: 'other', ip: '10.2.0.3', labels: { app: 'c' } }),
};

const EDS_NAMES = [REVIEWS, RATINGS].flatMap((h) => ['', 'v1', 'v2'].map((s) => `outbound|9080|${s}|${h}`));
const WATCHED: Readonly<Record<string, WatchedResource>> = {
  [TypeUrl.Cluster]: { typeUrl: TypeUrl.Cluster, isWildcard: true, names: new Set() },
  [TypeUrl.ClusterLoadAssignment]: { typeUrl: TypeUrl.ClusterLoadAssignment, isWildcard: false, names: new Set(EDS_NAMES) },
  [TypeUrl.Listener]: { typeUrl: TypeUrl.Listener, isWildcard: true, names: new Set() },
  [TypeUrl.RouteConfiguration]: { typeUrl: TypeUrl.RouteConfiguration, isWildcard: false, names: new Set(['9080']) },
};

/** What the xDS server would send the proxy: `type name` → content hash, through the generators and the encode cache. */
function sent(proxy: Proxy, push: PushContext): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of controlPlaneGenerators()) {
    const watched = WATCHED[g.typeUrl];
    for (const r of flattenResources(g.generate(proxy, push, { watched, push: undefined }))) {
      if (watched.isWildcard || watched.names.has(r.name)) out.set(`${g.typeUrl.split('.').pop()} ${r.name}`, encodeResource(g.typeUrl, r).hash);
    }
  }
  return out;
}

/** The resources whose content differs between two pushes (or that exist in one only). */
function changed(proxy: Proxy, before: PushContext, after: PushContext): string[] {
  const a = sent(proxy, before);
  const b = sent(proxy, after);
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}

describe('translation caches (per PushContext)', () => {
  it('gives proxies alike the very same cluster, assignment and route objects, and encodes each once', () => {
    const push = configGen({ yaml: base + reviewsRule(5) + reviewsRoute(90) }).push;
    const name = `outbound|9080|v1|${REVIEWS}`;
    const a = buildClusters(proxies.shopA, push).find((c) => c.name === name)!;
    const b = buildClusters(proxies.shopB, push).find((c) => c.name === name)!;
    assert.equal(a, b);
    assert.equal(buildClusterLoadAssignment(proxies.shopA, push, name), buildClusterLoadAssignment(proxies.shopB, push, name));
    assert.equal(buildRouteConfigurations(proxies.shopA, push)[0], buildRouteConfigurations(proxies.shopB, push)[0]);
    const encode = (p: Proxy) => encodeResource(TypeUrl.Cluster, { name, resource: buildClusters(p, push).find((c) => c.name === name)! as unknown as Record<string, unknown> });
    assert.equal(encode(proxies.shopA).any, encode(proxies.shopB).any);
  });

  it('freezes cached results, so a builder that mutated a shared resource would throw', () => {
    const push = configGen({ yaml: base }).push;
    const cluster = buildClusters(proxies.shopA, push).find((c) => c.name === `outbound|9080||${REVIEWS}`)!;
    assert.ok(Object.isFrozen(cluster));
    assert.throws(() => {
      (cluster as { name: string }).name = 'changed';
    }, TypeError);
  });

  it('a DestinationRule change reaches exactly the proxies it applies to, and only its clusters and endpoints', () => {
    const before = configGen({ yaml: base + reviewsRule(5) + reviewsRoute(90) }).push;
    const after = configGen({ yaml: base + reviewsRule(7) + reviewsRoute(90) }).push;
    const clusters = ['', 'v1', 'v2'].map((s) => `Cluster outbound|9080|${s}|${REVIEWS}`).sort();
    assert.deepEqual(changed(proxies.shopA, before, after), clusters);
    assert.deepEqual(changed(proxies.shopB, before, after), clusters);
    // exportTo "." : the other namespace never saw the rule.
    assert.deepEqual(changed(proxies.other, before, after), []);
  });

  it('a new endpoint changes the assignments of that service (for every proxy that resolves them) and nothing else', () => {
    const before = configGen({ yaml: base + reviewsRule(5) }).push;
    const after = configGen({ yaml: base + reviewsRule(5) + pod('reviews-3', 'reviews', 'shop', '10.1.0.9') }).push;
    const assignments = ['', 'v1'].map((s) => `ClusterLoadAssignment outbound|9080|${s}|${REVIEWS}`).sort();
    assert.deepEqual(changed(proxies.shopA, before, after), assignments);
    assert.deepEqual(changed(proxies.shopB, before, after), assignments);
    // The rule (and so subset v1) is not exported there: its v1 assignment stays empty.
    assert.deepEqual(changed(proxies.other, before, after), [`ClusterLoadAssignment outbound|9080||${REVIEWS}`]);
  });

  it('a VirtualService change reaches the route configuration of the proxies that see it, not the others', () => {
    const before = configGen({ yaml: base + reviewsRule(5) + reviewsRoute(90) }).push;
    const after = configGen({ yaml: base + reviewsRule(5) + reviewsRoute(50) }).push;
    assert.deepEqual(changed(proxies.shopA, before, after), ['RouteConfiguration 9080']);
    assert.deepEqual(changed(proxies.shopB, before, after), ['RouteConfiguration 9080']);
    assert.deepEqual(changed(proxies.other, before, after), []);
  });

  it('keeps the labels in the key where config selects on them: a workloadSelector DestinationRule and a sourceLabels match', () => {
    const selected = destinationRule('reviews', 'shop', `  workloadSelector: {matchLabels: {app: a}}
  trafficPolicy: {connectionPool: {tcp: {maxConnections: 7}}}`);
    const bySource = virtualService('ratings', 'shop', `  http:
  - match: [{sourceLabels: {app: a}}]
    route: [{destination: {host: ratings}, weight: 100}]
    timeout: 3s
  - route: [{destination: {host: ratings}, weight: 100}]`);
    const push = configGen({ yaml: base + selected + bySource }).push;
    const name = `outbound|9080||${REVIEWS}`;
    const threshold = (p: Proxy) => buildClusters(p, push).find((c) => c.name === name)!.circuit_breakers?.thresholds?.[0]?.max_connections?.value;
    assert.equal(threshold(proxies.shopA), 7);
    assert.notEqual(threshold(proxies.shopB), 7);
    const timeouts = (p: Proxy) => buildRouteConfigurations(p, push)[0].virtual_hosts.find((v) => v.name === `${RATINGS}:9080`)!.routes.map((r) => r.route?.timeout?.seconds);
    // The sourceLabels rule matches every request from app=a, so nothing after it is reachable.
    assert.deepEqual(timeouts(proxies.shopA), ['3']);
    assert.deepEqual(timeouts(proxies.shopB), ['0']);
  });
});
