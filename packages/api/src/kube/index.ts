/** The Kubernetes kinds a mesh reads. Exported from @skiff/api as the `kube` namespace (kube.Service, kube.Pod, ...). */
import type { KindDefinition } from '../kind.ts';

export const KUBE_KINDS: readonly KindDefinition[] = [
];
