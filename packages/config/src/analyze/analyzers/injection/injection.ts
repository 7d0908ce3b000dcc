/**
 * Istio's injection.Analyzer: a user namespace should say whether it wants
 * sidecars (IST0102 when it has neither `istio-injection` nor `istio.io/rev`),
 * should not carry both labels (IST0123), and in an injected namespace every
 * Pod not opted out should have its istio-proxy container (IST0103).
 */
import { kube } from '@skiff/api';
import type { Analyzer } from '../../analyzer.ts';
import { ISTIO_SYSTEM } from '../../mesh-defaults.ts';
import { NamespaceMultipleInjectionLabels, NamespaceNotInjected, PodMissingProxy } from '../../messages.gen.ts';

export const INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';
export const SIDECAR_INJECT = 'sidecar.istio.io/inject';
export const PROXY_CONTAINER = 'istio-proxy';

/** Namespaces Istio's analyzers leave alone (util.IsSystemNamespace, plus istio-system). */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage', ISTIO_SYSTEM]);

export const injectionAnalyzer: Analyzer = {
  name: 'injection.Analyzer',
  description: 'Checks conditions related to Istio sidecar injection',
  inputs: [kube.NamespaceKind, kube.PodKind],
  analyze(ctx) {
    const injected = new Set<string>();
    for (const ns of ctx.list<kube.Namespace>(kube.NamespaceKind)) {
      if (SYSTEM_NAMESPACES.has(ns.name)) continue;
      const labels = ns.object.metadata.labels ?? {};
      if (labels['istio.io/dataplane-mode'] === 'ambient') continue;
      const injection = labels[INJECTION_LABEL];
      const revision = labels[REVISION_LABEL];
      if (revision !== undefined) {
        if (injection !== undefined) {
          ctx.report(NamespaceMultipleInjectionLabels, ns, ['metadata', 'labels'], [INJECTION_LABEL, REVISION_LABEL]);
          continue;
        }
        injected.add(ns.name);
        continue;
      }
      if (injection === undefined || injection === '') {
        ctx.report(NamespaceNotInjected, ns, ['metadata', 'name'], ns.name, ns.name);
        continue;
      }
      if (injection === 'enabled') injected.add(ns.name);
    }
    for (const pod of ctx.list<kube.Pod>(kube.PodKind)) {
      if (!injected.has(pod.namespace ?? ctx.defaultNamespace)) continue;
      const inject = pod.object.metadata.labels?.[SIDECAR_INJECT] ?? pod.object.metadata.annotations?.[SIDECAR_INJECT];
      if (inject?.toLowerCase() === 'false') continue;
      const spec = pod.object.spec ?? {};
      if (spec.hostNetwork) continue;
      const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
      if (!containers.some((c) => c.name === PROXY_CONTAINER)) {
        ctx.report(PodMissingProxy, pod, ['metadata', 'name'], `${pod.namespace}/${pod.name}`);
      }
    }
  },
};
