/**
 * Sidecar injection as Istio's webhook does it, applied when a Pod is
 * created: the namespace label `istio-injection=enabled` (or an
 * `istio.io/rev`) or the Pod's `sidecar.istio.io/inject: "true"` asks for
 * it, `"false"` refuses it (label or annotation), `istio-injection=disabled`
 * never injects. The `istio-proxy` container is appended, with Istio's
 * labels and status annotation, so `get pods` shows READY 2/2.
 */
import type { kube } from '@skiff/api';

export const SIDECAR_CONTAINER = 'istio-proxy';
export const PROXY_IMAGE = 'docker.io/istio/proxyv2';
export const PROXY_ADMIN_PORT = 15000;
/** Istio's agent ports: merged metrics (15020), readiness /healthz/ready (15021), Envoy's Prometheus stats (15090). */
export const PROXY_STATUS_PORT = 15020;
export const PROXY_READINESS_PORT = 15021;
export const PROXY_PROMETHEUS_PORT = 15090;
const INJECT = 'sidecar.istio.io/inject';

export function injectionWanted(pod: kube.Pod, namespaceLabels: Readonly<Record<string, string>>): boolean {
  if (pod.spec?.hostNetwork) return false;
  if ((pod.spec?.containers ?? []).some((c) => c.name === SIDECAR_CONTAINER)) return false;
  const setting = pod.metadata.labels?.[INJECT] ?? pod.metadata.annotations?.[INJECT];
  if (setting === 'false') return false;
  const ns = namespaceLabels['istio-injection'];
  if (ns === 'disabled') return false;
  if (setting === 'true') return true;
  return ns === 'enabled' || (namespaceLabels['istio.io/rev'] ?? '') !== '';
}

/** The Pod with Istio's sidecar added (a copy); unchanged when injection is not wanted. */
export function injectSidecar(pod: kube.Pod, namespaceLabels: Readonly<Record<string, string>>): kube.Pod {
  if (!injectionWanted(pod, namespaceLabels)) return pod;
  const out = structuredClone(pod);
  const labels = (out.metadata.labels ??= {});
  labels['security.istio.io/tlsMode'] = 'istio';
  labels['service.istio.io/canonical-name'] ??= labels['app.kubernetes.io/name'] ?? labels.app ?? out.metadata.generateName?.replace(/-$/, '') ?? out.metadata.name ?? '';
  labels['service.istio.io/canonical-revision'] ??= labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
  const annotations = (out.metadata.annotations ??= {});
  annotations['sidecar.istio.io/status'] = JSON.stringify({ initContainers: null, containers: [SIDECAR_CONTAINER], volumes: [], imagePullSecrets: null, revision: 'default' });
  annotations['kubectl.kubernetes.io/default-container'] ??= out.spec?.containers?.[0]?.name ?? '';
  const spec = (out.spec ??= {});
  spec.containers = [...(spec.containers ?? []), sidecarContainer()];
  return out;
}

function sidecarContainer(): kube.Container {
  return {
    name: SIDECAR_CONTAINER,
    image: PROXY_IMAGE,
    args: ['proxy', 'sidecar'],
    ports: [{ containerPort: PROXY_PROMETHEUS_PORT, protocol: 'TCP', name: 'http-envoy-prom' }],
    // Istio's injected probe is initialDelay 1s, period 2s; polled every second here so pods turn Ready sooner.
    readinessProbe: { httpGet: { path: '/healthz/ready', port: PROXY_READINESS_PORT }, initialDelaySeconds: 0, periodSeconds: 1, failureThreshold: 30, timeoutSeconds: 3 },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
  };
}
