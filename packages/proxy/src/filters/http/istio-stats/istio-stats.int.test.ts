import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { jsonToStruct } from '@skiff/api/envoy/struct.ts';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { FakeClock, seededRandom, type Clock } from '@skiff/common';
import { FakeControlPlane } from '@skiff/testing';
import { buildBootstrap } from '../../../bootstrap/index.ts';
import { ProxyServer } from '../../../proxy-server.ts';
import { formatStatsPrometheus } from '../../../stats/index.ts';
import { assignment, echo, get, until, type Echo } from '../../../../test/harness.ts';

const ADS = { ads: {}, resource_api_version: 'V3' };

interface Sidecar {
  readonly plane: FakeControlPlane;
  readonly proxy: ProxyServer;
  push(r: { clusters?: WireMessage[]; endpoints?: WireMessage[]; listeners?: WireMessage[] }): Promise<void>;
  close(): Promise<void>;
}

async function sidecar(podName: string, labels: Record<string, string>, serviceAccount: string): Promise<Sidecar> {
  const plane = await FakeControlPlane.start();
  const bootstrap = buildBootstrap({ proxyType: 'sidecar', ip: '127.0.0.1', podName, namespace: 'default', xdsAddress: plane.address, labels, serviceAccount });
  if (!bootstrap.ok) throw new Error(bootstrap.errors.join());
  const proxy = new ProxyServer({ bootstrap: bootstrap.value, clock: new FakeClock(Date.UTC(2026, 0, 1)) as Clock, random: seededRandom(3), admin: false });
  await proxy.start();
  return {
    plane,
    proxy,
    async push(r) {
      const acks: [string, string][] = [];
      if (r.clusters) acks.push([TypeUrl.Cluster, plane.setResources(TypeUrl.Cluster, r.clusters)]);
      if (r.endpoints) acks.push([TypeUrl.ClusterLoadAssignment, plane.setResources(TypeUrl.ClusterLoadAssignment, r.endpoints)]);
      if (r.listeners) acks.push([TypeUrl.Listener, plane.setResources(TypeUrl.Listener, r.listeners)]);
      for (const [type, version] of acks) await plane.waitForAck(type, version);
      await until(() => proxy.xds.snapshot().initialized && proxy.xds.snapshot().warmingListeners.size === 0, 'the snapshot to settle');
      await proxy.listeners.settled();
    },
    async close() {
      await proxy.close();
      await plane.stop();
    },
  };
}

function hcmListener(name: string, direction: 'INBOUND' | 'OUTBOUND', cluster: string, istioFilters: WireMessage[]): WireMessage {
  return {
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
    traffic_direction: direction,
    filter_chains: [{
      filters: [{
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: {
          '@type': TypeUrl.HttpConnectionManager,
          stat_prefix: `${direction.toLowerCase()}_0.0.0.0_9080`,
          route_config: { name: 'r', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster } }] }] },
          http_filters: [...istioFilters, { name: 'envoy.filters.http.router', typed_config: { '@type': TypeUrl.Router } }],
        },
      }],
    }],
  };
}

const OUTBOUND_CLUSTER = 'outbound|9080||reviews.default.svc.cluster.local';
const INBOUND_CLUSTER = 'inbound|9080||';

describe('Istio standard metrics between two sidecars (metadata exchange over x-envoy-peer-metadata)', () => {
  let app: Echo;
  let client: Sidecar;
  let server: Sidecar;
  let port = 0;

  before(async () => {
    app = await echo('reviews-v2');
    client = await sidecar('productpage-v1-6b746f74dc-9stvs', { app: 'productpage', version: 'v1' }, 'bookinfo-productpage');
    server = await sidecar('reviews-v2-7bf8c9648f-x7k2p', { app: 'reviews', version: 'v2' }, 'bookinfo-reviews');
    await server.push({
      clusters: [{ name: INBOUND_CLUSTER, type: 'STATIC', connect_timeout: { seconds: '1' }, load_assignment: assignment(INBOUND_CLUSTER, [app]),
        metadata: { filter_metadata: { istio: jsonToStruct({ services: [{ host: 'reviews.default.svc.cluster.local', name: 'reviews', namespace: 'default' }] }) } } }],
      listeners: [hcmListener('virtualInbound', 'INBOUND', INBOUND_CLUSTER, [
        { name: 'istio.metadata_exchange', typed_config: { '@type': TypeUrl.IstioPeerMetadata, downstream_discovery: [{ istio_headers: {} }, { workload_discovery: {} }], downstream_propagation: [{ istio_headers: {} }] } },
        { name: 'istio.stats', typed_config: { '@type': TypeUrl.IstioStats, disable_host_header_fallback: true } },
      ])],
    });
    const inbound = server.proxy.listeners.address('virtualInbound');
    assert.ok(inbound);
    await client.push({
      clusters: [{ name: OUTBOUND_CLUSTER, type: 'EDS', connect_timeout: { seconds: '1' }, eds_cluster_config: { eds_config: ADS, service_name: OUTBOUND_CLUSTER } }],
      endpoints: [assignment(OUTBOUND_CLUSTER, [{ host: '127.0.0.1', port: inbound.port }])],
      listeners: [hcmListener('0.0.0.0_9080', 'OUTBOUND', OUTBOUND_CLUSTER, [
        { name: 'istio.metadata_exchange', typed_config: { '@type': TypeUrl.IstioPeerMetadata, upstream_discovery: [{ istio_headers: {} }, { workload_discovery: {} }], upstream_propagation: [{ istio_headers: {} }] } },
        // As Istio's pilot emits it for an outbound HCM: an empty config inside a TypedStruct.
        { name: 'istio.stats', typed_config: { '@type': TypeUrl.UdpaTypedStruct, type_url: TypeUrl.IstioStats, value: jsonToStruct({}) } },
      ])],
    });
    port = client.proxy.listeners.address('0.0.0.0_9080')!.port;
  });

  after(async () => {
    await client?.close();
    await server?.close();
    await app?.stop();
  });

  it('counts istio_requests_total with reporter source on the client and destination on the server, with both workloads known', async () => {
    app.statuses = [200, 200, 503];
    for (let i = 0; i < 3; i++) await get(port, `/reviews/${i}`, { host: 'reviews:9080' });
    // The application never sees the exchange headers.
    assert.ok(app.seen.every((s) => s.headers['x-envoy-peer-metadata'] === undefined && s.headers['x-envoy-peer-metadata-id'] === undefined));

    const common = {
      source_workload: 'productpage-v1', source_canonical_service: 'productpage', source_canonical_revision: 'v1', source_workload_namespace: 'default',
      source_app: 'productpage', source_version: 'v1', source_cluster: 'Kubernetes',
      destination_workload: 'reviews-v2', destination_workload_namespace: 'default', destination_app: 'reviews', destination_version: 'v2',
      destination_service: 'reviews.default.svc.cluster.local', destination_canonical_service: 'reviews', destination_canonical_revision: 'v2',
      destination_service_name: 'reviews', destination_service_namespace: 'default', destination_cluster: 'Kubernetes',
      request_protocol: 'http', grpc_response_status: '', response_flags: '-',
    };
    const requests = (s: Sidecar) => s.proxy.stats.metrics().filter((m) => m.stat.tagExtractedName === 'istiocustom.istio_requests_total')
      .map((m) => ({ tags: m.stat.tags, value: m.value })).sort((a, b) => (a.tags.response_code < b.tags.response_code ? -1 : 1));

    const sourceSide = requests(client);
    assert.deepEqual(sourceSide.map((r) => [r.tags.response_code, r.value]), [['200', 2], ['503', 1]]);
    for (const r of sourceSide) {
      assert.deepEqual({ ...r.tags, response_code: undefined }, {
        ...common, reporter: 'source', response_code: undefined, source_principal: 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage',
        destination_principal: 'unknown', connection_security_policy: 'unknown',
      });
    }

    await until(() => requests(server).reduce((n, r) => n + r.value, 0) === 3, 'the server side to record 3 requests');
    const destSide = requests(server);
    assert.deepEqual(destSide.map((r) => [r.tags.response_code, r.value]), [['200', 2], ['503', 1]]);
    assert.deepEqual({ ...destSide[0].tags }, {
      ...common, reporter: 'destination', response_code: '200', source_principal: 'unknown',
      destination_principal: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews', connection_security_policy: 'none',
    });

    const prom = formatStatsPrometheus(client.proxy.stats.metrics());
    assert.match(prom, /^# TYPE istio_requests_total counter$/m);
    assert.match(prom, /^istio_requests_total\{reporter="source",source_workload="productpage-v1",.*response_code="200",.*\} 2$/m);
    assert.match(prom, /^# TYPE istio_request_duration_milliseconds histogram$/m);
    assert.match(prom, /^istio_request_duration_milliseconds_bucket\{reporter="source",.*response_code="503",.*le="\+Inf"\} 1$/m);
    assert.match(prom, /^istio_request_bytes_count\{reporter="source",.*response_code="200",.*\} 2$/m);
    assert.match(prom, /^istio_response_bytes_sum\{reporter="source",.*response_code="200",.*\} \d+$/m);
    assert.match(prom, /^# TYPE envoy_http_downstream_rq_total counter$/m);
  });
});
