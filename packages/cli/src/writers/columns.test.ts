import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredResource } from '@skiff/client';
import { podSummary } from './columns.ts';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const pod = (containers: string[], statuses: object[], extra: Record<string, unknown> = {}): StoredResource => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', namespace: 'n', uid: 'u', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z', ...extra },
  spec: { containers: containers.map((name) => ({ name })) },
  status: { phase: 'Running', containerStatuses: statuses },
} as unknown as StoredResource);

describe('the pod columns kubectl prints', () => {
  it('counts ready containers: 2/2 with a ready sidecar', () => {
    const s = podSummary(pod(['app', 'istio-proxy'], [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }, { name: 'istio-proxy', ready: true, restartCount: 0, state: { running: {} } }]), NOW);
    assert.deepEqual(s, { ready: '2/2', status: 'Running', restarts: '0' });
  });

  it('shows a waiting reason as the status, and restarts with how long ago the last one ended', () => {
    const s = podSummary(pod(['app', 'istio-proxy'], [
      { name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2026-01-01T00:05:00Z' } } },
      { name: 'istio-proxy', ready: true, restartCount: 0, state: { running: {} } },
    ]), NOW);
    assert.deepEqual(s, { ready: '1/2', status: 'CrashLoopBackOff', restarts: '3 (5m ago)' });
  });

  it('says Terminating once a deletion started', () => {
    assert.equal(podSummary(pod(['app'], [{ name: 'app', ready: true, state: { running: {} } }], { deletionTimestamp: '2026-01-01T00:09:00Z' }), NOW).status, 'Terminating');
  });
});
