/**
 * Schema coverage for telemetry.istio.io: the examples of Istio's documentation for
 * Telemetry must parse without errors. (The audit against the protos found no
 * missing fields in these kinds; these cases keep it that way.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../parse/manifests.ts';

function errors(yaml: string) {
  return parseManifests(yaml, 'telemetry.yaml').issues
    .filter((i) => i.severity === 'error')
    .map((i) => ({ line: i.source?.line, field: i.field, message: i.message }));
}

interface Case {
  readonly title: string;
  readonly yaml: string;
}

/** Examples from Istio's reference documentation and tasks. */
const DOCUMENTED_EXAMPLES: readonly Case[] = [
  { title: 'Telemetry: tracing provider, sampling, custom tags and an access log filter', yaml: `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: mesh-default
  namespace: istio-system
spec:
  tracing:
  - providers:
    - name: otel-tracing
    randomSamplingPercentage: 10.00
    customTags:
      my_new_foo_tag:
        literal:
          value: "foo"
      env_tag:
        environment:
          name: MY_ENV
          defaultValue: unknown
      hdr_tag:
        header:
          name: x-custom
  accessLogging:
  - providers:
    - name: envoy
    filter:
      expression: response.code >= 400
` },
  { title: 'Telemetry: metric overrides, tag overrides and reporting interval', yaml: `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: namespace-metrics
  namespace: myapp
spec:
  metrics:
  - providers:
    - name: prometheus
    overrides:
    - match:
        metric: REQUEST_COUNT
        mode: CLIENT_AND_SERVER
      tagOverrides:
        request_host:
          value: "request.host"
        response_code:
          operation: REMOVE
    - match:
        metric: ALL_METRICS
      disabled: true
    - match:
        customMetric: my_custom_metric
        mode: SERVER
      disabled: false
    reportingInterval: 15s
` },
  { title: 'Telemetry: workload selector, disabled span reporting and access logs', yaml: `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: workload-override
  namespace: myapp
spec:
  selector:
    matchLabels:
      service.istio.io/canonical-name: frontend
  tracing:
  - disableSpanReporting: true
    match:
      mode: SERVER
    useRequestIdForTraceSampling: true
  accessLogging:
  - disabled: true
    match:
      mode: CLIENT
` },
  { title: 'Telemetry: access logging for a waypoint through targetRefs', yaml: `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: waypoint-logs
  namespace: default
spec:
  targetRefs:
  - kind: Gateway
    group: gateway.networking.k8s.io
    name: waypoint
  accessLogging:
  - providers:
    - name: envoy
` },
];

describe('telemetry.istio.io schema coverage', () => {
  for (const c of DOCUMENTED_EXAMPLES) {
    it(`accepts the documented example ${c.title}`, () => {
      assert.deepEqual(errors(c.yaml), []);
    });
  }
});
