import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { isSkiffError } from '@skiff/common';
import { GeneratorRegistry } from './generator-registry.ts';
import { pushOrder } from './xds-server.ts';

describe('GeneratorRegistry', () => {
  it('rejects a second generator for the same type URL', () => {
    const registry = new GeneratorRegistry<null>([{ typeUrl: TypeUrl.Cluster, generate: () => [] }]);
    assert.throws(() => registry.register({ typeUrl: TypeUrl.Cluster, generate: () => [] }), (e) => isSkiffError(e, 'SKIFF_ERR_XDS_DUPLICATE_GENERATOR'));
  });

  it('override swaps an entry and its restore function puts the original back', () => {
    const original = () => [];
    const registry = new GeneratorRegistry<null>([{ typeUrl: TypeUrl.Cluster, generate: original }]);
    const replacement = () => [];
    const restore = registry.override({ typeUrl: TypeUrl.Cluster, generate: replacement });
    assert.equal(registry.get(TypeUrl.Cluster), replacement);
    restore();
    assert.equal(registry.get(TypeUrl.Cluster), original);
    registry.override({ typeUrl: TypeUrl.Listener, generate: replacement })();
    assert.equal(registry.get(TypeUrl.Listener), undefined);
  });
});

describe('pushOrder', () => {
  it('puts CDS before EDS and LDS before RDS, unknown types last', () => {
    assert.deepEqual(pushOrder(['custom', TypeUrl.RouteConfiguration, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.Cluster]), [
      TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration, 'custom',
    ]);
  });
});
