import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBootstrap, loadBootstrapFile, parseBootstrap, parseBootstrapText, toEnvoyBootstrap } from './index.ts';

const FLAGS = {
  proxyType: 'sidecar' as const,
  ip: '10.1.1.1',
  podName: 'reviews-v1-abc',
  namespace: 'default',
  labels: { app: 'reviews', version: 'v1' },
  serviceAccount: 'bookinfo-reviews',
  istioVersion: '1.24.0',
  xdsAddress: 'istiod.istio-system:15010',
};

const YAML = `
node:
  id: router~10.0.0.5~ingress-abc.istio-system~istio-system.svc.cluster.local
  cluster: istio-ingressgateway.istio-system
  metadata:
    NAMESPACE: istio-system
    LABELS: {istio: ingressgateway}
    CLUSTER_ID: Kubernetes
    INSTANCE_IPS: 10.0.0.5
admin:
  address: {socket_address: {address: 127.0.0.1, port_value: 15001}}
dynamic_resources:
  ads_config:
    api_type: DELTA_GRPC
    grpc_services: [{envoy_grpc: {cluster_name: xds-grpc}}]
static_resources:
  clusters:
  - name: xds-grpc
    load_assignment:
      cluster_name: xds-grpc
      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: istiod, port_value: 15012}}}}]}]
`;

describe('bootstrap', () => {
  it('builds an Istio sidecar node from flags: id, cluster and metadata as istio-agent writes them', () => {
    const b = buildBootstrap(FLAGS);
    assert.ok(b.ok, JSON.stringify(b));
    assert.equal(b.value.node.id, 'sidecar~10.1.1.1~reviews-v1-abc.default~default.svc.cluster.local');
    assert.equal(b.value.node.cluster, 'reviews.default');
    assert.deepEqual(b.value.node.metadata, {
      NAMESPACE: 'default', LABELS: { app: 'reviews', version: 'v1' }, CLUSTER_ID: 'Kubernetes', INSTANCE_IPS: '10.1.1.1',
      SERVICE_ACCOUNT: 'bookinfo-reviews', ISTIO_VERSION: '1.24.0',
    });
    assert.deepEqual(b.value.adsAddress, { host: 'istiod.istio-system', port: 15010 });
    assert.deepEqual(b.value.adminAddress, { host: '127.0.0.1', port: 15000 });
    assert.equal(b.value.adsProtocol, 'sotw');
    assert.equal(b.value.proxyType, 'sidecar');
  });

  it('round-trips: the Envoy document rendered from a config parses back to the same config', () => {
    const b = buildBootstrap({ ...FLAGS, adsProtocol: 'delta', adminPort: 0 });
    assert.ok(b.ok);
    assert.deepEqual(parseBootstrap(toEnvoyBootstrap(b.value)), b);
  });

  it('reads a router bootstrap from YAML: delta ADS, the xds-grpc endpoint, the admin address', () => {
    const b = parseBootstrapText(YAML, 'envoy-rev.yaml');
    assert.ok(b.ok, JSON.stringify(b));
    assert.equal(b.value.proxyType, 'router');
    assert.equal(b.value.namespace, 'istio-system');
    assert.deepEqual(b.value.labels, { istio: 'ingressgateway' });
    assert.deepEqual(b.value.adsAddress, { host: 'istiod', port: 15012 });
    assert.deepEqual(b.value.adminAddress, { host: '127.0.0.1', port: 15001 });
    assert.equal(b.value.adsProtocol, 'delta');
  });

  it('reads a JSON bootstrap file from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skiff-bootstrap-'));
    try {
      const built = buildBootstrap(FLAGS);
      assert.ok(built.ok);
      await writeFile(join(dir, 'envoy-rev.json'), JSON.stringify(toEnvoyBootstrap(built.value)));
      assert.deepEqual(await loadBootstrapFile(join(dir, 'envoy-rev.json')), built);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the field in every error', () => {
    const bad = parseBootstrapText(
      YAML.replace('router~10.0.0.5', 'gateway~10.0.0.x')
        .replace('{istio: ingressgateway}', '{istio: 7}')
        .replace('port_value: 15012', 'port_value: 70000')
        .replace('api_type: DELTA_GRPC', 'api_type: REST'),
      'b.yaml',
    );
    assert.equal(bad.ok, false);
    assert.deepEqual(!bad.ok && bad.errors, [
      'b.yaml: node.id: invalid node type "gateway" (valid types: sidecar, router) in the service node "gateway~10.0.0.x~ingress-abc.istio-system~istio-system.svc.cluster.local"',
      'b.yaml: node.id: invalid IP address "10.0.0.x" in the service node "gateway~10.0.0.x~ingress-abc.istio-system~istio-system.svc.cluster.local"',
      'b.yaml: node.metadata.LABELS.istio: expected a string',
      'b.yaml: dynamic_resources.ads_config.api_type: unsupported api_type "REST" (valid: GRPC, DELTA_GRPC, AGGREGATED_GRPC, AGGREGATED_DELTA_GRPC)',
      'b.yaml: static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value: value must be less than or equal to 65535',
    ]);
  });

  it('reports a missing ADS cluster and a YAML syntax error with its line', () => {
    const missing = parseBootstrapText(YAML.replace('cluster_name: xds-grpc}}', 'cluster_name: pilot}}'), 'b.yaml');
    assert.deepEqual(!missing.ok && missing.errors, ['b.yaml: dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name: unknown cluster "pilot": no static_resources.clusters entry has this name']);
    const syntax = parseBootstrapText('node:\n  id: [unclosed\n', 'b.yaml');
    assert.equal(syntax.ok, false);
    assert.match(!syntax.ok ? syntax.errors[0] : '', /^b\.yaml:\d+: /);
  });

  it('rejects a malformed --xds-address', () => {
    assert.deepEqual(buildBootstrap({ ...FLAGS, xdsAddress: 'istiod' }), { ok: false, errors: ['--xds-address: expected host:port, got "istiod"'] });
  });
});
