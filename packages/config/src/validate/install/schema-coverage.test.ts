/**
 * Schema coverage for install.istio.io: fields of MeshConfig, ProxyConfig,
 * ExtensionProvider and IstioOperatorSpec that Istio has (mesh/v1alpha1
 * config.proto and proxy.proto, operator/pkg/apis/types.go) must parse, and
 * so must the IstioOperator examples of Istio's documentation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../parse/manifests.ts';

function issues(yaml: string) {
  return parseManifests(yaml, 'iop.yaml').issues.map((i) => ({ severity: i.severity, line: i.source?.line, field: i.field, message: i.message }));
}

/** An IstioOperator whose spec is the given YAML, indented by two spaces. */
const iop = (spec: string) => `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: control-plane
  namespace: istio-system
spec:
${spec.replace(/^(?=.)/gm, '  ')}`;

interface FieldCase {
  readonly field: string;
  readonly spec: string;
}

/** One case per field added or corrected in the schema. */
const FIELD_CASES: readonly FieldCase[] = [
  { field: 'MeshConfig.compliancePolicy', spec: `meshConfig:
  compliancePolicy: fips-140-2
` },
  { field: 'ExtensionProvider.sds service and port', spec: `meshConfig:
  extensionProviders:
  - name: provider-cert
    sds:
      name: provider-cert
      service: sds-provider-service.default.svc.cluster.local
      port: 8080
` },
  { field: 'OpenTelemetryTracingProvider.resourceDetectors environment and dynatrace (empty messages)', spec: `meshConfig:
  extensionProviders:
  - name: otel-tracing
    opentelemetry:
      port: 4317
      service: opentelemetry-collector.observability.svc.cluster.local
      resourceDetectors:
        environment: {}
        dynatrace: {}
` },
  { field: 'Tracing.Stackdriver max numbers are Int64Value', spec: `meshConfig:
  defaultConfig:
    tracing:
      stackdriver:
        maxNumberOfAttributes: 3000000000
        maxNumberOfAnnotations: 3000000000
        maxNumberOfMessageEvents: 3000000000
` },
  { field: 'ProxyConfig.readinessProbe is istio.networking.v1alpha3.ReadinessProbe', spec: `meshConfig:
  defaultConfig:
    readinessProbe:
      httpGet:
        path: /ready
        port: 8080
        scheme: HTTP
      initialDelaySeconds: 5
      periodSeconds: 10
` },
  { field: 'Topology.forwardClientCertDetails', spec: `meshConfig:
  defaultConfig:
    gatewayTopology:
      numTrustedProxies: 1
      forwardClientCertDetails: SANITIZE_SET
` },
  { field: 'IstioComponentSpec.gateway', spec: `components:
  gateway:
    enabled: true
    namespace: istio-ingress
` },
];

describe('install.istio.io schema coverage', () => {
  for (const c of FIELD_CASES) {
    it(`accepts ${c.field}`, () => {
      assert.deepEqual(issues(iop(c.spec)), []);
    });
  }

  it('reports a Kubernetes-only probe field in ProxyConfig.readinessProbe as unknown', () => {
    const found = issues(iop(`meshConfig:
  defaultConfig:
    readinessProbe:
      terminationGracePeriodSeconds: 10
`));
    assert.equal(found.length, 1);
    assert.equal(found[0]?.field, 'spec.meshConfig.defaultConfig.readinessProbe.terminationGracePeriodSeconds');
    assert.match(found[0]?.message ?? '', /unknown field "terminationGracePeriodSeconds" in istio\.networking\.v1alpha3\.ReadinessProbe/);
  });

  it('reports a field inside an empty resource detector message as unknown', () => {
    const found = issues(iop(`meshConfig:
  extensionProviders:
  - name: otel
    opentelemetry:
      service: otel.observability.svc.cluster.local
      port: 4317
      resourceDetectors:
        environment:
          attributes: x
`));
    assert.equal(found.length, 1);
    assert.match(found[0]?.message ?? '', /unknown field "attributes"/);
  });

  it('accepts the mesh configuration examples from Istio\'s documentation in one IstioOperator', () => {
    // From the tasks on access logs, distributed tracing (OpenTelemetry over HTTP, Zipkin, SkyWalking),
    // external authorization, discovery selectors, TLS settings, DNS proxying and gateway topology.
    assert.deepEqual(issues(iop(`profile: default
meshConfig:
  accessLogFile: /dev/stdout
  accessLogEncoding: JSON
  enableTracing: true
  outboundTrafficPolicy:
    mode: REGISTRY_ONLY
  discoverySelectors:
  - matchLabels:
      env: prod
      region: us-east1
  - matchExpressions:
    - key: app
      operator: In
      values:
      - cassandra
      - spark
  meshMTLS:
    minProtocolVersion: TLSV1_3
  tlsDefaults:
    ecdhCurves:
    - P-256
    - P-384
  defaultConfig:
    holdApplicationUntilProxyStarts: true
    proxyMetadata:
      ISTIO_META_DNS_CAPTURE: "true"
      ISTIO_META_DNS_AUTO_ALLOCATE: "true"
    tracing:
      sampling: 10
      zipkin:
        address: zipkin.istio-system:9411
    proxyStatsMatcher:
      inclusionRegexps:
      - ".*circuit_breakers.*"
      inclusionPrefixes:
      - upstream_rq_retry
      - upstream_cx
    gatewayTopology:
      numTrustedProxies: 2
  extensionProviders:
  - name: otel
    envoyOtelAls:
      service: opentelemetry-collector.observability.svc.cluster.local
      port: 4317
  - name: zipkin
    zipkin:
      service: zipkin.istio-system.svc.cluster.local
      port: 9411
      maxTagLength: 56
  - name: skywalking
    skywalking:
      service: tracing.istio-system.svc.cluster.local
      port: 11800
  - name: otel-tracing
    opentelemetry:
      port: 443
      service: my.olly-backend.com
      http:
        path: "/api/otlp/traces"
        timeout: 10s
        headers:
        - name: "my-custom-header"
          value: "some value"
  - name: envoy-json
    envoyFileAccessLog:
      path: /dev/stdout
      logFormat:
        labels:
          status: "%RESPONSE_CODE%"
          message: "%LOCAL_REPLY_BODY%"
  - name: sample-ext-authz-grpc
    envoyExtAuthzGrpc:
      service: ext-authz.foo.svc.cluster.local
      port: 9000
  - name: sample-ext-authz-http
    envoyExtAuthzHttp:
      service: ext-authz.foo.svc.cluster.local
      port: 8000
      includeRequestHeadersInCheck: ["x-ext-authz"]
      headersToUpstreamOnAllow: ["x-ext-authz-check-result"]
      headersToDownstreamOnDeny: ["x-ext-authz-check-result"]
      includeRequestBodyInCheck:
        maxRequestBytes: 1024
        allowPartialMessage: true
  defaultProviders:
    metrics:
    - prometheus
    tracing:
    - zipkin
`)), []);
  });

  it('accepts the component customization examples from Istio\'s documentation', () => {
    // Kubernetes resource settings, environment, HPA and an overlay patch, as in "Customizing the installation configuration".
    assert.deepEqual(issues(iop(`components:
  pilot:
    k8s:
      env:
      - name: PILOT_TRACE_SAMPLING
        value: "100"
      resources:
        requests:
          cpu: 1000m
          memory: 4096Mi
  ingressGateways:
  - name: istio-ingressgateway
    enabled: true
    k8s:
      service:
        type: NodePort
      hpaSpec:
        minReplicas: 2
      overlays:
      - kind: Deployment
        name: istio-ingressgateway
        patches:
        - path: spec.template.spec.containers.[name:istio-proxy].ports.[containerPort:8080].containerPort
          value: 8090
  egressGateways:
  - name: istio-egressgateway
    enabled: true
values:
  global:
    proxy:
      privileged: true
`)), []);
  });
});
