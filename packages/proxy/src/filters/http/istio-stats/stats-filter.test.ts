import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, seededRandom } from '@skiff/common';
import { HeaderMap } from '../../../http/codec/header-map.ts';
import { StatsRegistry } from '../../../stats/index.ts';
import type { FilterFactoryContext } from '../extension.ts';
import { FakeStream, requestHeaders } from '../test/fake-stream.ts';
import { createMetadataExchangeFilter } from './metadata-exchange.ts';
import { createIstioStatsFilter, parseIstioStatsConfig } from './stats-filter.ts';
import { encodePeerMetadata, PEER_METADATA_HEADER, PEER_METADATA_ID_HEADER } from './workload.ts';

const SERVER = { id: 'sidecar~10.1.0.9~reviews-v1-545db77b95-x7k2p.default~default.svc.cluster.local', metadata: { NAMESPACE: 'default', LABELS: { app: 'reviews', version: 'v1' }, SERVICE_ACCOUNT: 'reviews', CLUSTER_ID: 'Kubernetes' } };
const CLIENT = { id: 'sidecar~10.1.0.3~productpage-v1-6b746f74dc-9stvs.default~default.svc.cluster.local', metadata: { NAMESPACE: 'default', LABELS: { app: 'productpage', version: 'v1' }, CLUSTER_ID: 'Kubernetes' } };

function ctx(stats: StatsRegistry, clock: FakeClock, direction: 'INBOUND' | 'OUTBOUND'): FilterFactoryContext {
  return { clock, random: seededRandom(1), stats, statPrefix: 'inbound_0.0.0.0_9080', clusters: { get: () => undefined }, filterName: 'istio.stats', trafficDirection: direction };
}

describe('istio.stats on an inbound HCM', () => {
  it('reports as destination with the downstream peer, its mTLS principal and mutual_tls, and the inbound cluster service', () => {
    const stats = new StatsRegistry();
    const clock = new FakeClock(1000);
    const istio = { node: SERVER, clusterService: (name: string) => (name === 'inbound|9080||' ? { host: 'reviews.default.svc.cluster.local', name: 'reviews', namespace: 'default' } : undefined) };
    const mxExt = createMetadataExchangeFilter(SERVER);
    const mxConfig = mxExt.parseConfig({ downstream_discovery: [{ istio_headers: {} }], downstream_propagation: [{ istio_headers: {} }] }, []);
    const statsExt = createIstioStatsFilter(istio);
    const statsConfig = parseIstioStatsConfig({ disable_host_header_fallback: true }, []);
    assert.ok(mxConfig.ok && statsConfig.ok);
    const mx = mxExt.createFactory(mxConfig.value, ctx(stats, clock, 'INBOUND'));
    const st = statsExt.createFactory(statsConfig.value, ctx(stats, clock, 'INBOUND'));

    const stream = new FakeStream();
    (stream as { downstream: unknown }).downstream = { remoteAddress: '10.1.0.3', localAddress: '10.1.0.9', localPort: 9080, mutualTls: true, peerPrincipal: 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage' };
    const request = requestHeaders([[PEER_METADATA_HEADER, encodePeerMetadata(CLIENT)], [PEER_METADATA_ID_HEADER, CLIENT.id]]);
    const filters = [mx(stream), st(stream)];
    for (const f of filters) f.decodeHeaders?.(request, true);
    assert.equal(request.headers.get(PEER_METADATA_HEADER), undefined, 'the exchange headers do not reach the application');
    stream.info.upstreamClusterName = 'inbound|9080||';
    stream.info.responseCode = 200;
    clock.advance(7);
    for (const f of filters) f.onDestroy?.();

    const m = stats.metrics().find((x) => x.stat.tagExtractedName === 'istiocustom.istio_requests_total');
    assert.equal(m?.value, 1);
    assert.deepEqual(m?.stat.tags, {
      reporter: 'destination', source_workload: 'productpage-v1', source_canonical_service: 'productpage', source_canonical_revision: 'v1', source_workload_namespace: 'default',
      source_principal: 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage', source_app: 'productpage', source_version: 'v1', source_cluster: 'Kubernetes',
      destination_workload: 'reviews-v1', destination_workload_namespace: 'default', destination_principal: 'spiffe://cluster.local/ns/default/sa/reviews',
      destination_app: 'reviews', destination_version: 'v1', destination_service: 'reviews.default.svc.cluster.local', destination_canonical_service: 'reviews',
      destination_canonical_revision: 'v1', destination_service_name: 'reviews', destination_service_namespace: 'default', destination_cluster: 'Kubernetes',
      request_protocol: 'http', response_code: '200', grpc_response_status: '', response_flags: '-', connection_security_policy: 'mutual_tls',
    });
    const duration = stats.metrics().find((x) => x.stat.tagExtractedName === 'istiocustom.istio_request_duration_milliseconds');
    assert.equal(duration?.value, 1);
  });

  it("reports a request without peer metadata with unknown peer labels, and a local reply's flags", () => {
    const stats = new StatsRegistry();
    const clock = new FakeClock(0);
    const statsConfig = parseIstioStatsConfig({}, []);
    assert.ok(statsConfig.ok);
    const st = createIstioStatsFilter({ node: CLIENT, clusterService: () => undefined }).createFactory(statsConfig.value, ctx(stats, clock, 'OUTBOUND'));
    const stream = new FakeStream();
    const f = st(stream);
    f.decodeHeaders?.(requestHeaders(), true);
    stream.info.responseCode = 404;
    stream.info.setResponseFlag('NR');
    f.onDestroy?.();
    const tags = stats.metrics().find((x) => x.stat.tagExtractedName === 'istiocustom.istio_requests_total')!.stat.tags;
    assert.deepEqual([tags.reporter, tags.source_workload, tags.destination_workload, tags.destination_service, tags.destination_service_name, tags.response_flags, tags.response_code], ['source', 'productpage-v1', 'unknown', 'example.com', 'example.com', 'NR', '404']);
  });

  it('takes grpc_response_status from the response trailers of a gRPC call', () => {
    const stats = new StatsRegistry();
    const statsConfig = parseIstioStatsConfig({}, []);
    assert.ok(statsConfig.ok);
    const st = createIstioStatsFilter({ node: CLIENT, clusterService: () => undefined }).createFactory(statsConfig.value, ctx(stats, new FakeClock(0), 'OUTBOUND'));
    const stream = new FakeStream();
    const f = st(stream);
    f.decodeHeaders?.(requestHeaders([['content-type', 'application/grpc']], 'POST'), false);
    stream.info.responseCode = 200;
    f.encodeTrailers?.(HeaderMap.from([['grpc-status', '14'], ['grpc-message', 'unavailable']]));
    f.onDestroy?.();
    const tags = stats.metrics().find((x) => x.stat.tagExtractedName === 'istiocustom.istio_requests_total')!.stat.tags;
    assert.deepEqual([tags.request_protocol, tags.response_code, tags.grpc_response_status], ['grpc', '200', '14']);
  });

  it('rejects an unknown reporter', () => {
    assert.equal(parseIstioStatsConfig({ reporter: 'SOMETHING' }, ['typed_config']).ok, false);
  });
});
