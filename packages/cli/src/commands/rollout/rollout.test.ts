import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredResource } from '@skiff/client';
import { rolloutState } from './index.ts';

const deploy = (generation: number, replicas: number, status: Record<string, number>): StoredResource => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'web', namespace: 'n', uid: 'u', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z', generation },
  spec: { replicas },
  status,
} as unknown as StoredResource);

describe('rollout status (kubectl\'s messages)', () => {
  it('waits for the new spec to be observed, then for updated, old and available replicas', () => {
    assert.equal(rolloutState(deploy(2, 2, { observedGeneration: 1 })).message, 'Waiting for deployment spec update to be observed...');
    assert.equal(rolloutState(deploy(2, 2, { observedGeneration: 2, updatedReplicas: 1, replicas: 3 })).message, 'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...');
    assert.equal(rolloutState(deploy(2, 2, { observedGeneration: 2, updatedReplicas: 2, replicas: 3 })).message, 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...');
    assert.equal(rolloutState(deploy(2, 2, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 })).message, 'Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...');
    assert.deepEqual(rolloutState(deploy(2, 2, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })), { done: true, message: 'deployment "web" successfully rolled out' });
  });
});
