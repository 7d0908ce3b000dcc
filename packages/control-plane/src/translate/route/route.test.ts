/** RDS wire shapes as Istio emits them, and the generator's answer to named subscriptions. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configGen, routeConfigurationFor, sidecarProxy } from '@skiff/testing/config-gen.ts';
import { routeGenerator } from './index.ts';
import { flattenResources } from '../../xds/shared-resources.ts';

const YAML = `
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}], clusterIP: 10.96.0.10}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {selector: {app: db}, ports: [{name: tcp, port: 5432}]}
`;

describe('sidecar RDS wire', () => {
  it('emits Istio\'s default route: cluster, 0s timeout with max_stream_duration, default retries, decorator', () => {
    const rc = routeConfigurationFor(configGen({ yaml: YAML }), sidecarProxy(), '9080');
    assert.deepEqual(rc.validate_clusters, { value: false });
    assert.deepEqual(rc.max_direct_response_body_size_bytes, { value: 1048576 });
    const route = rc.virtual_hosts[0].routes[0];
    assert.deepEqual(route, {
      name: 'default',
      match: { prefix: '/' },
      route: {
        cluster: 'outbound|9080||reviews.default.svc.cluster.local',
        timeout: { seconds: '0' },
        max_stream_duration: { max_stream_duration: { seconds: '0' }, grpc_timeout_header_max: { seconds: '0' } },
        retry_policy: {
          retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
          num_retries: { value: 2 },
          retriable_status_codes: [503],
          host_selection_retry_max_attempts: '5',
          retry_host_predicate: [{
            name: 'envoy.retry_host_predicates.previous_hosts',
            typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' },
          }],
        },
      },
      decorator: { operation: 'reviews.default.svc.cluster.local:9080/*' },
    });
    assert.equal(rc.virtual_hosts[0].include_request_attempt_count, true);
    assert.deepEqual(rc.virtual_hosts[0].domains.slice(-2), ['10.96.0.10', '10.96.0.10:9080']);
  });

  it('keeps Istio\'s default retriable 503 when a VirtualService sets attempts without retryOn, and replaces it when retryOn is set', () => {
    const yaml = `${YAML}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /attempts}}]
    retries: {attempts: 5}
    route: [{destination: {host: reviews}}]
  - match: [{uri: {prefix: /gateway-error}}]
    retries: {attempts: 3, retryOn: gateway-error}
    route: [{destination: {host: reviews}}]
  - match: [{uri: {prefix: /codes}}]
    retries: {attempts: 3, retryOn: "connect-failure,429"}
    route: [{destination: {host: reviews}}]
`;
    const routes = routeConfigurationFor(configGen({ yaml }), sidecarProxy(), '9080').virtual_hosts[0].routes;
    const policy = (prefix: string) => routes.find((r) => r.match.prefix === prefix)!.route!.retry_policy!;
    assert.equal(policy('/attempts').retry_on, 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes');
    assert.equal(policy('/attempts').num_retries.value, 5);
    assert.deepEqual(policy('/attempts').retriable_status_codes, [503]);
    assert.equal(policy('/gateway-error').retry_on, 'gateway-error');
    assert.equal(policy('/gateway-error').retriable_status_codes, undefined);
    assert.equal(policy('/codes').retry_on, 'connect-failure,retriable-status-codes');
    assert.deepEqual(policy('/codes').retriable_status_codes, [429]);
  });

  it('builds no route configuration for TCP-only ports', () => {
    const gen = configGen({ yaml: YAML });
    assert.throws(() => routeConfigurationFor(gen, sidecarProxy(), '5432'), /no route configuration 5432; have: 9080/);
  });
});

describe('routeGenerator', () => {
  it('answers exactly the requested names, including a port with no services (passthrough only)', () => {
    const gen = configGen({ yaml: YAML });
    const out = flattenResources(routeGenerator.generate(sidecarProxy(), gen.push, { watched: { typeUrl: routeGenerator.typeUrl, isWildcard: false, names: new Set(['9080', '7777']) }, push: undefined }));
    assert.deepEqual(out.map((r) => r.name), ['7777', '9080']);
    const passthrough = out[0].resource as { virtual_hosts: { name: string }[] };
    assert.deepEqual(passthrough.virtual_hosts.map((v) => v.name), ['allow_any']);
  });
});
