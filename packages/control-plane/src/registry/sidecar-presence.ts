/**
 * Whether a workload runs a sidecar, which decides the `tlsMode` of its
 * endpoints: `istio` endpoints carry `envoy.transport_socket_match:
 * {tlsMode: istio}` in EDS, and auto mTLS sends them ISTIO_MUTUAL while
 * plain text goes to the rest (Istio's model.TLSModeLabel handling). This
 * is the one place the rule lives.
 *
 * Istio reads only the `security.istio.io/tlsMode` label, which its
 * injector puts on every pod it injects. Skiff's local runtime will inject
 * sidecars itself and manifests are often applied before injection, so a
 * Pod counts as having a sidecar when, in this order:
 *   1. it carries `security.istio.io/tlsMode` (its value decides: `istio`
 *      or anything else, as in Istio);
 *   2. it has a container (or native-sidecar init container) named
 *      `istio-proxy`;
 *   3. injection is asked for and not refused: the Pod's
 *      `sidecar.istio.io/inject` label (or the deprecated annotation) is
 *      "true", or, unless it is "false", its namespace is labelled
 *      `istio-injection: enabled` or has an `istio.io/rev` (an
 *      `istio-injection: disabled` namespace never injects by label).
 * WorkloadEntries and inline ServiceEntry endpoints have no containers to
 * look at: only the label counts for them (rule 1), as in Istio.
 */
import type { kube } from '@skiff/api';

export type TlsMode = 'istio' | 'disabled';

/** Istio's model.TLSModeLabelName. */
export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';
export const SIDECAR_CONTAINER_NAME = 'istio-proxy';
export const INJECT_LABEL = 'sidecar.istio.io/inject';
export const NAMESPACE_INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';

/** Rule 1 alone: WorkloadEntries, inline endpoints, and Pods that carry the label. */
export function tlsModeOfLabels(labels: Readonly<Record<string, string>>): TlsMode | undefined {
  const value = labels[TLS_MODE_LABEL];
  if (value === undefined) return undefined;
  return value === 'istio' ? 'istio' : 'disabled';
}

export function podTlsMode(pod: kube.Pod, namespaceLabels: Readonly<Record<string, string>>): TlsMode {
  const labels = pod.metadata.labels ?? {};
  const labelled = tlsModeOfLabels(labels);
  if (labelled) return labelled;
  const spec = pod.spec;
  const containers = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  if (containers.some((c) => c.name === SIDECAR_CONTAINER_NAME)) return 'istio';
  return injectionRequested(labels[INJECT_LABEL] ?? pod.metadata.annotations?.[INJECT_LABEL], namespaceLabels) ? 'istio' : 'disabled';
}

function injectionRequested(podSetting: string | undefined, namespaceLabels: Readonly<Record<string, string>>): boolean {
  if (podSetting === 'true') return true;
  if (podSetting === 'false') return false;
  const ns = namespaceLabels[NAMESPACE_INJECTION_LABEL];
  if (ns === 'enabled') return true;
  if (ns === 'disabled') return false;
  return (namespaceLabels[REVISION_LABEL] ?? '') !== '';
}
