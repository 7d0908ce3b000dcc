import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adsServiceDefinition } from './ads-service.ts';
import { decodeAny, encodeAny } from './resource-codec.ts';
import { jsonToStruct, structToJson } from './struct.ts';
import { TypeUrl } from '../type-urls.ts';

const METADATA = { NAMESPACE: 'backend', LABELS: { app: 'user-service', version: 'v1' }, INSTANCE_IPS: '127.0.0.5', PORTS: [80, 8080], SIDECAR: true, NONE: null };

describe('Struct on the wire', () => {
  it('keeps node metadata through the ADS request encoding both ways (as Envoy and our clients send it)', () => {
    const method = adsServiceDefinition().StreamAggregatedResources;
    const bytes = method.requestSerialize({ node: { id: 'sidecar~127.0.0.5~user-service-v1.backend~backend.svc.cluster.local', metadata: jsonToStruct(METADATA) }, type_url: TypeUrl.Cluster });
    const decoded = method.requestDeserialize(bytes) as { node: { metadata: Parameters<typeof structToJson>[0] } };
    assert.deepEqual(structToJson(decoded.node.metadata), METADATA);
  });

  it('keeps Struct values inside resources through the resource codec', () => {
    const cluster = { name: 'c', metadata: { filter_metadata: { istio: jsonToStruct({ subset: 'v1', port: 9080 }) } } };
    const back = decodeAny(encodeAny(TypeUrl.Cluster, cluster)) as { metadata: { filter_metadata: { istio: Parameters<typeof structToJson>[0] } } };
    assert.deepEqual(structToJson(back.metadata.filter_metadata.istio), { subset: 'v1', port: 9080 });
  });
});
