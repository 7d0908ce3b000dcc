import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../parse/manifests.ts';

function issues(yaml: string) {
  return parseManifests(yaml, 'file.yaml').issues.map((i) => ({ severity: i.severity, field: i.field, line: i.source?.line, message: i.message }));
}

const SEED_IOP = `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: control-plane
spec:
  values:
    pilot:
      traceSampling: 100.0
  meshConfig:
    defaultConfig:
      tracing:
        sampling: 100.0
`;

const iop = (spec: string) => `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: iop
spec:
${spec}`;

describe('install.istio.io validation', () => {
  it('accepts the seed IstioOperator with tracing sampling 100', () => {
    assert.deepEqual(issues(SEED_IOP), []);
  });

  it('accepts a full mesh config with extension providers', () => {
    assert.deepEqual(issues(iop(`  profile: demo
  hub: docker.io/istio
  tag: 1.24.0
  meshConfig:
    accessLogFile: /dev/stdout
    accessLogEncoding: JSON
    enableTracing: true
    outboundTrafficPolicy:
      mode: REGISTRY_ONLY
    trustDomain: cluster.local
    defaultConfig:
      holdApplicationUntilProxyStarts: true
      concurrency: 2
      proxyMetadata:
        ISTIO_META_DNS_CAPTURE: "true"
      tracing:
        zipkin:
          address: zipkin.istio-system:9411
    extensionProviders:
    - name: otel
      opentelemetry:
        service: otel-collector.observability.svc.cluster.local
        port: 4317
    - name: ext-authz
      envoyExtAuthzHttp:
        service: authz.foo.svc.cluster.local
        port: 8000
        includeRequestHeadersInCheck: [x-ext-authz]
    defaultProviders:
      metrics: [prometheus]
      tracing: [otel]
  components:
    ingressGateways:
    - name: istio-ingressgateway
      enabled: true
      k8s:
        service:
          type: LoadBalancer
`)), []);
  });

  const invalid: [string, string, { severity: string; field: string; line: number; message: string }][] = [
    ['sampling above 100', iop('  meshConfig:\n    defaultConfig:\n      tracing:\n        sampling: 101\n'),
      { severity: 'error', field: 'spec.meshConfig.defaultConfig.tracing.sampling', line: 9, message: 'tracing sampling must be in range [0.0, 100.0]' }],
    ['values.pilot.traceSampling out of range', iop('  values:\n    pilot:\n      traceSampling: -1\n'),
      { severity: 'error', field: 'spec.values.pilot.traceSampling', line: 8, message: 'pilot.traceSampling must be a number in range [0.0, 100.0]' }],
    ['unknown profile', iop('  profile: tiny\n'),
      { severity: 'error', field: 'spec.profile', line: 6, message: 'unknown profile "tiny"; available profiles are default, demo, minimal, remote, empty, preview, ambient, openshift, openshift-ambient, stable' }],
    ['duplicate extension provider', iop('  meshConfig:\n    extensionProviders:\n    - name: a\n      prometheus: {}\n    - name: a\n      prometheus: {}\n'),
      { severity: 'error', field: 'spec.meshConfig.extensionProviders[1].name', line: 10, message: 'duplicate extension provider name a' }],
    ['provider without service', iop('  meshConfig:\n    extensionProviders:\n    - name: z\n      zipkin:\n        port: 9411\n'),
      { severity: 'error', field: 'spec.meshConfig.extensionProviders[0].zipkin.service', line: 9, message: 'service must not be empty' }],
    ['undefined default provider', iop('  meshConfig:\n    defaultProviders:\n      tracing: [jaeger]\n'),
      { severity: 'warning', field: 'spec.meshConfig.defaultProviders.tracing[0]', line: 8, message: 'default provider "jaeger" is not defined in extensionProviders' }],
    ['gateway without name', iop('  components:\n    ingressGateways:\n    - enabled: true\n'),
      { severity: 'error', field: 'spec.components.ingressGateways[0].name', line: 8, message: 'gateway name must be set' }],
    ['bad zipkin address', iop('  meshConfig:\n    defaultConfig:\n      tracing:\n        zipkin:\n          address: zipkin\n'),
      { severity: 'error', field: 'spec.meshConfig.defaultConfig.tracing.zipkin.address', line: 10, message: 'invalid zipkin address "zipkin": expected host:port' }],
  ];
  for (const [name, yaml, expected] of invalid) it(`reports ${name}`, () => assert.deepEqual(issues(yaml), [expected]));

  it('rejects an unknown MeshConfig field with a suggestion', () => {
    const got = issues(iop('  meshConfig:\n    enableTracingg: true\n'));
    assert.equal(got.length, 1);
    assert.equal(got[0].field, 'spec.meshConfig.enableTracingg');
    assert.match(got[0].message, /did you mean "enableTracing"/);
  });
});
