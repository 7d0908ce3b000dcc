import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../parse/manifests.ts';

function issues(yaml: string) {
  return parseManifests(yaml, 'file.yaml').issues.map((i) => ({ severity: i.severity, field: i.field, line: i.source?.line, message: i.message }));
}

const tel = (spec: string) => `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: t
spec:
${spec}`;

const SEED_TAG_OVERRIDES = `apiVersion: telemetry.istio.io/v1alpha1
kind: Telemetry
metadata:
  name: custom-metrics
spec:
  metrics:
  - providers:
    - name: prometheus
  - overrides:
    - match:
        metric: ALL_METRICS
      tagOverrides:
        request_id:
          value: "%{REQUEST_ID}"
        user_agent:
          value: "%{REQUEST_HEADERS['user-agent']}"
`;

describe('telemetry.istio.io validation', () => {
  it('accepts the seed Telemetry with tag overrides', () => {
    assert.deepEqual(issues(SEED_TAG_OVERRIDES), []);
    const [res] = parseManifests(SEED_TAG_OVERRIDES, 'file.yaml').resources;
    assert.equal((res.object.spec as { metrics: unknown[] }).metrics.length, 2);
  });

  const valid: [string, string][] = [
    ['tracing with sampling and custom tags', tel('  tracing:\n  - providers:\n    - name: zipkin\n    randomSamplingPercentage: 10.5\n    customTags:\n      env:\n        literal:\n          value: prod\n')],
    ['access logging with a filter', tel('  accessLogging:\n  - providers:\n    - name: envoy\n    filter:\n      expression: "response.code >= 400"\n')],
    ['REMOVE override without value', tel('  metrics:\n  - overrides:\n    - match:\n        metric: REQUEST_COUNT\n        mode: SERVER\n      tagOverrides:\n        response_code:\n          operation: REMOVE\n    reportingInterval: 10s\n')],
  ];
  for (const [name, yaml] of valid) it(`produces nothing for ${name}`, () => assert.deepEqual(issues(yaml), []));

  const invalid: [string, string, { severity: string; field: string; line: number; message: string }][] = [
    ['sampling above 100', tel('  tracing:\n  - randomSamplingPercentage: 150\n'),
      { severity: 'error', field: 'spec.tracing[0].randomSamplingPercentage', line: 7, message: 'randomSamplingPercentage must be in range [0.0, 100.0]' }],
    ['empty provider name', tel('  tracing:\n  - providers:\n    - name: ""\n'),
      { severity: 'error', field: 'spec.tracing[0].providers[0].name', line: 8, message: 'provider name must be set' }],
    ['UPSERT without value', tel('  metrics:\n  - overrides:\n    - tagOverrides:\n        foo:\n          operation: UPSERT\n'),
      { severity: 'error', field: 'spec.metrics[0].overrides[0].tagOverrides.foo.value', line: 9, message: 'value must be set when operation is UPSERT' }],
    ['REMOVE with value', tel('  metrics:\n  - overrides:\n    - tagOverrides:\n        foo:\n          operation: REMOVE\n          value: x\n'),
      { severity: 'error', field: 'spec.metrics[0].overrides[0].tagOverrides.foo.value', line: 11, message: 'value must not be set when operation is REMOVE' }],
    ['empty literal tag', tel('  tracing:\n  - customTags:\n      a:\n        literal:\n          value: ""\n'),
      { severity: 'error', field: 'spec.tracing[0].customTags.a.literal.value', line: 10, message: 'literal tag value may not be empty' }],
    ['unbalanced filter', tel('  accessLogging:\n  - filter:\n      expression: "response.code >= (400"\n'),
      { severity: 'error', field: 'spec.accessLogging[0].filter.expression', line: 8, message: 'invalid filter expression "response.code >= (400": unbalanced parentheses, brackets or quotes' }],
  ];
  for (const [name, yaml, expected] of invalid) it(`reports ${name}`, () => assert.deepEqual(issues(yaml), [expected]));

  it('warns that the seed tracing split into two entries is not supported', () => {
    const got = issues(tel('  tracing:\n  - providers:\n    - name: jaeger\n  - randomSamplingPercentage: 100.0\n'));
    assert.deepEqual(got, [{ severity: 'warning', field: 'spec.tracing', line: 6, message: 'multiple tracing is not currently supported; put providers and randomSamplingPercentage in one entry' }]);
  });

  it('rejects metric and customMetric together', () => {
    const got = issues(tel('  metrics:\n  - overrides:\n    - match:\n        metric: REQUEST_COUNT\n        customMetric: my_metric\n'));
    assert.equal(got.length, 1);
    assert.equal(got[0].field, 'spec.metrics[0].overrides[0].match');
    assert.match(got[0].message, /only one of metric, customMetric/);
  });
});
