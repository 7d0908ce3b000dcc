/**
 * A container's environment in the local cluster: its own `env` (values,
 * and the downward API fields Istio's manifests use), the pod's identity
 * (POD_IP, INSTANCE_IP, SKIFF_APP_IP, POD_NAME, POD_NAMESPACE,
 * SERVICE_ACCOUNT) and, when the pod has a sidecar, HTTP_PROXY to its
 * outbound listener (ADR 0004 point 3).
 */
import type { kube } from '@skiff/api';

export interface PodAddressing {
  readonly podIp: string;
  /** Where applications listen: the 127.2.x.y address with a sidecar, the pod IP without. */
  readonly appIp: string;
  readonly sidecar: boolean;
}

/** `base`: what every process inherits from the supervisor (PATH, HOME, ...). */
export function containerEnv(pod: kube.Pod, container: kube.Container, addr: PodAddressing, base: Readonly<Record<string, string>>): Record<string, string> {
  const serviceAccount = pod.spec?.serviceAccountName || pod.spec?.serviceAccount || 'default';
  const env: Record<string, string> = {
    ...base,
    POD_IP: addr.podIp,
    INSTANCE_IP: addr.podIp,
    SKIFF_APP_IP: addr.appIp,
    POD_NAME: pod.metadata.name ?? '',
    POD_NAMESPACE: pod.metadata.namespace ?? 'default',
    SERVICE_ACCOUNT: serviceAccount,
    HOSTNAME: pod.metadata.name ?? '',
  };
  if (addr.sidecar && container.name !== 'istio-proxy') {
    const proxy = `http://${addr.podIp}:15001`;
    const noProxy = ['localhost', '127.0.0.1', addr.podIp, addr.appIp].join(',');
    Object.assign(env, { HTTP_PROXY: proxy, http_proxy: proxy, NO_PROXY: noProxy, no_proxy: noProxy });
  }
  for (const e of container.env ?? []) {
    if (!e.name) continue;
    if (e.value !== undefined) env[e.name] = expand(e.value, env);
    else if (e.valueFrom?.fieldRef?.fieldPath) env[e.name] = fieldValue(pod, e.valueFrom.fieldRef.fieldPath, addr, serviceAccount);
  }
  return env;
}

function fieldValue(pod: kube.Pod, path: string, addr: PodAddressing, serviceAccount: string): string {
  switch (path) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? 'default';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'status.podIP': return addr.podIp;
    case 'status.podIPs': return addr.podIp;
    case 'status.hostIP': return '127.0.0.1';
    case 'spec.nodeName': return 'skiff-local';
    case 'spec.serviceAccountName': return serviceAccount;
  }
  const label = /^metadata\.labels\['(.+)'\]$/.exec(path);
  if (label) return pod.metadata.labels?.[label[1]] ?? '';
  const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(path);
  if (annotation) return pod.metadata.annotations?.[annotation[1]] ?? '';
  return '';
}

/** Kubernetes' $(VAR) expansion against the variables defined so far; $$ escapes. */
export function expand(value: string, env: Readonly<Record<string, string>>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) => (m === '$$' ? '$' : name !== undefined && name in env ? env[name] : m));
}
