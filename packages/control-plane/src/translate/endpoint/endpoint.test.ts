import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TypeUrl } from '@skiff/api';
import { assertEncodes, configGen, sidecarProxy } from '@skiff/testing/config-gen.ts';
import type { ClusterLoadAssignmentWire } from '../cluster/wire.ts';
import { endpointGenerator } from './load-assignment.ts';
import { flattenResources } from '../../xds/shared-resources.ts';

const seed = (file: string) => readFileSync(new URL(`../../../../config/testdata/seeds/${file}`, import.meta.url), 'utf8');

const pod = (name: string, ip: string, labels: string, ready = true, extra = '') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: ${labels}}
spec: {containers: [{name: app, image: app}]}
status: {phase: Running, podIP: ${ip}, conditions: [{type: Ready, status: "${ready ? 'True' : 'False'}"}]}
${extra}---
`;

const REVIEWS = `
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
` + pod('reviews-v1', '10.0.1.1', '{app: reviews, version: v1}')
  + pod('reviews-v2', '10.0.1.2', '{app: reviews, version: v2}')
  + pod('reviews-v3', '10.0.1.3', '{app: reviews, version: v3}')
  + pod('reviews-v3-starting', '10.0.1.4', '{app: reviews, version: v3}', false);

const HOST = 'reviews.default.svc.cluster.local';

function addresses(cla: ClusterLoadAssignmentWire): string[] {
  return cla.endpoints.flatMap((l) => l.lb_endpoints.map((e) => {
    const a = (e.endpoint.address as { socket_address: { address: string; port_value: number } }).socket_address;
    return `${a.address}:${a.port_value}`;
  }));
}

describe('EDS', () => {
  const gen = configGen({ yaml: REVIEWS + seed('003-destination-rule-all.yaml') });

  it('sends every ready endpoint of the service port for the default cluster', () => {
    const cla = gen.endpoints(sidecarProxy(), `outbound|9080||${HOST}`);
    assert.equal(cla.cluster_name, `outbound|9080||${HOST}`);
    assert.deepEqual(addresses(cla), ['10.0.1.1:9080', '10.0.1.2:9080', '10.0.1.3:9080']);
    assert.ok(cla.endpoints[0].lb_endpoints.every((e) => e.health_status === 'HEALTHY' && e.load_balancing_weight?.value === 1));
    assert.deepEqual(cla.endpoints[0].load_balancing_weight, { value: 3 });
  });

  it('filters endpoints by the seed 003 subset labels', () => {
    assert.deepEqual(addresses(gen.endpoints(sidecarProxy(), `outbound|9080|v1|${HOST}`)), ['10.0.1.1:9080']);
    assert.deepEqual(addresses(gen.endpoints(sidecarProxy(), `outbound|9080|v3|${HOST}`)), ['10.0.1.3:9080']);
  });

  it('leaves not-ready endpoints out, or sends them as UNHEALTHY when the mesh asks for it', () => {
    const unhealthy = configGen({ yaml: REVIEWS + seed('003-destination-rule-all.yaml'), sendUnhealthyEndpoints: true });
    const cla = unhealthy.endpoints(sidecarProxy(), `outbound|9080|v3|${HOST}`);
    assert.deepEqual(cla.endpoints[0].lb_endpoints.map((e) => e.health_status), ['HEALTHY', 'UNHEALTHY']);
  });

  it('answers unknown, unparsable or invisible clusters with an empty assignment', () => {
    assert.deepEqual(gen.endpoints(sidecarProxy(), `outbound|9080|v9|${HOST}`).endpoints, []);
    assert.deepEqual(gen.endpoints(sidecarProxy(), 'outbound|9080||nope.default.svc.cluster.local').endpoints, []);
    assert.deepEqual(gen.endpoints(sidecarProxy(), 'PassthroughCluster').endpoints, []);
    const hidden = configGen({ yaml: REVIEWS.replace('metadata: {name: reviews}', 'metadata: {name: reviews, annotations: {networking.istio.io/exportTo: "."}}') });
    assert.deepEqual(hidden.endpoints(sidecarProxy({ namespace: 'other' }), `outbound|9080||${HOST}`).endpoints, []);
  });

  it('serves seed 002 user-service subsets from the namespace the rule was applied in', () => {
    const g = configGen({ namespace: 'backend', yaml: seed('002-backend-services.yaml') + '\n---\n' + seed('002-user-service-destinationrule.yaml') + '\n---\n'
      + pod('user-v1', '10.2.0.1', '{app: user-service, version: v1}') + pod('user-v2', '10.2.0.2', '{app: user-service, version: v2}') });
    const proxy = sidecarProxy({ namespace: 'frontend' });
    assert.deepEqual(addresses(g.endpoints(proxy, 'outbound|80|v2|user-service.backend.svc.cluster.local')), ['10.2.0.2:8080']);
    assert.deepEqual(addresses(g.endpoints(proxy, 'outbound|80||user-service.backend.svc.cluster.local')), ['10.2.0.1:8080', '10.2.0.2:8080']);
  });

  it('lists every EDS cluster of the proxy for a wildcard request', () => {
    const out = flattenResources(endpointGenerator.generate(sidecarProxy(), gen.push, { watched: { typeUrl: TypeUrl.ClusterLoadAssignment, isWildcard: true, names: new Set() }, push: undefined }));
    assert.deepEqual(out.map((r) => r.name), [`outbound|9080||${HOST}`, `outbound|9080|v1|${HOST}`, `outbound|9080|v2|${HOST}`, `outbound|9080|v3|${HOST}`]);
  });
});

describe('EDS locality', () => {
  const zoned = `
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
---
` + pod('web-a', '10.3.0.1', '{app: web, istio-locality: us-east.us-east-1a}')
    + pod('web-b', '10.3.0.2', '{app: web, istio-locality: us-east.us-east-1b}')
    + pod('web-c', '10.3.0.3', '{app: web, istio-locality: eu-west.eu-west-1a}');
  const client = sidecarProxy({ labels: { 'istio-locality': 'us-east.us-east-1a' } });
  const cluster = 'outbound|80||web.default.svc.cluster.local';
  const dr = (tp: string) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web}
spec: {host: web, trafficPolicy: ${tp}}
`;

  it('groups endpoints by locality without priorities when outlier detection is off', () => {
    const cla = configGen({ yaml: zoned }).endpoints(client, cluster);
    assert.deepEqual(cla.endpoints.map((l) => [l.locality?.region, l.locality?.zone, l.priority]), [['us-east', 'us-east-1a', undefined], ['us-east', 'us-east-1b', undefined], ['eu-west', 'eu-west-1a', undefined]]);
  });

  it('assigns failover priorities by proximity when outlier detection is on', () => {
    const cla = configGen({ yaml: zoned + dr('{outlierDetection: {consecutive5xxErrors: 3}}') }).endpoints(client, cluster);
    assert.deepEqual(cla.endpoints.map((l) => [l.locality?.zone, l.priority ?? 0]), [['us-east-1a', 0], ['us-east-1b', 1], ['eu-west-1a', 2]]);
  });

  it('distributes locality weights and drops localities not named', () => {
    const cla = configGen({ yaml: zoned + dr('{loadBalancer: {localityLbSetting: {distribute: [{from: "us-east/*", to: {"us-east/us-east-1a": 80, "us-east/us-east-1b": 20}}]}}}') }).endpoints(client, cluster);
    assert.deepEqual(cla.endpoints.map((l) => [l.locality?.zone, l.load_balancing_weight?.value]), [['us-east-1a', 80], ['us-east-1b', 20]]);
  });

  it('leaves localities alone when the rule disables locality load balancing', () => {
    const cla = configGen({ yaml: zoned + dr('{outlierDetection: {consecutive5xxErrors: 3}, loadBalancer: {localityLbSetting: {enabled: false}}}') }).endpoints(client, cluster);
    assert.ok(cla.endpoints.every((l) => l.priority === undefined));
  });

  it('carries WorkloadEntry weights into endpoint and locality weights', () => {
    const cla = configGen({ yaml: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vm}
spec:
  hosts: [vm.mesh]
  ports: [{number: 80, name: http, protocol: HTTP}]
  location: MESH_INTERNAL
  resolution: STATIC
  endpoints: [{address: 10.9.0.1, weight: 3}, {address: 10.9.0.2}]
` }).endpoints(sidecarProxy(), 'outbound|80||vm.mesh');
    assert.deepEqual(cla.endpoints[0].lb_endpoints.map((e) => e.load_balancing_weight?.value), [3, 1]);
    assert.deepEqual(cla.endpoints[0].load_balancing_weight, { value: 4 });
  });
});

describe('EDS failover', () => {
  const svc = `
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
---
`;
  const cluster = 'outbound|80||web.default.svc.cluster.local';
  const dr = (lb: string) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web}
spec: {host: web, trafficPolicy: {outlierDetection: {consecutive5xxErrors: 3}, loadBalancer: {localityLbSetting: ${lb}}}}
`;
  const groups = (cla: ClusterLoadAssignmentWire) => cla.endpoints.map((l) => [l.priority ?? 0, addresses({ cluster_name: '', endpoints: [l] }).join(','), l.load_balancing_weight?.value]);

  it('sends traffic leaving the proxy\'s region to the failover region before any other', () => {
    const yaml = svc + pod('a', '10.4.0.1', '{app: web, istio-locality: us-east.us-east-1a}')
      + pod('b', '10.4.0.2', '{app: web, istio-locality: us-east.us-east-1b}')
      + pod('c', '10.4.0.3', '{app: web, istio-locality: eu-west.eu-west-1a}')
      + pod('d', '10.4.0.4', '{app: web, istio-locality: ap-south.ap-south-1a}');
    const client = sidecarProxy({ labels: { 'istio-locality': 'us-east.us-east-1a' } });
    const withRule = configGen({ yaml: yaml + dr('{failover: [{from: us-east, to: ap-south}]}') }).endpoints(client, cluster);
    assert.deepEqual(withRule.endpoints.map((l) => [l.locality?.region, l.priority ?? 0]), [['us-east', 0], ['us-east', 1], ['eu-west', 3], ['ap-south', 2]]);
    const noRule = configGen({ yaml: yaml + dr('{failover: [{from: eu-west, to: ap-south}]}') }).endpoints(client, cluster);
    assert.deepEqual(noRule.endpoints.map((l) => [l.locality?.region, l.priority ?? 0]), [['us-east', 0], ['us-east', 1], ['eu-west', 2], ['ap-south', 2]], 'a rule from another region changes nothing');
  });

  const ranked = svc + pod('prod-v1', '10.5.0.1', '{app: web, env: prod, version: v1}')
    + pod('prod-v2', '10.5.0.2', '{app: web, env: prod, version: v2}')
    + pod('dev-v1', '10.5.0.3', '{app: web, env: dev, version: v1}')
    + pod('prod-v1-b', '10.5.0.4', '{app: web, env: prod, version: v1}');

  it('ranks endpoints by how many failoverPriority labels, in order, match the proxy\'s', () => {
    const client = sidecarProxy({ labels: { app: 'client', env: 'prod', version: 'v1' } });
    const cla = configGen({ yaml: ranked + dr('{failoverPriority: [env, version]}') }).endpoints(client, cluster);
    assert.deepEqual(groups(cla), [[0, '10.5.0.1:80,10.5.0.4:80', 2], [1, '10.5.0.2:80', 1], [2, '10.5.0.3:80', 1]]);
    const devClient = sidecarProxy({ labels: { env: 'dev', version: 'v2' } });
    const dev = configGen({ yaml: ranked + dr('{failoverPriority: [env, version]}') }).endpoints(devClient, cluster);
    assert.deepEqual(groups(dev), [[0, '10.5.0.3:80', 1], [1, '10.5.0.1:80,10.5.0.2:80,10.5.0.4:80', 3]], 'no endpoint matches both: priorities close up');
  });

  it('compares a `label=value` entry with the value instead of the proxy\'s label', () => {
    const client = sidecarProxy({ labels: { env: 'prod', version: 'v1' } });
    const cla = configGen({ yaml: ranked + dr('{failoverPriority: [env=dev, version]}') }).endpoints(client, cluster);
    assert.deepEqual(groups(cla), [[0, '10.5.0.3:80', 1], [1, '10.5.0.1:80,10.5.0.2:80,10.5.0.4:80', 3]]);
  });

  it('matches topology labels derived from locality, and applies failover within each rank', () => {
    const yaml = svc + pod('a', '10.6.0.1', '{app: web, env: prod, istio-locality: us-east.us-east-1a}')
      + pod('b', '10.6.0.2', '{app: web, env: dev, istio-locality: us-east.us-east-1a}')
      + pod('c', '10.6.0.3', '{app: web, env: prod, istio-locality: eu-west.eu-west-1a}');
    const client = sidecarProxy({ labels: { env: 'prod', 'istio-locality': 'us-east.us-east-1b' } });
    const byRegion = configGen({ yaml: yaml + dr('{failoverPriority: [topology.kubernetes.io/region]}') }).endpoints(client, cluster);
    assert.deepEqual(groups(byRegion), [[0, '10.6.0.1:80,10.6.0.2:80', 2], [1, '10.6.0.3:80', 1]]);
    const both = configGen({ yaml: yaml + dr('{failoverPriority: [env], failover: [{from: us-east, to: eu-west}]}') }).endpoints(client, cluster);
    // rank × 5 + proximity: a (0,2)=2, c (0,3)=3, b (1,2)=7 → 0, 1, 2.
    assert.deepEqual(groups(both), [[0, '10.6.0.1:80', 1], [2, '10.6.0.2:80', 1], [1, '10.6.0.3:80', 1]]);
  });

  it('sets no failoverPriority ranks for a proxy without labels, nor without outlier detection', () => {
    const unlabelled = configGen({ yaml: ranked + dr('{failoverPriority: [env]}') }).endpoints(sidecarProxy(), cluster);
    assert.ok(unlabelled.endpoints.every((l) => l.priority === undefined));
    assert.equal(unlabelled.endpoints.length, 1);
    const noOutlier = configGen({ yaml: ranked + dr('{failoverPriority: [env]}').replace('outlierDetection: {consecutive5xxErrors: 3}, ', '') })
      .endpoints(sidecarProxy({ labels: { env: 'prod' } }), cluster);
    assert.equal(noOutlier.endpoints.length, 1);
    assert.equal(noOutlier.endpoints[0].priority, undefined);
  });
});

describe('codec check', () => {
  it('reports a field the Envoy codec drops', () => {
    assert.throws(() => assertEncodes(TypeUrl.ClusterLoadAssignment, { cluster_name: 'x', endpoint: [{ priority: 1 }] }), /endpoint/);
    assert.throws(() => assertEncodes(TypeUrl.Cluster, { name: 'x', connect_timout: { seconds: '1' } }), /connect_timout/);
    assertEncodes(TypeUrl.Cluster, { name: 'x', connect_timeout: { seconds: '1' } });
  });
});
