import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { jsonToStruct } from '@skiff/api/envoy/struct.ts';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { assertEncodes, configGen, sidecarProxy } from '@skiff/testing';
import { parseProxyNode } from '../../model/proxy.ts';
import type { GenerateRequest, GeneratorEntry } from '../../xds/types.ts';
import type { PushContext } from '../../model/push-context.ts';
import { buildGrpcClusters, buildGrpcListeners, buildGrpcLoadAssignments, buildGrpcRouteConfiguration, isProxylessGrpc, withProxylessGrpc } from './index.ts';
import { flattenResources } from '../../xds/shared-resources.ts';

const HOST = 'reviews.default.svc.cluster.local';
const ROUTE = `outbound|9080||${HOST}`;
const V1 = `outbound|9080|v1|${HOST}`;
const V2 = `outbound|9080|v2|${HOST}`;

const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: reviews}
spec:
  clusterIP: 10.96.0.10
  selector: {app: reviews}
  ports: [{name: grpc, port: 9080}]
---
apiVersion: v1
kind: Pod
metadata: {name: reviews-v1, labels: {app: reviews, version: v1}, annotations: {skiff.test/ip: 10.1.0.1}}
spec: {containers: [{name: app, image: app, ports: [{containerPort: 9080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: reviews-v2, labels: {app: reviews, version: v2}, annotations: {skiff.test/ip: 10.1.0.2}}
spec: {containers: [{name: app, image: app, ports: [{containerPort: 9080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: ratings}
spec:
  selector: {app: ratings}
  ports: [{name: grpc, port: 9080}, {name: grpc-admin, port: 9090}]
`;

const rule = (trafficPolicy = '') => `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
${trafficPolicy}  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
`;

const proxy = sidecarProxy({ name: 'app' });
const names = (...n: string[]) => new Set(n);

function listener(yaml: string, name: string) {
  const [l] = buildGrpcListeners(proxy, configGen({ yaml }).push, names(name));
  if (l) assertEncodes(TypeUrl.Listener, l as unknown as WireMessage);
  return l;
}

function routes(yaml: string) {
  const rc = buildGrpcRouteConfiguration(proxy, configGen({ yaml }).push, ROUTE);
  assert.ok(rc);
  assertEncodes(TypeUrl.RouteConfiguration, rc as unknown as WireMessage);
  return rc;
}

function clusters(yaml: string, ...requested: string[]) {
  const out = buildGrpcClusters(proxy, configGen({ yaml }).push, names(...requested));
  for (const c of out) assertEncodes(TypeUrl.Cluster, c as unknown as WireMessage);
  return out;
}

describe('proxyless gRPC LDS', () => {
  it('answers a target with an api_listener of that name: RDS over ADS for outbound|port||host and the router only', () => {
    assert.deepEqual(listener(SERVICE, `${HOST}:9080`), {
      name: `${HOST}:9080`,
      address: { socket_address: { address: '10.96.0.10', port_value: 9080 } },
      api_listener: {
        api_listener: {
          '@type': TypeUrl.HttpConnectionManager,
          http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': TypeUrl.Router } }],
          rds: { route_config_name: ROUTE, config_source: { ads: {}, resource_api_version: 'V3' } },
        },
      },
    });
  });

  it('resolves short and namespaced names through the pod search domains, keeping the requested name', () => {
    for (const name of ['reviews:9080', 'reviews.default:9080', 'reviews.default.svc:9080']) {
      const l = listener(SERVICE, name);
      assert.equal(l?.name, name);
      assert.equal((l?.api_listener.api_listener.rds as { route_config_name: string }).route_config_name, ROUTE);
    }
  });

  it('takes the only port of a service when the name has none, and answers nothing for unknown hosts, unknown ports or an ambiguous port', () => {
    assert.equal(listener(SERVICE, 'reviews')?.address.socket_address.port_value, 9080);
    assert.equal(listener(SERVICE, 'details:9080'), undefined);
    assert.equal(listener(SERVICE, 'reviews:9999'), undefined);
    assert.equal(listener(SERVICE, 'ratings'), undefined);
    assert.equal(listener(SERVICE, 'ratings:9090')?.name, 'ratings:9090');
  });

  it('lists the fault filter before the router while a route of the service injects a fault', () => {
    const yaml = `${SERVICE}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - fault: {delay: {fixedDelay: 1s, percentage: {value: 10}}}
    route: [{destination: {host: reviews}}]
`;
    const filters = listener(yaml, `${HOST}:9080`)?.api_listener.api_listener.http_filters as { name: string }[];
    assert.deepEqual(filters.map((f) => f.name), ['envoy.filters.http.fault', 'envoy.filters.http.router']);
  });
});

describe('proxyless gRPC RDS', () => {
  it('sends only the service virtual host, with weighted subsets, header matches and retries as the sidecar builds them', () => {
    const rc = routes(`${SERVICE}${rule()}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - match: [{headers: {x-user-type: {exact: beta}}}]
    route: [{destination: {host: reviews, subset: v2}}]
    retries: {attempts: 3, retryOn: unavailable}
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 90}
    - {destination: {host: reviews, subset: v2}, weight: 10}
`);
    assert.equal(rc.name, ROUTE);
    assert.deepEqual(rc.virtual_hosts.map((vh) => vh.name), [`${HOST}:9080`]);
    assert.ok(rc.virtual_hosts[0].domains.includes(`${HOST}:9080`) && rc.virtual_hosts[0].domains.includes('reviews:9080'));
    const [beta, split] = rc.virtual_hosts[0].routes;
    assert.deepEqual(beta.match.headers, [{ name: 'x-user-type', string_match: { exact: 'beta' } }]);
    assert.equal(beta.route?.cluster, V2);
    assert.equal(beta.route?.retry_policy?.retry_on, 'unavailable');
    assert.equal(beta.route?.retry_policy?.num_retries.value, 3);
    assert.deepEqual(split.route?.weighted_clusters?.clusters.map((c) => [c.name, c.weight.value]), [[V1, 90], [V2, 10]]);
  });

  it('drops redirect, direct-response and query-parameter routes, which gRPC rejects or cannot match', () => {
    const rc = routes(`${SERVICE}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /old}}]
    redirect: {uri: /new}
  - match: [{uri: {prefix: /gone}}]
    directResponse: {status: 410}
  - match: [{queryParams: {debug: {exact: "1"}}}]
    route: [{destination: {host: reviews}}]
  - name: rest
    route: [{destination: {host: reviews}}]
`);
    assert.deepEqual(rc.virtual_hosts[0].routes.map((r) => r.name), ['rest']);
  });

  it('turns a VirtualService timeout into max_stream_duration and grpc_timeout_header_max, the timeout gRPC reads', () => {
    const rc = routes(`${SERVICE}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - timeout: 1.5s
    route: [{destination: {host: reviews}}]
`);
    const action = rc.virtual_hosts[0].routes[0].route!;
    assert.deepEqual(action.max_stream_duration, { max_stream_duration: { seconds: '1', nanos: 500_000_000 }, grpc_timeout_header_max: { seconds: '1', nanos: 500_000_000 } });
  });

  it('answers nothing for a name that is not the default cluster of a visible service port', () => {
    const push = configGen({ yaml: SERVICE }).push;
    assert.equal(buildGrpcRouteConfiguration(proxy, push, '9080'), undefined);
    assert.equal(buildGrpcRouteConfiguration(proxy, push, V1), undefined);
    assert.equal(buildGrpcRouteConfiguration(proxy, push, `outbound|9080||details.default.svc.cluster.local`), undefined);
  });
});

describe('proxyless gRPC CDS and EDS', () => {
  it('builds only the requested clusters, as EDS over ADS with ROUND_ROBIN where Istio would pick LEAST_REQUEST', () => {
    const out = clusters(`${SERVICE}${rule()}`, V1, V2);
    assert.deepEqual(out.map((c) => [c.name, c.type, c.lb_policy, c.eds_cluster_config?.service_name]), [[V1, 'EDS', 'ROUND_ROBIN', V1], [V2, 'EDS', 'ROUND_ROBIN', V2]]);
    assert.ok(out.every((c) => c.typed_extension_protocol_options === undefined && c.common_lb_config === undefined));
  });

  it('uses RING_HASH for consistentHash, Maglev included, and carries the ring size', () => {
    const [ring] = clusters(`${SERVICE}${rule('  trafficPolicy:\n    loadBalancer: {consistentHash: {httpHeaderName: x-user, ringHash: {minimumRingSize: 2048}}}\n')}`, ROUTE);
    assert.equal(ring.lb_policy, 'RING_HASH');
    assert.deepEqual(ring.ring_hash_lb_config, { minimum_ring_size: { value: '2048' } });
    const [maglev] = clusters(`${SERVICE}${rule('  trafficPolicy:\n    loadBalancer: {consistentHash: {httpHeaderName: x-user, maglev: {tableSize: 65537}}}\n')}`, ROUTE);
    assert.equal(maglev.lb_policy, 'RING_HASH');
    assert.equal(maglev.maglev_lb_config, undefined);
  });

  it('carries outlier detection and circuit breakers, per subset', () => {
    const [, v2] = clusters(`${SERVICE}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    connectionPool: {http: {http2MaxRequests: 50}}
  subsets:
  - {name: v1, labels: {version: v1}}
  - name: v2
    labels: {version: v2}
    trafficPolicy: {outlierDetection: {consecutive5xxErrors: 3, interval: 5s, baseEjectionTime: 1m, maxEjectionPercent: 50}}
`, V1, V2);
    assert.equal(v2.name, V2);
    assert.deepEqual(v2.outlier_detection, {
      enforcing_success_rate: { value: 0 },
      consecutive_5xx: { value: 3 },
      enforcing_consecutive_5xx: { value: 100 },
      interval: { seconds: '5' },
      base_ejection_time: { seconds: '60' },
      max_ejection_percent: { value: 50 },
    });
    assert.equal(v2.circuit_breakers?.thresholds[0].max_requests.value, 50);
  });

  it('writes an explicit empty locality on every endpoint group, which gRPC requires', () => {
    const [cla] = buildGrpcLoadAssignments(proxy, configGen({ yaml: `${SERVICE}${rule()}` }).push, names(V2));
    assertEncodes(TypeUrl.ClusterLoadAssignment, cla as unknown as WireMessage);
    assert.deepEqual(cla.endpoints.map((l) => [l.locality, l.lb_endpoints.map((e) => (e.endpoint.address as { socket_address: { address: string } }).socket_address.address)]), [[{}, ['10.1.0.2']]]);
  });
});

describe('generator selection', () => {
  const node = (metadata: Record<string, string>) => {
    const parsed = parseProxyNode({ id: 'sidecar~10.1.0.9~app.default~default.svc.cluster.local', metadata: jsonToStruct(metadata) });
    assert.ok(parsed.ok);
    return parsed.value;
  };
  const request = (typeUrl: string, resourceNames: string[]): GenerateRequest => ({ watched: { typeUrl, isWildcard: false, names: new Set(resourceNames) }, push: undefined });
  const envoy = (typeUrl: TypeUrl): GeneratorEntry<PushContext> => ({ typeUrl, generate: () => [{ name: 'envoy', resource: {} }] });

  it('serves GENERATOR=grpc proxies with the gRPC generator of each type, others with the Envoy one, and gRPC nothing for types it lacks', () => {
    const push = configGen({ yaml: SERVICE }).push;
    const grpc = node({ GENERATOR: 'grpc' });
    const plain = node({});
    assert.equal(isProxylessGrpc(grpc), true);
    assert.equal(isProxylessGrpc(plain), false);
    const [lds, secret] = withProxylessGrpc([envoy(TypeUrl.Listener), envoy(TypeUrl.Secret)]);
    assert.deepEqual(flattenResources(lds.generate(grpc, push, request(TypeUrl.Listener, [`${HOST}:9080`]))).map((r) => r.name), [`${HOST}:9080`]);
    assert.deepEqual(flattenResources(lds.generate(plain, push, request(TypeUrl.Listener, []))).map((r) => r.name), ['envoy']);
    assert.deepEqual(secret.generate(grpc, push, request(TypeUrl.Secret, ['default'])), []);
  });
});
