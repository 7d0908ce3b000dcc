/**
 * IST0108 (from Istio's annotations.K8sAnalyzer): an annotation in an
 * istio.io domain that Istio does not define, on a Namespace, Service, Pod or
 * Deployment (including its pod template), is most likely a typo.
 */
import { kube } from '@skiff/api';
import type { FieldPath } from '@skiff/common';
import type { AnalyzedResource, Analyzer, AnalysisContext } from '../../analyzer.ts';
import { UnknownAnnotation } from '../../messages.gen.ts';
import { KNOWN_ISTIO_ANNOTATIONS } from './known-annotations.ts';

const ISTIO_DOMAIN = 'istio.io';

export const unknownAnnotationAnalyzer: Analyzer = {
  name: 'annotations.K8sAnalyzer',
  description: 'Checks for misplaced and invalid Istio annotations in Kubernetes resources',
  inputs: [kube.NamespaceKind, kube.ServiceKind, kube.PodKind, kube.DeploymentKind],
  analyze(ctx) {
    for (const kind of [kube.NamespaceKind, kube.ServiceKind, kube.PodKind, kube.DeploymentKind]) {
      for (const r of ctx.list(kind)) check(ctx, r, r.object.metadata.annotations, ['metadata', 'annotations']);
    }
    for (const d of ctx.list<kube.Deployment>(kube.DeploymentKind)) {
      check(ctx, d, d.object.spec?.template?.metadata?.annotations, ['spec', 'template', 'metadata', 'annotations']);
    }
  },
};

function check(ctx: AnalysisContext, resource: AnalyzedResource, annotations: Record<string, string> | undefined, path: FieldPath): void {
  for (const key of Object.keys(annotations ?? {})) {
    if (!key.split('/')[0].endsWith(ISTIO_DOMAIN)) continue;
    if (!KNOWN_ISTIO_ANNOTATIONS.has(key)) ctx.report(UnknownAnnotation, resource, [...path, key], key);
  }
}
