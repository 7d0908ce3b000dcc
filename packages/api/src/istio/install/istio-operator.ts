/**
 * install.istio.io IstioOperator (istio.operator.v1alpha1.IstioOperator): what
 * `skiff install` (istioctl install) sets up. `values` stays free-form, as in
 * Istio: the Helm values are not schematised. Kubernetes-typed settings under
 * `k8s` are Struct for the same reason Istio keeps them loosely typed.
 */
import { anyValue, array, bool, map, message, string, struct } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';
import { MeshConfigSpec } from './mesh-config.ts';

const K8sObjectOverlayPatch = message('istio.operator.v1alpha1.K8sObjectOverlay.PathValue', {
  path: string(),
  value: anyValue(),
});

export const K8sObjectOverlay = message('istio.operator.v1alpha1.K8sObjectOverlay', {
  apiVersion: string(),
  kind: string(),
  name: string(),
  patches: array(K8sObjectOverlayPatch),
});

export const KubernetesResourcesSpec = message('istio.operator.v1alpha1.KubernetesResourcesSpec', {
  affinity: struct(),
  env: array(struct()),
  hpaSpec: struct(),
  imagePullPolicy: string(),
  nodeSelector: map(string()),
  podDisruptionBudget: struct(),
  podAnnotations: map(string()),
  priorityClassName: string(),
  readinessProbe: struct(),
  replicaCount: anyValue(),
  resources: struct(),
  service: struct(),
  strategy: struct(),
  tolerations: array(struct()),
  serviceAnnotations: map(string()),
  securityContext: struct(),
  volumes: array(struct()),
  volumeMounts: array(struct()),
  overlays: array(K8sObjectOverlay),
});
export type KubernetesResourcesSpec = Infer<typeof KubernetesResourcesSpec>;

export const ComponentSpec = message('istio.operator.v1alpha1.ComponentSpec', {
  enabled: bool(),
  namespace: string(),
  hub: string(),
  /** A string or a number, as in Istio's `google.protobuf.Value`. */
  tag: anyValue(),
  spec: struct(),
  k8s: KubernetesResourcesSpec,
});
export type ComponentSpec = Infer<typeof ComponentSpec>;

export const GatewayComponentSpec = message('istio.operator.v1alpha1.GatewaySpec', {
  name: string(),
  namespace: string(),
  enabled: bool(),
  label: map(string()),
  hub: string(),
  tag: anyValue(),
  k8s: KubernetesResourcesSpec,
});
export type GatewayComponentSpec = Infer<typeof GatewayComponentSpec>;

export const IstioComponentSetSpec = message('istio.operator.v1alpha1.IstioComponentSetSpec', {
  base: ComponentSpec,
  pilot: ComponentSpec,
  cni: ComponentSpec,
  ztunnel: ComponentSpec,
  istiodRemote: ComponentSpec,
  ingressGateways: array(GatewayComponentSpec),
  egressGateways: array(GatewayComponentSpec),
  /** A gateway installed with the control plane (not installed by default). */
  gateway: ComponentSpec,
});
export type IstioComponentSetSpec = Infer<typeof IstioComponentSetSpec>;

export const IstioOperatorSpec = message('istio.operator.v1alpha1.IstioOperatorSpec', {
  profile: string(),
  installPackagePath: string(),
  hub: string(),
  tag: anyValue(),
  namespace: string(),
  revision: string(),
  compatibilityVersion: string(),
  meshConfig: MeshConfigSpec,
  components: IstioComponentSetSpec,
  values: struct(),
  unvalidatedValues: struct(),
}, { deprecated: { installPackagePath: 'charts are built in; the field is ignored' } });
export type IstioOperatorSpec = Infer<typeof IstioOperatorSpec>;
export type IstioOperator = SpecResource<IstioOperatorSpec>;

export const IstioOperatorKind: KindDefinition = {
  group: 'install.istio.io',
  kind: 'IstioOperator',
  versions: ['v1alpha1'],
  plural: 'istiooperators',
  shortNames: ['iop', 'io'],
  namespaced: true,
  // Istio's install docs write IstioOperator files without metadata; istioctl names the stored one `installed-state`.
  defaultName: 'installed-state',
  schema: specEnvelope('install.istio.io.IstioOperator', IstioOperatorSpec),
};
