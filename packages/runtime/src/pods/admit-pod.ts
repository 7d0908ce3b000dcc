/**
 * The mutating admission a Pod goes through on creation, wherever it comes
 * from (the API server or the Deployment controller): Istio's sidecar
 * injection, decided by the Pod and its Namespace's labels.
 */
import type { kube } from '@skiff/api';
import type { ConfigStore } from '@skiff/config';
import { injectSidecar } from './inject.ts';

export async function admitPod(store: ConfigStore, pod: kube.Pod): Promise<kube.Pod> {
  const namespace = pod.metadata?.namespace || 'default';
  const ns = await store.get({ group: '', kind: 'Namespace', namespace: '', name: namespace });
  return injectSidecar(pod, ns?.metadata.labels ?? {});
}
