/**
 * Schema coverage for networking.istio.io: fields Istio's networking/v1alpha3
 * protos have must parse, and so must the examples on each kind's reference
 * page of Istio's documentation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../parse/manifests.ts';

function issues(yaml: string) {
  return parseManifests(yaml, 'networking.yaml').issues.map((i) => ({ severity: i.severity, line: i.source?.line, field: i.field, message: i.message }));
}

interface Case {
  readonly title: string;
  readonly yaml: string;
}

/** One case per field or enum value added to the schema. */
const FIELD_CASES: readonly Case[] = [
  { title: 'DestinationRule consistentHash.httpCookie.attributes', yaml: `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: bookinfo-ratings-sticky
spec:
  host: ratings.prod.svc.cluster.local
  trafficPolicy:
    loadBalancer:
      consistentHash:
        httpCookie:
          name: user
          ttl: 0s
          attributes:
          - name: SameSite
            value: Strict
          - name: Secure
` },
  { title: 'ServiceEntry resolution DYNAMIC_DNS', yaml: `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: wildcard-egress
  labels:
    istio.io/use-waypoint: waypoint
spec:
  hosts:
  - "*.wikipedia.org"
  ports:
  - number: 443
    name: tls
    protocol: TLS
  location: MESH_EXTERNAL
  resolution: DYNAMIC_DNS
` },
  { title: 'EnvoyFilter context WAYPOINT with a waypoint match', yaml: `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: waypoint-lua
spec:
  targetRefs:
  - kind: Gateway
    group: gateway.networking.k8s.io
    name: waypoint
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: WAYPOINT
      waypoint:
        filter:
          name: envoy.filters.network.http_connection_manager
          subFilter:
            name: envoy.filters.http.router
    patch:
      operation: INSERT_BEFORE
      value:
        name: envoy.lua
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
          defaultSourceCode:
            inlineString: |
              function envoy_on_response(response_handle)
                response_handle:headers():add("x-lua", "hello")
              end
` },
];

/** Examples from Istio's reference documentation. */
const DOCUMENTED_EXAMPLES: readonly Case[] = [
  { title: 'VirtualService: named routes with rewrite (reference page)', yaml: `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-route
spec:
  hosts:
  - reviews.prod.svc.cluster.local
  http:
  - name: "reviews-v2-routes"
    match:
    - uri:
        prefix: "/wpcatalog"
    - uri:
        prefix: "/consumercatalog"
    rewrite:
      uri: "/newcatalog"
    route:
    - destination:
        host: reviews.prod.svc.cluster.local
        subset: v2
  - name: "reviews-v1-route"
    route:
    - destination:
        host: reviews.prod.svc.cluster.local
        subset: v1
` },
  { title: 'VirtualService: Bookinfo gateway routes', yaml: `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bookinfo
spec:
  hosts:
  - "*"
  gateways:
  - bookinfo-gateway
  http:
  - match:
    - uri:
        exact: /productpage
    - uri:
        prefix: /static
    - uri:
        exact: /login
    - uri:
        exact: /logout
    - uri:
        prefix: /api/v1/products
    route:
    - destination:
        host: productpage
        port:
          number: 9080
` },
  { title: 'VirtualService: header match, retries, fault, CORS, mirror, headers, regex rewrite, redirect, direct response', yaml: `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings-route
spec:
  hosts:
  - ratings.prod.svc.cluster.local
  http:
  - match:
    - headers:
        end-user:
          exact: jason
      uri:
        prefix: "/ratings/v2/"
      ignoreUriCase: true
    route:
    - destination:
        host: ratings.prod.svc.cluster.local
    retries:
      attempts: 3
      perTryTimeout: 2s
      retryOn: gateway-error,connect-failure,refused-stream
    fault:
      delay:
        percentage:
          value: 0.1
        fixedDelay: 5s
    corsPolicy:
      allowOrigins:
      - exact: https://example.com
      allowMethods:
      - POST
      - GET
      allowCredentials: false
      allowHeaders:
      - X-Foo-Bar
      maxAge: "24h"
    mirror:
      host: httpbin
      subset: v2
    mirrorPercentage:
      value: 100.0
    headers:
      request:
        set:
          test: "true"
      response:
        remove:
        - foo
  - match:
    - uri:
        regex: "^/v1/bookRatings.*"
    rewrite:
      uriRegexRewrite:
        match: ^/v1/bookRatings
        rewrite: /v1/bookRatings
    route:
    - destination:
        host: ratings.prod.svc.cluster.local
  - match:
    - uri:
        exact: /v1/getProductRatings
    redirect:
      uri: /v1/bookRatings
      authority: newratings.default.svc.cluster.local
  - match:
    - uri:
        prefix: /unavailable
    directResponse:
      status: 503
      body:
        string: "unknown error"
` },
  { title: 'VirtualService: TLS SNI and TCP routes', yaml: `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bookinfo-sni
spec:
  hosts:
  - "*.bookinfo.com"
  gateways:
  - mygateway
  tls:
  - match:
    - port: 443
      sniHosts:
      - login.bookinfo.com
    route:
    - destination:
        host: login.prod.svc.cluster.local
  tcp:
  - match:
    - port: 27017
    route:
    - destination:
        host: mongo.backup.svc.cluster.local
        port:
          number: 5555
` },
  { title: 'DestinationRule: load balancer, connection pool, outlier detection, subsets', yaml: `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: bookinfo-ratings
spec:
  host: ratings.prod.svc.cluster.local
  trafficPolicy:
    loadBalancer:
      simple: LEAST_REQUEST
    connectionPool:
      tcp:
        maxConnections: 100
        connectTimeout: 30ms
        tcpKeepalive:
          time: 7200s
          interval: 75s
      http:
        http2MaxRequests: 1000
        maxRequestsPerConnection: 10
    outlierDetection:
      consecutive5xxErrors: 7
      interval: 5m
      baseEjectionTime: 15m
  subsets:
  - name: testversion
    labels:
      version: v3
    trafficPolicy:
      loadBalancer:
        simple: ROUND_ROBIN
` },
  { title: 'DestinationRule: client TLS, port-level settings, locality failover, warmup', yaml: `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: db-mtls
spec:
  host: mydbserver.prod.svc.cluster.local
  trafficPolicy:
    loadBalancer:
      simple: ROUND_ROBIN
      warmup:
        duration: 60s
        minimumPercent: 10
        aggression: 1.0
      localityLbSetting:
        enabled: true
        failoverPriority:
        - "topology.istio.io/network"
        - "topology.kubernetes.io/region"
    outlierDetection:
      consecutive5xxErrors: 1
      interval: 1s
      baseEjectionTime: 1m
    portLevelSettings:
    - port:
        number: 443
      tls:
        mode: SIMPLE
    tls:
      mode: MUTUAL
      clientCertificate: /etc/certs/myclientcert.pem
      privateKey: /etc/certs/client_private_key.pem
      caCertificates: /etc/certs/rootcacerts.pem
` },
  { title: 'Gateway: HTTP redirect, SIMPLE TLS, credentialName, MONGO (reference page)', yaml: `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: my-gateway
  namespace: some-config-namespace
spec:
  selector:
    app: my-gateway-controller
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - uk.bookinfo.com
    - eu.bookinfo.com
    tls:
      httpsRedirect: true
  - port:
      number: 443
      name: https-443
      protocol: HTTPS
    hosts:
    - uk.bookinfo.com
    - eu.bookinfo.com
    tls:
      mode: SIMPLE
      serverCertificate: /etc/certs/servercert.pem
      privateKey: /etc/certs/privatekey.pem
  - port:
      number: 9443
      name: https-9443
      protocol: HTTPS
    hosts:
    - "bookinfo-namespace/*.bookinfo.com"
    tls:
      mode: SIMPLE
      credentialName: bookinfo-secret
  - port:
      number: 9080
      name: http-wildcard
      protocol: HTTP
    hosts:
    - "*"
  - port:
      number: 2379
      name: mongo
      protocol: MONGO
    hosts:
    - "*"
` },
  { title: 'ServiceEntry: external HTTPS APIs with DNS resolution', yaml: `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external-svc-https
spec:
  hosts:
  - api.dropboxapi.com
  - www.googleapis.com
  - api.facebook.com
  location: MESH_EXTERNAL
  ports:
  - number: 443
    name: https
    protocol: TLS
  resolution: DNS
` },
  { title: 'ServiceEntry: MESH_INTERNAL with static endpoints', yaml: `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external-svc-mongocluster
spec:
  hosts:
  - mymongodb.somedomain
  addresses:
  - 192.192.192.192/24
  ports:
  - number: 27018
    name: mongodb
    protocol: MONGO
  location: MESH_INTERNAL
  resolution: STATIC
  endpoints:
  - address: 2.2.2.2
  - address: 3.3.3.3
` },
  { title: 'Sidecar: ingress to a Unix socket, egress hosts, REGISTRY_ONLY', yaml: `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: ratings
  namespace: prod-us1
spec:
  workloadSelector:
    labels:
      app: ratings
  ingress:
  - port:
      number: 9080
      protocol: HTTP
      name: somename
    defaultEndpoint: unix:///var/run/someuds.sock
  egress:
  - port:
      number: 9080
      protocol: HTTP
      name: egresshttp
    hosts:
    - "prod-us1/*"
  - hosts:
    - "istio-system/*"
  outboundTrafficPolicy:
    mode: REGISTRY_ONLY
` },
  { title: 'WorkloadEntry: VM with service account and labels', yaml: `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata:
  name: details-svc
spec:
  serviceAccount: details-legacy
  address: 2.2.2.2
  labels:
    app: details-legacy
    instance-id: vm1
` },
  { title: 'WorkloadGroup: template and HTTPS readiness probe', yaml: `apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata:
  name: reviews
  namespace: bookinfo
spec:
  metadata:
    labels:
      app.kubernetes.io/name: reviews
      app.kubernetes.io/version: "1.3.4"
  template:
    ports:
      grpc: 3550
      http: 8080
    serviceAccount: default
  probe:
    initialDelaySeconds: 5
    timeoutSeconds: 3
    periodSeconds: 4
    successThreshold: 3
    failureThreshold: 3
    httpGet:
      path: /foo/bar
      host: 127.0.0.1
      port: 3100
      scheme: HTTPS
      httpHeaders:
      - name: Lit-Header
        value: Im-The-Best
` },
  { title: 'EnvoyFilter: network filter insert and cluster merge (reference page)', yaml: `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: custom-protocol
  namespace: istio-config
spec:
  workloadSelector:
    labels:
      app: reviews
  configPatches:
  - applyTo: NETWORK_FILTER
    match:
      context: SIDECAR_OUTBOUND
      listener:
        portNumber: 9307
        filterChain:
          filter:
            name: "envoy.filters.network.tcp_proxy"
    patch:
      operation: INSERT_BEFORE
      value:
        name: "envoy.extensions.filters.network.mongo_proxy"
        typed_config:
          "@type": "type.googleapis.com/envoy.extensions.filters.network.mongo_proxy.v3.MongoProxy"
          stat_prefix: mongo
  - applyTo: CLUSTER
    match:
      context: SIDECAR_OUTBOUND
      cluster:
        service: "*.googleapis.com"
    patch:
      operation: MERGE
      value:
        per_connection_buffer_limit_bytes: 1024
` },
];

describe('networking.istio.io schema coverage', () => {
  for (const c of FIELD_CASES) {
    it(`accepts ${c.title}`, () => {
      assert.deepEqual(issues(c.yaml), []);
    });
  }

  it('still rejects a resolution that is not in ServiceEntry.Resolution', () => {
    const found = issues(FIELD_CASES[1]!.yaml.replace('DYNAMIC_DNS', 'DYNAMIC'));
    assert.equal(found.length, 1);
    assert.equal(found[0]?.field, 'spec.resolution');
  });

  for (const c of DOCUMENTED_EXAMPLES) {
    it(`accepts the documented example ${c.title}`, () => {
      assert.deepEqual(issues(c.yaml), []);
    });
  }
});
