import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { adsServiceDefinition } from '@skiff/api/envoy/ads-service.ts';
import type { MethodDefinition } from '@grpc/proto-loader';
import type { DiscoveryResponse } from '@skiff/api/envoy/discovery-types.ts';
import { configGen, sidecarProxy } from '@skiff/testing/config-gen.ts';
import type { Proxy } from '../model/proxy.ts';
import type { PushContext } from '../model/push-context.ts';
import { controlPlaneGenerators } from '../server/generators.ts';
import { encodeOutput } from '../xds/encoded-output.ts';
import { PackedDiscoveryResponse, withPackedResponses } from '../xds/packed-response.ts';
import { encodeResource, hashResourceSet } from '../xds/resource-encoder.ts';
import { flattenResources, NameSet, SharedResources, type GeneratorOutput } from '../xds/shared-resources.ts';

const service = (name: string, ns: string, exportTo = '') => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}${exportTo ? `, annotations: {networking.istio.io/exportTo: "${exportTo}"}` : ''}}
spec: {selector: {app: ${name}}, ports: [{name: http, port: 9080}]}
---`;

const pod = (name: string, app: string, ns: string, ip: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: {app: ${app}}, annotations: {skiff.test/ip: ${ip}}}
spec: {containers: [{name: app, image: app, ports: [{containerPort: 9080}]}]}
---`;

/** reviews is exported to its own namespace only; ratings to everyone. The Sidecar narrows app=narrow to ratings. */
const YAML = service('reviews', 'shop', '.') + service('ratings', 'shop')
  + pod('reviews-1', 'reviews', 'shop', '10.1.0.1') + pod('ratings-1', 'ratings', 'shop', '10.1.0.2') + `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: narrow, namespace: shop}
spec:
  workloadSelector: {labels: {app: narrow}}
  egress: [{hosts: [shop/ratings.shop.svc.cluster.local]}]
---`;

const REVIEWS = 'reviews.shop.svc.cluster.local';
const RATINGS = 'ratings.shop.svc.cluster.local';
const proxies = {
  // Pods of no service: nothing inbound of their own.
  a: sidecarProxy({ name: 'a', namespace: 'shop', ip: '10.2.0.1', labels: { app: 'a' } }),
  b: sidecarProxy({ name: 'b', namespace: 'shop', ip: '10.2.0.2', labels: { app: 'b' } }),
  narrow: sidecarProxy({ name: 'narrow', namespace: 'shop', ip: '10.2.0.3', labels: { app: 'narrow' } }),
  other: sidecarProxy({ name: 'c', namespace: 'other', ip: '10.2.0.4', labels: { app: 'c' } }),
  // The reviews pod's own sidecar: same outbound scope as a and b, its own inbound side.
  reviews: sidecarProxy({ name: 'reviews-1', namespace: 'shop', ip: '10.1.0.1', labels: { app: 'reviews' } }),
};

const EDS_NAMES = NameSet.of([REVIEWS, RATINGS].map((h) => `outbound|9080||${h}`));

function generate(proxy: Proxy, push: PushContext, typeUrl: string): GeneratorOutput {
  const g = controlPlaneGenerators().find((e) => e.typeUrl === typeUrl)!;
  const wildcard = typeUrl !== TypeUrl.ClusterLoadAssignment;
  return g.generate(proxy, push, {
    watched: { typeUrl, isWildcard: wildcard, names: wildcard ? new Set() : EDS_NAMES.names, nameSet: wildcard ? undefined : EDS_NAMES },
    push: undefined,
  });
}

function shared(output: GeneratorOutput): SharedResources {
  const found = output.filter((r) => r instanceof SharedResources);
  assert.equal(found.length, 1);
  return found[0];
}

const names = (output: GeneratorOutput) => flattenResources(output).map((r) => r.name);

describe('shared outbound output (proxies with the same scope share translated and encoded lists)', () => {
  const push = configGen({ yaml: YAML }).push;

  it('hands proxies of one namespace and scope the very same CDS, EDS and outbound LDS lists', () => {
    for (const type of [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener]) {
      assert.equal(shared(generate(proxies.a, push, type)), shared(generate(proxies.b, push, type)), type);
      assert.equal(shared(generate(proxies.a, push, type)), shared(generate(proxies.reviews, push, type)), type);
    }
  });

  it('does not share between namespaces: what exportTo hides in one is absent from its list', () => {
    const here = shared(generate(proxies.a, push, TypeUrl.Cluster));
    const there = shared(generate(proxies.other, push, TypeUrl.Cluster));
    assert.notEqual(here, there);
    assert.ok(here.names.has(`outbound|9080||${REVIEWS}`));
    assert.ok(!there.names.has(`outbound|9080||${REVIEWS}`));
    assert.ok(there.names.has(`outbound|9080||${RATINGS}`));
  });

  it('does not share between Sidecar scopes: a proxy selected by a narrower Sidecar gets its own lists', () => {
    for (const type of [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener]) {
      assert.notEqual(shared(generate(proxies.narrow, push, type)), shared(generate(proxies.a, push, type)), type);
    }
    const clusters = names(generate(proxies.narrow, push, TypeUrl.Cluster));
    assert.ok(clusters.includes(`outbound|9080||${RATINGS}`));
    assert.ok(!clusters.includes(`outbound|9080||${REVIEWS}`));
  });

  it('keeps inbound clusters and listeners per proxy, beside the shared part', () => {
    const own = (p: Proxy, type: string) => generate(p, push, type).filter((r) => !(r instanceof SharedResources)).map((r) => (r as { name: string }).name);
    assert.deepEqual(own(proxies.reviews, TypeUrl.Cluster), ['inbound|9080||']);
    assert.deepEqual(own(proxies.a, TypeUrl.Cluster), []);
    const inboundChains = (p: Proxy) => {
      const listener = flattenResources(generate(p, push, TypeUrl.Listener)).find((r) => r.name === 'virtualInbound')!;
      return (listener.resource as { filter_chains: { name: string }[] }).filter_chains.map((c) => c.name);
    };
    assert.ok(inboundChains(proxies.reviews).includes('0.0.0.0_9080'));
    assert.ok(!inboundChains(proxies.a).includes('0.0.0.0_9080'));
  });

  it('encodes a shared list once per subscription: same digests as resource by resource, same bytes for every proxy', () => {
    const a = encodeOutput(TypeUrl.Cluster, generate(proxies.a, push, TypeUrl.Cluster), undefined);
    const b = encodeOutput(TypeUrl.Cluster, generate(proxies.b, push, TypeUrl.Cluster), undefined);
    const flat = flattenResources(generate(proxies.a, push, TypeUrl.Cluster)).map((r) => encodeResource(TypeUrl.Cluster, r));
    assert.equal(a.hash, hashResourceSet(flat));
    assert.equal(a.hash, b.hash);
    assert.equal(a.wire().chunks[0], b.wire().chunks[0], 'the framed bytes of the shared list are one buffer');
    const onlyRatings = encodeOutput(TypeUrl.Cluster, generate(proxies.a, push, TypeUrl.Cluster), NameSet.of([`outbound|9080||${RATINGS}`]));
    assert.deepEqual(onlyRatings.names(), [`outbound|9080||${RATINGS}`]);
  });

  it('serializes a packed response to the bytes protobuf decodes back into the same DiscoveryResponse', () => {
    const output = encodeOutput(TypeUrl.Cluster, generate(proxies.reviews, push, TypeUrl.Cluster), undefined);
    const packed = new PackedDiscoveryResponse({ version_info: '2025-01-01T00:00:00.000Z/3', type_url: TypeUrl.Cluster, nonce: 'abc-1' }, output.wire());
    const method = withPackedResponses(adsServiceDefinition()).StreamAggregatedResources as MethodDefinition<object, object>;
    const bytes = method.responseSerialize(packed);
    assert.equal(bytes.byteLength, packed.byteLength);
    const decoded = method.responseDeserialize(Buffer.from(bytes)) as DiscoveryResponse;
    assert.equal(decoded.version_info, '2025-01-01T00:00:00.000Z/3');
    assert.equal(decoded.type_url, TypeUrl.Cluster);
    assert.equal(decoded.nonce, 'abc-1');
    const expected = output.resources();
    assert.equal(decoded.resources?.length, expected.length);
    decoded.resources!.forEach((any, i) => {
      assert.equal(any.type_url, TypeUrl.Cluster);
      assert.deepEqual(Buffer.from(any.value!), Buffer.from(expected[i].any.value));
    });
    // Plain responses still go through protobufjs.
    const plain = method.responseDeserialize(Buffer.from(method.responseSerialize({ version_info: '1', type_url: TypeUrl.Listener, nonce: 'n', resources: [] }))) as DiscoveryResponse;
    assert.equal(plain.version_info, '1');
  });
});
