import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TypeUrl } from '@skiff/api';
import { configGen, routerProxy, sidecarProxy } from '@skiff/testing/config-gen.ts';
import { hashPolicyFor } from './hash-policy.ts';
import { HTTP_PROTOCOL_OPTIONS_KEY } from './cluster-draft.ts';
import { MAX_UINT32, type ClusterWire } from './wire.ts';

const seed = (file: string) => readFileSync(new URL(`../../../../config/testdata/seeds/${file}`, import.meta.url), 'utf8');

const REVIEWS_SVC = `
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
`;

const svc = (name: string, ports = '[{name: http, port: 80}]') => `
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec: {selector: {app: ${name}}, ports: ${ports}}
---
`;

const withDr = (host: string, body: string) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${host}-dr}
spec:
  host: ${host}
${body}
---
`;

const thresholds = (c: ClusterWire) => {
  const t = c.circuit_breakers!.thresholds[0];
  return [t.max_connections.value, t.max_pending_requests.value, t.max_requests.value, t.max_retries.value];
};
const httpOptions = (c: ClusterWire) => c.typed_extension_protocol_options?.[HTTP_PROTOCOL_OPTIONS_KEY];
const HOST = 'reviews.default.svc.cluster.local';

describe('outbound clusters', () => {
  it('builds a cluster per service port and per seed 003 subset, plus the special clusters', () => {
    const gen = configGen({ yaml: REVIEWS_SVC + seed('003-destination-rule-all.yaml') });
    const names = gen.clusters(sidecarProxy()).map((c) => c.name);
    assert.deepEqual(names, [
      `outbound|9080||${HOST}`, `outbound|9080|v1|${HOST}`, `outbound|9080|v2|${HOST}`, `outbound|9080|v3|${HOST}`,
      'BlackHoleCluster', 'PassthroughCluster', 'InboundPassthroughCluster',
    ]);
  });

  it('uses EDS over ADS for Kubernetes services, with Istio defaults when no rule applies', () => {
    const c = configGen({ yaml: REVIEWS_SVC }).cluster(sidecarProxy(), `outbound|9080||${HOST}`);
    assert.equal(c.type, 'EDS');
    assert.deepEqual(c.eds_cluster_config, { service_name: `outbound|9080||${HOST}`, eds_config: { ads: {}, initial_fetch_timeout: { seconds: '0' }, resource_api_version: 'V3' } });
    assert.equal(c.lb_policy, 'LEAST_REQUEST');
    assert.deepEqual(c.connect_timeout, { seconds: '10' });
    assert.deepEqual(thresholds(c), [MAX_UINT32, MAX_UINT32, MAX_UINT32, MAX_UINT32]);
    assert.equal(c.circuit_breakers!.thresholds[0].track_remaining, true);
    assert.equal(c.outlier_detection, undefined);
    assert.equal(c.alt_stat_name, `outbound|9080||${HOST};`);
  });

  it('translates the seed 002 product-service circuit breaker (connection pool and consecutiveErrors)', () => {
    const gen = configGen({ namespace: 'backend', yaml: seed('002-backend-services.yaml') + '\n---\n' + seed('002-product-service-circuit-breaker.yaml') });
    const c = gen.cluster(sidecarProxy({ namespace: 'backend' }), 'outbound|80||product-service.backend.svc.cluster.local');
    assert.deepEqual(thresholds(c), [1, 1, MAX_UINT32, MAX_UINT32]);
    assert.deepEqual(httpOptions(c)?.common_http_protocol_options, { max_requests_per_connection: { value: 1 } });
    // Unnamed port: protocol sniffing, so the upstream speaks what the client spoke.
    assert.deepEqual(httpOptions(c)?.use_downstream_protocol_config, { http_protocol_options: {}, http2_protocol_options: {} });
    assert.equal(httpOptions(c)?.['@type'], TypeUrl.HttpProtocolOptions);
    assert.deepEqual(c.outlier_detection, {
      enforcing_success_rate: { value: 0 },
      consecutive_gateway_failure: { value: 1 },
      enforcing_consecutive_gateway_failure: { value: 100 },
      enforcing_consecutive_5xx: { value: 0 },
      interval: { seconds: '1' },
      base_ejection_time: { seconds: '180' },
      max_ejection_percent: { value: 100 },
    });
    assert.deepEqual(c.common_lb_config?.healthy_panic_threshold, { value: 0 });
  });

  it('gives seed 002 user-service subsets the top-level policy', () => {
    const gen = configGen({ namespace: 'backend', yaml: seed('002-backend-services.yaml') + '\n---\n' + seed('002-user-service-circuit-breaker.yaml') });
    const proxy = sidecarProxy({ namespace: 'backend' });
    for (const subset of ['', 'v1', 'v2']) {
      const c = gen.cluster(proxy, `outbound|80|${subset}|user-service.backend.svc.cluster.local`);
      assert.deepEqual(thresholds(c), [10, 10, MAX_UINT32, MAX_UINT32]);
      assert.equal(c.outlier_detection?.consecutive_gateway_failure?.value, 3);
      assert.deepEqual(c.outlier_detection?.base_ejection_time, { seconds: '30' });
    }
  });

  it('builds STRICT_DNS clusters for the seed 002 httpbin ServiceEntry, with its DestinationRule', () => {
    const gen = configGen({ yaml: seed('002-httpbin-serviceentry.yaml') + '\n---\n' + seed('002-httpbin-destinationrule.yaml') });
    const c = gen.cluster(sidecarProxy(), 'outbound|80||httpbin.org');
    assert.equal(c.type, 'STRICT_DNS');
    assert.equal(c.dns_lookup_family, 'V4_ONLY');
    assert.equal(c.respect_dns_ttl, true);
    assert.deepEqual(c.dns_refresh_rate, { seconds: '60' });
    assert.deepEqual(c.load_assignment, {
      cluster_name: 'outbound|80||httpbin.org',
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'httpbin.org', port_value: 80 } } }, load_balancing_weight: { value: 1 } }], load_balancing_weight: { value: 1 } }],
    });
    assert.equal(c.eds_cluster_config, undefined);
    assert.deepEqual(thresholds(c), [5, 5, MAX_UINT32, MAX_UINT32]);
    assert.equal(gen.cluster(sidecarProxy(), 'outbound|443||httpbin.org').type, 'STRICT_DNS');
  });

  it('maps ServiceEntry resolutions and headless services as Istio does', () => {
    const se = (name: string, resolution: string, extra = '') => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}}
spec:
  hosts: [${name}.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: ${resolution}
${extra}
---
`;
    const gen = configGen({ yaml: se('none', 'NONE') + se('static', 'STATIC', '  endpoints: [{address: 10.0.0.5}]') + se('rr', 'DNS_ROUND_ROBIN') + `
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}, ports: [{name: tcp, port: 5432}, {name: udp-stats, port: 8125, protocol: UDP}]}
` });
    const type = (name: string, proxy = sidecarProxy()) => gen.cluster(proxy, name).type;
    assert.equal(type('outbound|443||none.example.com'), 'ORIGINAL_DST');
    assert.equal(gen.cluster(sidecarProxy(), 'outbound|443||none.example.com').lb_policy, 'CLUSTER_PROVIDED');
    assert.equal(type('outbound|443||static.example.com'), 'EDS');
    assert.equal(type('outbound|443||rr.example.com'), 'LOGICAL_DNS');
    assert.equal(type('outbound|5432||db.default.svc.cluster.local'), 'ORIGINAL_DST');
    assert.equal(type('outbound|5432||db.default.svc.cluster.local', routerProxy()), 'EDS');
    assert.ok(!gen.clusters(sidecarProxy()).some((c) => c.name.startsWith('outbound|8125|')), 'UDP ports get no cluster');
  });

  it('filters a DNS cluster\'s inline endpoints by subset labels and drops subsets without endpoints', () => {
    const gen = configGen({ yaml: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext}
spec:
  hosts: [api.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
  endpoints: [{address: a.example.com, labels: {pool: a}}, {address: b.example.com, labels: {pool: b}}]
---` + withDr('api.example.com', '  subsets: [{name: a, labels: {pool: a}}, {name: none, labels: {pool: z}}]') });
    const names = gen.clusters(sidecarProxy()).map((c) => c.name);
    assert.ok(names.includes('outbound|80|a|api.example.com'));
    assert.ok(!names.includes('outbound|80|none|api.example.com'));
    const a = gen.cluster(sidecarProxy(), 'outbound|80|a|api.example.com');
    assert.deepEqual(a.load_assignment?.endpoints.flatMap((l) => l.lb_endpoints.map((e) => (e.endpoint.address as { socket_address: { address: string } }).socket_address.address)), ['a.example.com']);
  });
});

describe('load balancer settings', () => {
  const lbOf = (lb: string) => configGen({ yaml: REVIEWS_SVC + withDr('reviews', `  trafficPolicy: {loadBalancer: ${lb}}`) }).cluster(sidecarProxy(), `outbound|9080||${HOST}`);

  it('maps simple policies: LEAST_CONN and LEAST_REQUEST to LEAST_REQUEST, RANDOM, ROUND_ROBIN', () => {
    assert.equal(lbOf('{simple: LEAST_CONN}').lb_policy, 'LEAST_REQUEST');
    assert.equal(lbOf('{simple: LEAST_REQUEST}').lb_policy, 'LEAST_REQUEST');
    assert.equal(lbOf('{simple: RANDOM}').lb_policy, 'RANDOM');
    assert.equal(lbOf('{simple: ROUND_ROBIN}').lb_policy, 'ROUND_ROBIN');
  });

  it('turns PASSTHROUGH into an ORIGINAL_DST cluster without EDS', () => {
    const c = lbOf('{simple: PASSTHROUGH}');
    assert.equal(c.type, 'ORIGINAL_DST');
    assert.equal(c.lb_policy, 'CLUSTER_PROVIDED');
    assert.equal(c.eds_cluster_config, undefined);
  });

  it('maps consistentHash to RING_HASH or MAGLEV with their sizes', () => {
    const ring = lbOf('{consistentHash: {httpHeaderName: x-user, ringHash: {minimumRingSize: 2048}}}');
    assert.equal(ring.lb_policy, 'RING_HASH');
    assert.deepEqual(ring.ring_hash_lb_config, { minimum_ring_size: { value: '2048' } });
    const maglev = lbOf('{consistentHash: {useSourceIp: true, maglev: {tableSize: 65537}}}');
    assert.equal(maglev.lb_policy, 'MAGLEV');
    assert.deepEqual(maglev.maglev_lb_config, { table_size: { value: '65537' } });
    const plain = lbOf('{consistentHash: {httpQueryParameterName: user}}');
    assert.equal(plain.lb_policy, 'RING_HASH');
    assert.deepEqual(plain.ring_hash_lb_config, { minimum_ring_size: { value: '1024' } });
  });

  it('records the hash key for routes, per subset and port', () => {
    const gen = configGen({ yaml: REVIEWS_SVC + withDr('reviews', `
  trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: session, path: /, ttl: 30s}}}}
  subsets:
  - {name: v1, labels: {version: v1}, trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true}}}}
  - {name: v2, labels: {version: v2}}`) });
    const proxy = sidecarProxy();
    const rule = gen.push.destinationRule(proxy, gen.push.service(proxy, HOST)!);
    assert.deepEqual(hashPolicyFor(rule, 9080, ''), [{ cookie: { name: 'session', path: '/', ttl: { seconds: '30' } } }]);
    assert.deepEqual(hashPolicyFor(rule, 9080, 'v1'), [{ connection_properties: { source_ip: true } }]);
    assert.deepEqual(hashPolicyFor(rule, 9080, 'v2'), [{ cookie: { name: 'session', path: '/', ttl: { seconds: '30' } } }]);
    assert.deepEqual(hashPolicyFor(undefined, 9080, ''), []);
  });

  it('adds slow start for warmup', () => {
    const c = lbOf('{simple: ROUND_ROBIN, warmup: {duration: 60s}}');
    assert.deepEqual(c.round_robin_lb_config, { slow_start_config: { slow_start_window: { seconds: '60' } } });
  });
});

describe('connection pool and outlier detection', () => {
  const policy = (tp: string, name = `outbound|9080||${HOST}`) => configGen({ yaml: REVIEWS_SVC + withDr('reviews', `  trafficPolicy: ${tp}`) }).cluster(sidecarProxy(), name);

  it('maps every connectionPool limit, timeouts, keepalive and the HTTP/2 upgrade', () => {
    const c = policy(`
    connectionPool:
      tcp: {maxConnections: 100, connectTimeout: 250ms, tcpKeepalive: {probes: 3, time: 7200s, interval: 75s}}
      http: {http1MaxPendingRequests: 10, http2MaxRequests: 1000, maxRetries: 3, maxRequestsPerConnection: 10, idleTimeout: 1h, h2UpgradePolicy: UPGRADE}`);
    assert.deepEqual(thresholds(c), [100, 10, 1000, 3]);
    assert.deepEqual(c.connect_timeout, { seconds: '0', nanos: 250_000_000 });
    assert.deepEqual(c.upstream_connection_options, { tcp_keepalive: { keepalive_probes: { value: 3 }, keepalive_time: { value: 7200 }, keepalive_interval: { value: 75 } } });
    assert.deepEqual(httpOptions(c)?.common_http_protocol_options, { idle_timeout: { seconds: '3600' }, max_requests_per_connection: { value: 10 } });
    assert.deepEqual(httpOptions(c)?.explicit_http_config, { http2_protocol_options: {} });
  });

  it('maps consecutive5xxErrors and consecutiveGatewayErrors with Istio enforcement, and minHealthPercent', () => {
    const c = policy('{outlierDetection: {consecutive5xxErrors: 7, consecutiveGatewayErrors: 0, interval: 10s, baseEjectionTime: 1m, maxEjectionPercent: 50, minHealthPercent: 30}}');
    assert.deepEqual(c.outlier_detection, {
      enforcing_success_rate: { value: 0 },
      consecutive_5xx: { value: 7 },
      enforcing_consecutive_5xx: { value: 100 },
      consecutive_gateway_failure: { value: 0 },
      enforcing_consecutive_gateway_failure: { value: 0 },
      interval: { seconds: '10' },
      base_ejection_time: { seconds: '60' },
      max_ejection_percent: { value: 50 },
    });
    assert.deepEqual(c.common_lb_config?.healthy_panic_threshold, { value: 30 });
  });

  it('lets portLevelSettings override the top level for their port only', () => {
    const yaml = svc('web', '[{name: http, port: 80}, {name: http-admin, port: 8080}]') + withDr('web', `
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 5}}
    loadBalancer: {simple: RANDOM}
    portLevelSettings:
    - port: {number: 8080}
      connectionPool: {tcp: {maxConnections: 1}}`);
    const gen = configGen({ yaml });
    const p80 = gen.cluster(sidecarProxy(), 'outbound|80||web.default.svc.cluster.local');
    const p8080 = gen.cluster(sidecarProxy(), 'outbound|8080||web.default.svc.cluster.local');
    assert.equal(thresholds(p80)[0], 5);
    assert.equal(thresholds(p8080)[0], 1);
    assert.equal(p8080.lb_policy, 'RANDOM');
  });

  it('lets a subset traffic policy override the top level component by component', () => {
    const yaml = REVIEWS_SVC + withDr('reviews', `
  trafficPolicy:
    loadBalancer: {simple: RANDOM}
    connectionPool: {tcp: {maxConnections: 5}}
  subsets:
  - name: v2
    labels: {version: v2}
    trafficPolicy:
      loadBalancer: {simple: ROUND_ROBIN}
      outlierDetection: {consecutive5xxErrors: 2}`);
    const c = configGen({ yaml }).cluster(sidecarProxy(), `outbound|9080|v2|${HOST}`);
    assert.equal(c.lb_policy, 'ROUND_ROBIN');
    assert.equal(thresholds(c)[0], 5);
    assert.equal(c.outlier_detection?.consecutive_5xx?.value, 2);
  });

  it('marks clusters locality-weighted when the rule distributes traffic', () => {
    const c = policy('{loadBalancer: {localityLbSetting: {distribute: [{from: "us-east/*", to: {"us-east/*": 80, "us-west/*": 20}}]}}}');
    assert.deepEqual(c.common_lb_config?.locality_weighted_lb_config, {});
  });
});

describe('upstream protocol', () => {
  it('uses HTTP/2 for gRPC ports, and the downstream protocol for ports of unknown protocol on sidecars only', () => {
    const gen = configGen({ yaml: svc('api', '[{name: grpc, port: 50051}, {name: web, port: 8080}, {name: http, port: 80}]') });
    const cluster = (port: number, proxy = sidecarProxy()) => gen.cluster(proxy, `outbound|${port}||api.default.svc.cluster.local`);
    assert.deepEqual(httpOptions(cluster(50051))?.explicit_http_config, { http2_protocol_options: {} });
    assert.ok(httpOptions(cluster(8080))?.use_downstream_protocol_config);
    assert.equal(httpOptions(cluster(8080, routerProxy())), undefined);
    assert.equal(httpOptions(cluster(80)), undefined);
  });
});

describe('inbound and special clusters', () => {
  const yaml = svc('reviews', '[{name: http, port: 9080, targetPort: 8080}]') + `
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, labels: {app: reviews}, annotations: {skiff.test/ip: 10.1.1.1}}
spec: {containers: [{name: app, image: reviews}]}
---` + withDr('reviews', '  trafficPolicy: {connectionPool: {tcp: {maxConnections: 7}}}');

  it('builds an inbound passthrough cluster per workload port with the DestinationRule connection pool', () => {
    const c = configGen({ yaml }).cluster(sidecarProxy({ ip: '10.1.1.1', labels: { app: 'reviews' } }), 'inbound|8080||');
    assert.equal(c.type, 'ORIGINAL_DST');
    assert.equal(c.lb_policy, 'CLUSTER_PROVIDED');
    assert.deepEqual(c.upstream_bind_config, { source_address: { address: '127.0.0.6', port_value: 0 } });
    assert.deepEqual(c.cleanup_interval, { seconds: '9223372035' });
    assert.equal(thresholds(c)[0], 7);
    assert.equal(c.outlier_detection, undefined);
  });

  it('sends inbound traffic to a Sidecar ingress defaultEndpoint with a STATIC cluster', () => {
    const c = configGen({ yaml: yaml + `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: reviews}
spec:
  workloadSelector: {labels: {app: reviews}}
  ingress: [{port: {number: 9080, protocol: HTTP, name: http}, defaultEndpoint: "127.0.0.1:8080"}]
  inboundConnectionPool: {tcp: {maxConnections: 2}}
` }).cluster(sidecarProxy({ ip: '10.1.1.1', labels: { app: 'reviews' } }), 'inbound|9080||');
    assert.equal(c.type, 'STATIC');
    assert.deepEqual(c.load_assignment?.endpoints[0].lb_endpoints[0].endpoint, { address: { socket_address: { address: '127.0.0.1', port_value: 8080 } } });
    assert.equal(thresholds(c)[0], 2);
  });

  it('builds BlackHole, Passthrough and InboundPassthrough clusters as Istio does', () => {
    const gen = configGen({ yaml: '' });
    const black = gen.cluster(sidecarProxy(), 'BlackHoleCluster');
    assert.equal(black.type, 'STATIC');
    assert.equal(black.load_assignment, undefined);
    const pass = gen.cluster(sidecarProxy(), 'PassthroughCluster');
    assert.equal(pass.type, 'ORIGINAL_DST');
    assert.equal(pass.lb_policy, 'CLUSTER_PROVIDED');
    assert.deepEqual(httpOptions(pass)?.common_http_protocol_options, { idle_timeout: { seconds: '300' } });
    assert.deepEqual(thresholds(pass), [MAX_UINT32, MAX_UINT32, MAX_UINT32, MAX_UINT32]);
    assert.deepEqual(gen.cluster(sidecarProxy(), 'InboundPassthroughCluster').upstream_bind_config?.source_address.address, '127.0.0.6');
  });

  it('gives gateways only BlackHoleCluster besides their outbound clusters', () => {
    const names = configGen({ yaml: REVIEWS_SVC }).clusters(routerProxy()).map((c) => c.name);
    assert.deepEqual(names, [`outbound|9080||${HOST}`, 'BlackHoleCluster']);
  });

  it('honours the mesh connect timeout', () => {
    const c = configGen({ yaml: REVIEWS_SVC, mesh: { connectTimeout: '3s' } }).cluster(sidecarProxy(), `outbound|9080||${HOST}`);
    assert.deepEqual(c.connect_timeout, { seconds: '3' });
  });
});

describe('seed 003 circuitBreaker field', () => {
  it('is rejected before translation, naming the field', () => {
    assert.throws(() => configGen({ yaml: seed('003-reviews-destinationrule-circuitbreaker.yaml') }), /circuitBreaker/);
  });
});
