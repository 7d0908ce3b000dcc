import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { kube } from '@skiff/api';
import { containerEnv } from './pod-env.ts';

const pod: kube.Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-abc', namespace: 'shop', labels: { app: 'web' } }, spec: { serviceAccountName: 'web-sa', containers: [] } };

describe('a container\'s environment', () => {
  it('carries the pod\'s identity and, with a sidecar, HTTP_PROXY to its outbound listener', () => {
    const env = containerEnv(pod, { name: 'web' }, { podIp: '127.1.0.5', appIp: '127.2.0.5', sidecar: true }, { PATH: '/bin' });
    assert.deepEqual(
      [env.PATH, env.POD_IP, env.INSTANCE_IP, env.SKIFF_APP_IP, env.POD_NAME, env.POD_NAMESPACE, env.SERVICE_ACCOUNT, env.HTTP_PROXY, env.http_proxy],
      ['/bin', '127.1.0.5', '127.1.0.5', '127.2.0.5', 'web-abc', 'shop', 'web-sa', 'http://127.1.0.5:15001', 'http://127.1.0.5:15001'],
    );
    assert.match(env.NO_PROXY, /127\.1\.0\.5/);
  });

  it('sets no proxy for the sidecar itself nor for pods without one', () => {
    assert.equal(containerEnv(pod, { name: 'istio-proxy' }, { podIp: '127.1.0.5', appIp: '127.2.0.5', sidecar: true }, {}).HTTP_PROXY, undefined);
    assert.equal(containerEnv(pod, { name: 'web' }, { podIp: '127.1.0.5', appIp: '127.1.0.5', sidecar: false }, {}).HTTP_PROXY, undefined);
  });

  it('resolves the downward API fields and $(VAR) references as Kubernetes does', () => {
    const env = containerEnv(pod, {
      name: 'web',
      env: [
        { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'URL', value: 'http://$(MY_IP):8080/$(UNKNOWN)/$$(MY_IP)' },
      ],
    }, { podIp: '127.1.0.5', appIp: '127.1.0.5', sidecar: false }, {});
    assert.deepEqual([env.MY_IP, env.APP, env.URL], ['127.1.0.5', 'web', 'http://127.1.0.5:8080/$(UNKNOWN)/$(MY_IP)']);
  });
});
