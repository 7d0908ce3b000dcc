/**
 * What Skiff knows about a kind: its group, served versions, REST plural,
 * scope and schema. `kinds.ts` holds the one explicit list of them.
 */
import type { MessageSchema } from './schema/schema.ts';

export interface KindDefinition {
  /** API group; '' for the Kubernetes core group (`v1`). */
  readonly group: string;
  readonly kind: string;
  /** Served versions, newest first; all share one schema, as Istio's CRDs do. */
  readonly versions: readonly string[];
  readonly plural: string;
  readonly shortNames?: readonly string[];
  readonly namespaced: boolean;
  /** Objects of this kind may omit metadata.name (and metadata); they get this name. */
  readonly defaultName?: string;
  /** Schema of the whole object: apiVersion, kind, metadata and the kind's own fields. */
  readonly schema: MessageSchema;
}

export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Splits `networking.istio.io/v1` into group and version (`v1` → core group). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
