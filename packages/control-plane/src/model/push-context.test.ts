import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configGen, routerProxy, sidecarProxy } from '@skiff/testing/config-gen.ts';
import { subsetTrafficPolicy } from './traffic-policy.ts';

const svc = (name: string, ns: string, extra = '') => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}${extra}}
spec: {ports: [{name: http, port: 80}]}
---`;

const dr = (name: string, ns: string, host: string, body: string) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: ${ns}}
spec:
  host: ${host}
${body}
---`;

describe('PushContext services and exportTo', () => {
  it('hides services exported only to their own namespace from other namespaces', () => {
    const push = configGen({ yaml: svc('a', 'ns1', ', annotations: {networking.istio.io/exportTo: "."}') + svc('b', 'ns2') }).push;
    const hosts = (ns: string) => push.sidecarScope(sidecarProxy({ namespace: ns })).services.map((s) => s.hostname);
    assert.deepEqual(hosts('ns1'), ['a.ns1.svc.cluster.local', 'b.ns2.svc.cluster.local']);
    assert.deepEqual(hosts('ns2'), ['b.ns2.svc.cluster.local']);
    assert.equal(push.service(sidecarProxy({ namespace: 'ns2' }), 'a.ns1.svc.cluster.local'), undefined);
  });

  it('follows exportTo exactly: a list without the own namespace hides it there, and ~ hides it everywhere', () => {
    const push = configGen({ yaml: svc('a', 'ns1', ', annotations: {networking.istio.io/exportTo: "ns2"}') + svc('b', 'ns1', ', annotations: {networking.istio.io/exportTo: "~,ns2"}') }).push;
    const hosts = (ns: string) => push.sidecarScope(sidecarProxy({ namespace: ns })).services.map((s) => s.hostname);
    assert.deepEqual(hosts('ns2'), ['a.ns1.svc.cluster.local']);
    assert.deepEqual(hosts('ns1'), []);
  });

  it('prefers the proxy namespace when two namespaces declare one host', () => {
    const se = (ns: string) => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: ${ns}}
spec: {hosts: [api.example.com], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS}
---`;
    const push = configGen({ yaml: se('one') + se('two') }).push;
    assert.equal(push.service(sidecarProxy({ namespace: 'two' }), 'api.example.com')?.namespace, 'two');
    assert.equal(push.service(sidecarProxy({ namespace: 'three' }), 'api.example.com')?.namespace, 'one');
  });
});

describe('PushContext DestinationRule precedence', () => {
  const yaml = svc('reviews', 'bookinfo') +
    dr('root', 'istio-system', '"*.svc.cluster.local"', '  trafficPolicy: {loadBalancer: {simple: RANDOM}}') +
    dr('svc-ns', 'bookinfo', 'reviews', '  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}') +
    dr('client', 'frontend', 'reviews.bookinfo.svc.cluster.local', '  trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}');
  const push = configGen({ yaml }).push;
  const reviews = push.registry.services()[0];
  const lb = (ns: string) => push.destinationRule(sidecarProxy({ namespace: ns }), reviews)?.spec.trafficPolicy?.loadBalancer?.simple;

  it('uses the proxy namespace rule first', () => assert.equal(lb('frontend'), 'LEAST_REQUEST'));
  it('falls back to the service namespace rule', () => assert.equal(lb('other'), 'ROUND_ROBIN'));

  it('falls back to the root namespace rule', () => {
    const p = configGen({ yaml: svc('reviews', 'bookinfo') + dr('root', 'istio-system', '"*.svc.cluster.local"', '  trafficPolicy: {loadBalancer: {simple: RANDOM}}') }).push;
    assert.equal(p.destinationRule(sidecarProxy({ namespace: 'x' }), p.registry.services()[0])?.spec.trafficPolicy?.loadBalancer?.simple, 'RANDOM');
  });

  it('ignores a rule in the service namespace that is not exported to the proxy', () => {
    const p = configGen({ yaml: svc('reviews', 'bookinfo') + dr('private', 'bookinfo', 'reviews', '  exportTo: ["."]\n  trafficPolicy: {loadBalancer: {simple: RANDOM}}') }).push;
    const s = p.registry.services()[0];
    assert.equal(p.destinationRule(sidecarProxy({ namespace: 'other' }), s), undefined);
    assert.equal(p.destinationRule(sidecarProxy({ namespace: 'bookinfo' }), s)?.from[0], 'bookinfo/private');
  });

  it('merges rules for one host: first traffic policy wins, subsets concatenate, duplicates keep the first', () => {
    const p = configGen({ yaml: svc('reviews', 'default') +
      dr('a', 'default', 'reviews', '  subsets: [{name: v1, labels: {version: v1}}]') +
      dr('b', 'default', 'reviews', '  trafficPolicy: {loadBalancer: {simple: RANDOM}}\n  subsets: [{name: v1, labels: {version: other}}, {name: v2, labels: {version: v2}}]') +
      dr('c', 'default', 'reviews', '  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}') }).push;
    const merged = p.destinationRule(sidecarProxy(), p.registry.services()[0])!;
    assert.deepEqual(merged.from, ['default/a', 'default/b', 'default/c']);
    assert.equal(merged.spec.trafficPolicy?.loadBalancer?.simple, 'RANDOM');
    assert.deepEqual(merged.spec.subsets?.map((s) => [s.name, s.labels?.version]), [['v1', 'v1'], ['v2', 'v2']]);
  });

  it('applies a workloadSelector rule only to the workloads it selects', () => {
    const p = configGen({ yaml: svc('reviews', 'default') +
      dr('all', 'default', 'reviews', '  trafficPolicy: {loadBalancer: {simple: RANDOM}}') +
      dr('canary', 'default', 'reviews', '  workloadSelector: {matchLabels: {app: canary}}\n  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}') }).push;
    const s = p.registry.services()[0];
    assert.equal(p.destinationRule(sidecarProxy({ labels: { app: 'canary' } }), s)?.spec.trafficPolicy?.loadBalancer?.simple, 'ROUND_ROBIN');
    assert.equal(p.destinationRule(sidecarProxy({ labels: { app: 'web' } }), s)?.spec.trafficPolicy?.loadBalancer?.simple, 'RANDOM');
  });
});

describe('SidecarScope', () => {
  const yaml = svc('a', 'ns1') + svc('b', 'ns2') + svc('c', 'ns3') + `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: ns1}
spec:
  egress: [{hosts: ["./*", "ns2/b.ns2.svc.cluster.local"]}]
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: special, namespace: ns1}
spec:
  workloadSelector: {labels: {app: special}}
  egress: [{hosts: ["ns3/*"]}]
`;
  const push = configGen({ yaml }).push;
  const hosts = (labels: Record<string, string> = {}) => push.sidecarScope(sidecarProxy({ namespace: 'ns1', labels })).services.map((s) => s.hostname);

  it('defaults to every exported service (*/*) without a Sidecar', () => {
    assert.equal(push.sidecarScope(sidecarProxy({ namespace: 'ns9' })).services.length, 3);
    assert.equal(push.sidecarScope(sidecarProxy({ namespace: 'ns9' })).outboundTrafficPolicy, 'ALLOW_ANY');
  });

  it('limits services to the namespace-wide Sidecar egress hosts', () => {
    assert.deepEqual(hosts(), ['a.ns1.svc.cluster.local', 'b.ns2.svc.cluster.local']);
    assert.equal(push.sidecarScope(sidecarProxy({ namespace: 'ns1' })).outboundTrafficPolicy, 'REGISTRY_ONLY');
  });

  it('prefers a Sidecar whose workloadSelector matches the proxy', () => {
    assert.deepEqual(hosts({ app: 'special' }), ['c.ns3.svc.cluster.local']);
  });

  it('adds services a visible VirtualService routes to', () => {
    const p = configGen({ yaml: svc('a', 'ns1') + svc('backend', 'ns2') + `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: ns1}
spec: {hosts: [a], http: [{route: [{destination: {host: backend.ns2.svc.cluster.local}}]}]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: ns1}
spec: {egress: [{hosts: ["./*"]}]}
` }).push;
    assert.deepEqual(p.sidecarScope(sidecarProxy({ namespace: 'ns1' })).services.map((s) => s.hostname), ['a.ns1.svc.cluster.local', 'backend.ns2.svc.cluster.local']);
  });

  it('gives gateways the default scope even when a Sidecar exists', () => {
    assert.equal(push.sidecarScope(routerProxy({ namespace: 'ns1' })).services.length, 3);
  });
});

describe('VirtualServices and Gateways', () => {
  const push = configGen({ yaml: `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: istio-system}
spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: web}
spec: {hosts: [www.example.com], gateways: [istio-system/gw, mesh], http: [{route: [{destination: {host: web}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: internal, namespace: web}
spec: {hosts: [web], exportTo: ["."], http: [{route: [{destination: {host: web}}]}]}
` }).push;

  it('binds VirtualServices to mesh by default and to resolved gateway names', () => {
    assert.deepEqual(push.virtualServices(sidecarProxy({ namespace: 'web' })).map((v) => v.name), ['edge', 'internal']);
    assert.deepEqual(push.virtualServices(routerProxy(), 'istio-system/gw').map((v) => v.name), ['edge']);
    assert.deepEqual(push.virtualServices(sidecarProxy({ namespace: 'web' })).find((v) => v.name === 'internal')?.hosts, ['web.web.svc.cluster.local']);
  });

  it('hides VirtualServices not exported to the proxy namespace', () => {
    assert.deepEqual(push.virtualServices(sidecarProxy({ namespace: 'other' })).map((v) => v.name), ['edge']);
  });

  it('selects gateways for router proxies by labels', () => {
    assert.deepEqual(push.gateways(routerProxy()).map((g) => g.ref), ['istio-system/gw']);
    assert.deepEqual(push.gateways(routerProxy({ labels: { istio: 'egressgateway' } })), []);
    assert.deepEqual(push.gateways(sidecarProxy({ labels: { istio: 'ingressgateway' } })), []);
  });
});

describe('traffic policy merging', () => {
  it('applies port-level settings, then the subset policy component by component', () => {
    const top = { loadBalancer: { simple: 'RANDOM' as const }, connectionPool: { tcp: { maxConnections: 1 } }, portLevelSettings: [{ port: { number: 80 }, loadBalancer: { simple: 'ROUND_ROBIN' as const } }] };
    assert.equal(subsetTrafficPolicy(top, undefined, 80)?.loadBalancer?.simple, 'ROUND_ROBIN');
    assert.equal(subsetTrafficPolicy(top, undefined, 81)?.loadBalancer?.simple, 'RANDOM');
    const merged = subsetTrafficPolicy(top, { outlierDetection: { consecutive5xxErrors: 2 } }, 80);
    assert.equal(merged?.loadBalancer?.simple, 'ROUND_ROBIN');
    assert.equal(merged?.outlierDetection?.consecutive5xxErrors, 2);
    assert.equal(merged?.connectionPool?.tcp?.maxConnections, 1);
  });
});
