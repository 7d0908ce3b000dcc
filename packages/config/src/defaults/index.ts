/**
 * Defaults filled in where Istio's CRDs or the Kubernetes API server fill them
 * (Service port protocol TCP and targetPort = port, Deployment replicas 1, ...),
 * so every consumer sees the same object whatever the user left out. Runs on
 * valid objects only, on a copy: the caller's object is never mutated.
 */
import type { KindDefinition, ResourceObject } from '@skiff/api';
import { KUBE_DEFAULTS } from './kube.ts';
import { ISTIO_DEFAULTS } from './istio.ts';
import { hasSpec } from '../validate/index.ts';

/** Fills defaults into `object` in place. */
export type Defaulter = (object: ResourceObject) => void;

const BY_KIND: ReadonlyMap<string, Defaulter> = new Map([...KUBE_DEFAULTS, ...ISTIO_DEFAULTS]);

export function withDefaults<T extends ResourceObject>(definition: KindDefinition, object: T): T {
  const defaulter = BY_KIND.get(`${definition.group}/${definition.kind}`);
  const missingSpec = hasSpec(definition) && object.spec == null;
  const missingName = definition.defaultName !== undefined && !object.metadata?.name;
  if (!defaulter && !missingSpec && !missingName) return object;
  const copy = structuredClone(object);
  if (missingName) copy.metadata = { ...copy.metadata, name: definition.defaultName };
  // Consumers may rely on `spec` being present on spec-bearing kinds.
  if (missingSpec) (copy as ResourceObject).spec = {};
  defaulter?.(copy);
  return copy;
}
