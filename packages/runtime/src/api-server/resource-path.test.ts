import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseResourcePath } from './resource-path.ts';

describe('Kubernetes REST paths', () => {
  it('reads core and grouped, namespaced and cluster-wide paths', () => {
    const pod = parseResourcePath('/api/v1/namespaces/shop/pods/web-1/log');
    assert.deepEqual([pod.definition.kind, pod.namespace, pod.name, pod.subresource], ['Pod', 'shop', 'web-1', 'log']);
    const vs = parseResourcePath('/apis/networking.istio.io/v1/namespaces/shop/virtualservices');
    assert.deepEqual([vs.definition.kind, vs.namespace, vs.name], ['VirtualService', 'shop', undefined]);
    const all = parseResourcePath('/apis/apps/v1/deployments');
    assert.deepEqual([all.definition.kind, all.namespace], ['Deployment', undefined]);
    assert.equal(parseResourcePath('/api/v1/namespaces/shop').definition.kind, 'Namespace');
  });

  it('answers 404 for unknown resources or versions, 400 for a namespaced path to a cluster-scoped kind', () => {
    assert.throws(() => parseResourcePath('/apis/networking.istio.io/v9/namespaces/a/virtualservices'), /could not find the requested resource/);
    assert.throws(() => parseResourcePath('/api/v1/namespaces/a/widgets'), /could not find the requested resource/);
    assert.throws(() => parseResourcePath('/api/v1/namespaces/a/namespaces/b'), /is not namespaced/);
  });
});
