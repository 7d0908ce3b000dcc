import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configGen } from '@skiff/testing/config-gen.ts';
import { kubePortProtocol, parseProtocol } from './protocol.ts';
import { hostMatches, mostSpecificHostMatch, resolveShortName } from './host.ts';
import { meshSettingsFrom } from './mesh-settings.ts';

const REVIEWS = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: bookinfo}
spec:
  clusterIP: 10.96.0.10
  selector: {app: reviews}
  ports:
  - {name: http, port: 9080, targetPort: http-app}
  - {name: metrics, port: 9090, targetPort: 9091, appProtocol: grpc}
---
apiVersion: v1
kind: Pod
metadata: {name: reviews-v1, namespace: bookinfo, labels: {app: reviews, version: v1}}
spec:
  serviceAccountName: bookinfo-reviews
  containers: [{name: app, image: reviews, ports: [{name: http-app, containerPort: 8080}]}]
status: {phase: Running, podIP: 10.1.0.1, conditions: [{type: Ready, status: "True"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: reviews-v2, namespace: bookinfo, labels: {app: reviews, version: v2}}
spec:
  containers: [{name: app, image: reviews}]
status: {phase: Running, podIP: 10.1.0.2, conditions: [{type: Ready, status: "False"}]}
`;

describe('protocol selection', () => {
  it('takes appProtocol first, then the port-name prefix, case-insensitively', () => {
    assert.equal(kubePortProtocol({ name: 'tcp-db', appProtocol: 'http' }), 'HTTP');
    assert.equal(kubePortProtocol({ name: 'http-web' }), 'HTTP');
    assert.equal(kubePortProtocol({ name: 'GRPC-api' }), 'GRPC');
    assert.equal(kubePortProtocol({ name: 'grpc-web-ui' }), 'GRPC-Web');
    assert.equal(kubePortProtocol({ name: 'http2' }), 'HTTP2');
    assert.equal(kubePortProtocol({ name: 'web' }), 'Unsupported');
    assert.equal(kubePortProtocol({ name: 'dns', protocol: 'UDP' }), 'UDP');
    assert.equal(kubePortProtocol({ name: 'x', appProtocol: 'kubernetes.io/h2c' }), 'HTTP2');
    assert.equal(parseProtocol('HTTPS'), 'HTTPS');
  });
});

describe('host names', () => {
  it('resolves short names relative to the namespace and keeps dotted names and wildcards', () => {
    assert.equal(resolveShortName('reviews', 'bookinfo', 'cluster.local'), 'reviews.bookinfo.svc.cluster.local');
    assert.equal(resolveShortName('reviews.other', 'bookinfo', 'cluster.local'), 'reviews.other');
    assert.equal(resolveShortName('*.example.com', 'bookinfo', 'cluster.local'), '*.example.com');
    assert.equal(resolveShortName('*', 'bookinfo', 'corp.internal'), '*');
    assert.equal(resolveShortName('api', 'team', 'corp.internal'), 'api.team.svc.corp.internal');
  });

  it('matches wildcards by suffix and prefers the exact, then the longest, match', () => {
    assert.ok(hostMatches('*.example.com', 'api.example.com'));
    assert.ok(!hostMatches('*.example.com', 'example.com'));
    assert.ok(hostMatches('*', 'anything'));
    const candidates = new Map([['*', 1], ['*.svc.cluster.local', 2], ['*.default.svc.cluster.local', 3]]);
    assert.equal(mostSpecificHostMatch('a.default.svc.cluster.local', candidates), '*.default.svc.cluster.local');
    assert.equal(mostSpecificHostMatch('a.other.svc.cluster.local', candidates), '*.svc.cluster.local');
    assert.equal(mostSpecificHostMatch('example.com', candidates), '*');
  });
});

describe('mesh settings', () => {
  it('fills in Istio defaults and reads MeshConfig overrides', () => {
    const d = meshSettingsFrom(undefined);
    assert.equal(d.trustDomain, 'cluster.local');
    assert.equal(d.clusterDomain, 'cluster.local');
    assert.equal(d.rootNamespace, 'istio-system');
    assert.equal(d.connectTimeoutMs, 10_000);
    assert.equal(d.outboundTrafficPolicy, 'ALLOW_ANY');
    const m = meshSettingsFrom({ trustDomain: 'example.org', connectTimeout: '2s', outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    assert.equal(m.trustDomain, 'example.org');
    assert.equal(m.connectTimeoutMs, 2000);
    assert.equal(m.outboundTrafficPolicy, 'REGISTRY_ONLY');
  });
});

describe('Kubernetes services', () => {
  it('builds the FQDN, ports with protocols, and ClusterIP resolution', () => {
    const { registry } = configGen({ yaml: REVIEWS }).push;
    const svc = registry.service('reviews.bookinfo.svc.cluster.local', 'bookinfo');
    assert.ok(svc);
    assert.equal(svc.resolution, 'ClientSideLB');
    assert.deepEqual(svc.addresses, ['10.96.0.10']);
    assert.deepEqual(svc.ports.map((p) => [p.name, p.port, p.protocol]), [['http', 9080, 'HTTP'], ['metrics', 9090, 'GRPC']]);
  });

  it('selects pods by labels, resolves a named targetPort against container ports and records readiness', () => {
    const { registry } = configGen({ yaml: REVIEWS }).push;
    const svc = registry.service('reviews.bookinfo.svc.cluster.local', 'bookinfo')!;
    const http = registry.endpointsForPort(svc, 9080);
    // reviews-v2 has no `http-app` container port: not an endpoint of port 9080.
    assert.deepEqual(http.map((e) => [e.address, e.port, e.serviceAccount, e.healthy]), [['10.1.0.1', 8080, 'bookinfo-reviews', true]]);
    const metrics = registry.endpointsForPort(svc, 9090);
    assert.deepEqual(metrics.map((e) => [e.address, e.port, e.healthy, e.labels.version]), [['10.1.0.1', 9091, true, 'v1'], ['10.1.0.2', 9091, false, 'v2']]);
  });

  it('treats headless services as passthrough and ExternalName services as DNS', () => {
    const { registry } = configGen({ yaml: `
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}, ports: [{name: tcp, port: 5432}]}
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {type: ExternalName, externalName: api.example.com, ports: [{name: https, port: 443}]}
` }).push;
    assert.equal(registry.service('db.default.svc.cluster.local', 'default')?.resolution, 'Passthrough');
    const ext = registry.service('ext.default.svc.cluster.local', 'default');
    assert.equal(ext?.resolution, 'DNSLB');
    assert.equal(ext?.externalName, 'api.example.com');
  });

  it('takes endpoints from EndpointSlices when present, with readiness and pod metadata', () => {
    const { registry } = configGen({ yaml: `
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, labels: {app: web, version: v1}}
spec: {serviceAccountName: web, containers: [{name: web, image: web}]}
status: {phase: Running, podIP: 10.2.0.1, conditions: [{type: Ready, status: "True"}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints:
- {addresses: [10.2.0.1], conditions: {ready: true}, targetRef: {kind: Pod, name: web-1}}
- {addresses: [10.2.0.9], conditions: {ready: false}}
` }).push;
    const svc = registry.service('web.default.svc.cluster.local', 'default')!;
    assert.deepEqual(registry.endpoints(svc).map((e) => [e.address, e.port, e.healthy, e.serviceAccount, e.labels.version ?? '']),
      [['10.2.0.1', 8080, true, 'web', 'v1'], ['10.2.0.9', 8080, false, '', '']]);
  });

  it('reads exportTo from the networking.istio.io/exportTo annotation', () => {
    const { registry } = configGen({ yaml: `
apiVersion: v1
kind: Service
metadata: {name: private, namespace: a, annotations: {networking.istio.io/exportTo: "."}}
spec: {ports: [{name: http, port: 80}]}
` }).push;
    const svc = registry.services()[0];
    assert.equal(svc.exportTo.all, false);
    assert.deepEqual([...svc.exportTo.namespaces], ['a']);
  });
});

describe('ServiceEntries and WorkloadEntries', () => {
  it('makes one service per host with location and resolution, and DNS endpoints from the hosts', () => {
    const { registry } = configGen({ yaml: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: httpbin}
spec:
  hosts: [httpbin.org, www.httpbin.org]
  ports: [{number: 80, name: http, protocol: HTTP}]
  location: MESH_EXTERNAL
  resolution: DNS
` }).push;
    const hosts = registry.services().map((s) => [s.hostname, s.resolution, s.meshExternal]);
    assert.deepEqual(hosts, [['httpbin.org', 'DNSLB', true], ['www.httpbin.org', 'DNSLB', true]]);
    const svc = registry.service('httpbin.org', 'default')!;
    assert.deepEqual(registry.endpoints(svc).map((e) => [e.address, e.port]), [['httpbin.org', 80]]);
  });

  it('reads a full-length CIDR address as the address itself, and keeps real ranges', () => {
    const { registry } = configGen({ yaml: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: mysql}
spec:
  hosts: [mysql.example.internal]
  addresses: [10.80.0.7/32, 10.81.0.0/16, 2001:db8::1/128]
  ports: [{number: 3306, name: tcp, protocol: TCP}]
  resolution: STATIC
  endpoints: [{address: 10.80.0.7}]
` }).push;
    assert.deepEqual(registry.service('mysql.example.internal', 'default')!.addresses, ['10.80.0.7', '10.81.0.0/16', '2001:db8::1']);
  });

  it('uses inline endpoints with their named ports, locality and weight', () => {
    const { registry } = configGen({ yaml: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vms}
spec:
  hosts: [vm.internal]
  ports: [{number: 80, name: http, protocol: HTTP, targetPort: 8000}]
  location: MESH_INTERNAL
  resolution: STATIC
  endpoints:
  - {address: 10.9.0.1, ports: {http: 8080}, locality: us-east/zone-a, weight: 3, labels: {version: v1}}
  - {address: 10.9.0.2}
` }).push;
    const svc = registry.service('vm.internal', 'default')!;
    assert.equal(svc.resolution, 'ClientSideLB');
    assert.equal(svc.meshExternal, false);
    assert.deepEqual(registry.endpoints(svc).map((e) => [e.address, e.port, e.weight, e.locality.zone]),
      [['10.9.0.1', 8080, 3, 'zone-a'], ['10.9.0.2', 8000, 1, '']]);
  });

  it('selects Pods and WorkloadEntries with workloadSelector', () => {
    const { registry } = configGen({ yaml: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: app}
spec:
  hosts: [app.mesh]
  ports: [{number: 80, name: http, protocol: HTTP}]
  location: MESH_INTERNAL
  resolution: STATIC
  workloadSelector: {labels: {app: vm-app}}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm-1}
spec: {address: 192.168.1.5, labels: {app: vm-app}, serviceAccount: vm, ports: {http: 9000}}
---
apiVersion: v1
kind: Pod
metadata: {name: app-1, labels: {app: vm-app}, annotations: {skiff.test/ip: 10.3.0.1}}
spec: {containers: [{name: app, image: app}]}
` }).push;
    const svc = registry.service('app.mesh', 'default')!;
    assert.deepEqual(registry.endpoints(svc).map((e) => [e.workload, e.address, e.port]).sort(),
      [['Pod/app-1', '10.3.0.1', 80], ['WorkloadEntry/vm-1', '192.168.1.5', 9000]]);
  });

  it('lets a Kubernetes Service select WorkloadEntries too', () => {
    const { registry } = configGen({ yaml: `
apiVersion: v1
kind: Service
metadata: {name: legacy}
spec: {selector: {app: legacy}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm}
spec: {address: 192.168.0.9, labels: {app: legacy}}
` }).push;
    const svc = registry.services()[0];
    assert.deepEqual(registry.endpoints(svc).map((e) => [e.address, e.port]), [['192.168.0.9', 8080]]);
  });

  it('finds the service ports a workload serves from its IP', () => {
    const push = configGen({ yaml: REVIEWS }).push;
    const targets = push.registry.serviceTargets(['10.1.0.1']);
    assert.deepEqual(targets.map((t) => [t.service.name, t.port.port, t.targetPort]), [['reviews', 9080, 8080], ['reviews', 9090, 9091]]);
  });
});
