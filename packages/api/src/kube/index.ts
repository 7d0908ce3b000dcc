/** The Kubernetes kinds a mesh reads. Exported from @skiff/api as the `kube` namespace (kube.Service, kube.Pod, ...). */
import type { KindDefinition } from '../kind.ts';
import { ConfigMapKind } from './config-map.ts';
import { DeploymentKind } from './deployment.ts';
import { EndpointSliceKind } from './endpoint-slice.ts';
import { NamespaceKind } from './namespace.ts';
import { PodKind } from './pod.ts';
import { SecretKind } from './secret.ts';
import { ServiceAccountKind } from './service-account.ts';
import { ServiceKind } from './service.ts';

export * from './meta.ts';
export * from './namespace.ts';
export * from './service.ts';
export * from './pod.ts';
export * from './deployment.ts';
export * from './service-account.ts';
export * from './secret.ts';
export * from './config-map.ts';
export * from './endpoint-slice.ts';

export const KUBE_KINDS: readonly KindDefinition[] = [
  NamespaceKind,
  ServiceKind,
  PodKind,
  DeploymentKind,
  ServiceAccountKind,
  SecretKind,
  ConfigMapKind,
  EndpointSliceKind,
];
