import { describe, it } from 'node:test';
import { assertIssues, type ExpectedIssue } from './expect-issues.test-helper.ts';

const HEAD = `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata:
  name: reviews
  namespace: default
spec:
`;
// HEAD is 6 lines: the first spec line is line 7.

interface Case { readonly name: string; readonly spec: string; readonly issues: readonly ExpectedIssue[] }

const cases: Case[] = [
  {
    name: "rejects seed 003's circuitBreaker field with a hint naming outlierDetection and connectionPool",
    spec: `  host: reviews
  trafficPolicy:
    loadBalancer:
      simple: LEAST_CONN
    connectionPool:
      tcp:
        maxConnections: 10
      http:
        http1MaxPendingRequests: 10
        maxRequestsPerConnection: 2
    circuitBreaker:
      consecutiveErrors: 3
      interval: 30s
      baseEjectionTime: 30s
  subsets:
  - name: v1
    labels:
      version: v1
`,
    issues: [{
      line: 17, field: 'spec.trafficPolicy.circuitBreaker',
      message: 'unknown field "circuitBreaker" in istio.networking.v1alpha3.TrafficPolicy; Istio has no circuitBreaker field: use outlierDetection (consecutive5xxErrors, interval, baseEjectionTime, maxEjectionPercent) to eject failing hosts, and connectionPool (tcp.maxConnections, http.http1MaxPendingRequests, http.maxRequestsPerConnection) to limit load',
    }],
  },
  {
    name: 'accepts a full DestinationRule: load balancer, pools, outlier detection, TLS, port settings and subsets',
    spec: `  host: reviews.default.svc.cluster.local
  exportTo: ["."]
  trafficPolicy:
    loadBalancer:
      consistentHash:
        httpCookie: {name: user, ttl: 0s}
        ringHash: {minimumRingSize: 1024}
      localityLbSetting:
        enabled: true
        distribute:
        - from: us-west/zone1/*
          to: {"us-west/zone1/*": 80, "us-west/zone2/*": 20}
      warmup: {duration: 60s, minimumPercent: 10, aggression: 1.5}
    connectionPool:
      tcp: {maxConnections: 100, connectTimeout: 30ms, tcpKeepalive: {time: 7200s, interval: 75s}, maxConnectionDuration: 1h, idleTimeout: 0s}
      http: {http1MaxPendingRequests: 10, http2MaxRequests: 100, maxRequestsPerConnection: 2, maxRetries: 3, idleTimeout: 1h, h2UpgradePolicy: UPGRADE}
    outlierDetection: {consecutive5xxErrors: 5, interval: 30s, baseEjectionTime: 3m, maxEjectionPercent: 100, minHealthPercent: 0}
    tls: {mode: ISTIO_MUTUAL}
    portLevelSettings:
    - port: {number: 9080}
      loadBalancer: {simple: LEAST_REQUEST}
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
    trafficPolicy:
      loadBalancer: {simple: ROUND_ROBIN}
      tls: {mode: MUTUAL, credentialName: client-cert}
`,
    issues: [],
  },
  {
    name: 'warns that consecutiveErrors is deprecated (seed 002 circuit breaker)',
    spec: `  host: user-service
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}}
    outlierDetection: {consecutiveErrors: 1, interval: 1s, baseEjectionTime: 3m, maxEjectionPercent: 100}
`,
    issues: [
      { line: 10, field: 'spec.trafficPolicy.outlierDetection.consecutiveErrors', severity: 'warning', message: 'outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead' },
    ],
  },
  {
    name: 'rejects duplicate, empty and invalid subset names',
    spec: `  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v1
    labels: {version: v1b}
  - labels: {version: v3}
  - name: V_4
`,
    issues: [
      { line: 11, field: 'spec.subsets[1].name', message: 'duplicate subset names: v1' },
      { line: 13, field: 'spec.subsets[2].name', message: 'subset name cannot be empty' },
      { line: 14, field: 'spec.subsets[3].name', message: 'subset name is invalid: V_4' },
    ],
  },
  {
    name: 'rejects a missing host',
    spec: `  subsets: [{name: v1, labels: {version: v1}}]
`,
    issues: [{ line: 6, field: 'spec.host', message: 'domain name is empty' }],
  },
  {
    name: 'rejects both simple and consistentHash (the lbPolicy oneof)',
    spec: `  host: reviews
  trafficPolicy:
    loadBalancer:
      simple: ROUND_ROBIN
      consistentHash: {useSourceIp: true}
`,
    issues: [{ line: 9, field: 'spec.trafficPolicy.loadBalancer', message: 'only one of simple, consistentHash may be set, found simple and consistentHash' }],
  },
  {
    name: 'rejects a maglev table size that is not prime and a nameless cookie',
    spec: `  host: reviews
  trafficPolicy:
    loadBalancer:
      consistentHash:
        httpCookie: {ttl: 10s}
        maglev: {tableSize: 1000}
`,
    issues: [
      { line: 11, field: 'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name', message: 'name required for HttpCookie' },
      { line: 12, field: 'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize', message: 'tableSize must be a prime number for maglev' },
    ],
  },
  {
    name: 'rejects outlier percentages above 100 and sub-millisecond intervals',
    spec: `  host: reviews
  trafficPolicy:
    outlierDetection: {interval: 100us, maxEjectionPercent: 150}
`,
    issues: [
      { line: 9, field: 'spec.trafficPolicy.outlierDetection.interval', message: 'duration must be greater than 1ms' },
      { line: 9, field: 'spec.trafficPolicy.outlierDetection.maxEjectionPercent', message: 'percentage 150 is not in range 0..100' },
    ],
  },
  {
    name: 'rejects negative pool limits and useClientProtocol with UPGRADE',
    spec: `  host: reviews
  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: -1}
      http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true, maxRetries: -2}
`,
    issues: [
      { line: 10, field: 'spec.trafficPolicy.connectionPool.tcp.maxConnections', message: 'max connections must be non-negative' },
      { line: 11, field: 'spec.trafficPolicy.connectionPool.http.maxRetries', message: 'max retries must be non-negative' },
      { line: 11, field: 'spec.trafficPolicy.connectionPool.http.useClientProtocol', message: 'use client protocol must not be true when H2UpgradePolicy is UPGRADE' },
    ],
  },
  {
    name: 'requires clientCertificate and privateKey for MUTUAL TLS without credentialName',
    spec: `  host: db.example.com
  trafficPolicy:
    tls: {mode: MUTUAL, caCertificates: /etc/certs/ca.pem}
`,
    issues: [
      { line: 9, field: 'spec.trafficPolicy.tls.clientCertificate', message: 'client certificate required for mutual tls' },
      { line: 9, field: 'spec.trafficPolicy.tls.privateKey', message: 'private key required for mutual tls' },
    ],
  },
  {
    name: 'rejects certificate files next to credentialName',
    spec: `  host: db.example.com
  trafficPolicy:
    tls: {mode: SIMPLE, credentialName: db-ca, caCertificates: /etc/ca.pem}
`,
    issues: [{ line: 9, field: 'spec.trafficPolicy.tls', message: 'cannot specify client certificates or CA certificate or CA CRL If credentialName is set' }],
  },
  {
    name: 'rejects an empty traffic policy and a port policy without settings',
    spec: `  host: reviews
  trafficPolicy:
    portLevelSettings:
    - port: {number: 80}
  subsets:
  - name: v1
    trafficPolicy: {}
`,
    issues: [
      { line: 10, field: 'spec.trafficPolicy.portLevelSettings[0]', message: 'port traffic policy must have at least one field' },
      { line: 13, field: 'spec.subsets[0].trafficPolicy', message: 'traffic policy must have at least one field' },
    ],
  },
  {
    name: 'rejects locality weights that do not sum to 100 and failover within one region',
    spec: `  host: reviews
  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 5}
    loadBalancer:
      localityLbSetting:
        distribute:
        - from: us-west/*
          to: {"us-west/*": 70}
  subsets:
  - name: v1
    trafficPolicy:
      outlierDetection: {consecutive5xxErrors: 5}
      loadBalancer:
        localityLbSetting:
          failover: [{from: us-east, to: us-east}]
`,
    issues: [
      { line: 14, field: 'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to', message: 'total locality weight 70 != 100' },
      { line: 21, field: 'spec.subsets[0].trafficPolicy.loadBalancer.localityLbSetting.failover[0]', message: 'locality lb failover settings must specify different regions' },
    ],
  },
  {
    name: 'limits exportTo of a DestinationRule with a workloadSelector to its own namespace',
    spec: `  host: example.com
  workloadSelector: {matchLabels: {app: ratings}}
  exportTo: ["*"]
  trafficPolicy: {tls: {mode: SIMPLE}}
`,
    issues: [{ line: 9, field: 'spec.exportTo', message: 'destination rule with workload selector cannot have multiCluster export' }],
  },
  {
    name: 'checks tunnel settings and forbids tunnel together with proxyProtocol',
    spec: `  host: external.example.com
  trafficPolicy:
    tunnel: {protocol: GET, targetHost: proxy.example.com, targetPort: 3128}
  subsets:
  - name: v1
    trafficPolicy:
      tunnel: {targetHost: proxy.example.com, targetPort: 3128}
      proxyProtocol: {version: V2}
`,
    issues: [
      { line: 9, field: 'spec.trafficPolicy.tunnel.protocol', message: 'tunnel protocol must be "CONNECT" or "POST"' },
      { line: 12, field: 'spec.subsets[0].trafficPolicy', message: 'tunnel and proxyProtocol must not be specified at the same time' },
    ],
  },
];

describe('DestinationRule validation', () => {
  for (const c of cases) it(c.name, () => assertIssues(HEAD + c.spec, c.issues));
});
